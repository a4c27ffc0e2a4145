"""Realistic bilingual demo and volume data (``redress seed``, ``manage.py demo``).

- ``demo``: the demo organisation (units, a login per role, categories, products, the calendar)
  and the names, places and topics complaints are made of;
- ``lifecycle``: one generated complaint and the lifecycle that leads to its state, as rows;
- ``batches``: a batch of them made ready to write, in worker processes when asked;
- ``load``: ``seed_complaints``, which writes them in bulk, batch by batch.
"""

from redress.intake.seed.demo import (
    DEMO_PASSWORD,
    DEMO_USERS,
    FAMILY,
    GIVEN,
    MIDDLE,
    PLACES,
    STREETS,
    TOPICS,
    demo_organisation,
)
from redress.intake.seed.load import (
    SeedInterrupted,
    SeedResult,
    seed_complaints,
    seed_jobs_default,
)

__all__ = [
    "DEMO_PASSWORD",
    "DEMO_USERS",
    "FAMILY",
    "GIVEN",
    "MIDDLE",
    "PLACES",
    "STREETS",
    "TOPICS",
    "SeedInterrupted",
    "SeedResult",
    "demo_organisation",
    "seed_complaints",
    "seed_jobs_default",
]
