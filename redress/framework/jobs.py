"""The management system's scheduled duties, run by the worker every minute
(``REDRESS_PERIODIC_JOBS``): each finds only what is due and does it once."""

from __future__ import annotations

from redress.framework.services.objectives import objectives_review_due


def framework_sweep() -> int:
    """Measure the objectives whose review date has come; how many things were done."""
    return objectives_review_due()
