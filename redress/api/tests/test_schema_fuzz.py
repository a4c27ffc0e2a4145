"""Fuzzing /api/v1 from its own OpenAPI document (schemathesis): whatever is sent, valid or
not, the API never answers 500, and every answer matches the schema (status, content type,
body). Half the generated references point at real complaints, so actions run for real.

Fifty examples per operation in every run of the suite (``make test``, ``.ci/run``), derandomised
so that a run is repeatable; REDRESS_FUZZ_EXAMPLES asks for more by hand.
"""

from __future__ import annotations

import itertools
import os

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from redress.complaints.models import Status
from redress.complaints.testing import CategoryFactory
from redress.core.actors import Actor
from redress.handling.testing import complaint_in_state, make_team, receive
from redress.integrations.services import token_create

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
]


# Read from the running application (the document clients get); reading it touches no database.
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
# A query parameter the operation does not name is ignored, as OpenAPI allows (a client's cache
# buster is no error); bodies, whose schemas forbid unknown fields, refuse them.
schema.config.generation.update(allow_extra_parameters=False)


@pytest.fixture
def keep_test_connection():
    """Django closes the database connection when a WSGI request ends; the test database
    must outlive each request (Django's own test client does the same)."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def world(db, settings, tmp_path, keep_test_connection):
    """A unit with its team, complaints in several states and a token of the manager."""
    settings.MEDIA_ROOT = tmp_path
    team = make_team()
    CategoryFactory()
    references = [receive(team).complaint.reference]
    references.append(complaint_in_state(Status.DECISION_COMMUNICATED, team).reference)
    token = token_create(
        actor=Actor.system("fuzz"),
        user=team.manager,
        name="fuzz",
        scopes=["read", "write", "actions"],
        rate_limit_per_minute=1_000_000,
    ).raw
    return {
        "token": token,
        "references": itertools.cycle(references),
        "flip": itertools.cycle([True, False]),
    }


EXAMPLES = max(50, int(os.environ.get("REDRESS_FUZZ_EXAMPLES", "50")))


@pytest.mark.fuzz
@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_api_never_fails_and_always_matches_its_schema(case, world):
    if "reference" in (case.path_parameters or {}) and next(world["flip"]):
        case.path_parameters["reference"] = next(world["references"])
    case.call_and_validate(
        headers={"Authorization": f"Bearer {world['token']}", "Accept-Language": "vi"},
        checks=CHECKS,
    )
