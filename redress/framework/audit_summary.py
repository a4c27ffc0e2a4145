"""The internal audits' results for a management review (ISO 10002 8.5 → 8.6).

A placeholder in this branch: the internal-audit module replaces it with the real summary.
"""

from __future__ import annotations

import datetime as dt
from typing import Any


def audit_results_between(first: dt.date, last: dt.date) -> list[dict[str, Any]]:
    """The internal audits completed between ``first`` and ``last`` (both included), each as
    plain JSON (reference, scope, dates, findings by type, open nonconformities), oldest
    first. None are recorded yet: an empty list."""
    return []
