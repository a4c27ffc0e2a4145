"""Test helpers: one evaluator run at an explicit instant, and Hà Nội instants."""

from __future__ import annotations

import datetime as dt
from typing import Any

from redress.certification.evaluation import REGISTRY, Context, Evaluation
from redress.sla.testing import local


def run(name: str, at: str | dt.datetime, **params: Any) -> Evaluation:
    """Evaluator ``name`` as of ``at`` (a Hà Nội time 'YYYY-MM-DD HH:MM', or an instant)."""
    now = local(at) if isinstance(at, str) else at
    return REGISTRY[name](Context(now=now), params)


def fact(evaluation: Evaluation, label: str) -> Any:
    return next(f.value for f in evaluation.facts if str(f.label) == label)
