"""Who may open what: every route of the staff site, the portal, the API and the Django admin,
for every role, by method (issue 16; ASVS 4.1, 4.2).

The routes are read from the URL configuration, not listed by hand: a route added without a
rule in ``RULES`` fails this test until someone decides who may use it. Each rule gives the
status every identity gets for GET and POST (and, on the API, each method the route declares).
The requests carry no data: a POST that is allowed answers with its form's refusal (200 or
422), a redirect, or a 404 for an object that does not exist; one that is not allowed is
refused before anything is read (401, 403, 404 or a redirect to sign in).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from redress.complaints.attachments import IncomingFile, attachments_check, attachments_store
from redress.complaints.models import Status
from redress.core.actors import Actor
from redress.core.models import User
from redress.core.roles import Role
from redress.core.testing import UserFactory, staff
from redress.handling.testing import complaint_in_state, make_team
from redress.improvement.services import (
    capa_task_add,
    investigation_conclude,
    systemic_issue_open,
)
from redress.improvement.services.proposals import systemic_proposal_make
from redress.improvement.tests.helpers import capa_for, cause
from redress.intake.models import InboundEmail
from redress.integrations.services import token_create
from tests.access_rules import (
    ADMIN,
    ANON,
    AUDITOR,
    FRONT,
    HANDLER,
    MANAGER,
    ORDER,
    ROOT,
    RULES,
    TOP,
)

pytestmark = [pytest.mark.django_db, pytest.mark.access_matrix]


PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)


def walk(
    patterns: list[URLPattern | URLResolver], namespace: str = "", prefix: str = ""
) -> Iterator[tuple[str, str, URLPattern]]:
    """(route key, regex of the whole path, pattern) for every route under the resolver."""
    for entry in patterns:
        regex = prefix + entry.pattern.regex.pattern.lstrip("^").rstrip("$").replace(r"\Z", "")
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from walk(entry.url_patterns, inner, regex)
        else:
            name = f"{namespace}:{entry.name}" if entry.name else f"{namespace}:<{regex}>"
            yield name.lstrip(":"), regex, entry


def routes() -> dict[str, URLPattern]:
    found = {}
    for key, _regex, pattern in walk(get_resolver().url_patterns):
        found.setdefault(key, pattern)
    return found


@pytest.fixture
def world(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    cache.clear()
    settings.REDRESS_PORTAL_SUBMIT_RATE = "100000/3600"
    settings.REDRESS_PORTAL_TRACK_RATE = "100000/3600"
    settings.REDRESS_PASSWORD_RESET_RATE = "100000/3600"
    # The inbound-mail webhook enabled: a request without its secret is refused whoever sends it.
    settings.REDRESS_MAIL_WEBHOOK_SECRET = "matrix-webhook-secret"
    team = make_team()
    people = {
        FRONT: team.frontline,
        HANDLER: team.handler,
        MANAGER: team.manager,
        TOP: team.top,
        AUDITOR: team.auditor,
        ADMIN: staff(Role.ADMIN, team.unit),
        ROOT: UserFactory(is_superuser=True, is_staff=True),
    }
    # Reloaded: the factories set passwords without saving them, and a session keeps the hash.
    people = {who: User.objects.get(pk=person.pk) for who, person in people.items()}
    complaint = complaint_in_state(Status.INVESTIGATING, team)
    (attachment,) = attachments_store(
        attachments_check([IncomingFile("anh.png", PNG)]),
        complaint=complaint,
        message=None,
        uploaded_by="test",
    )
    # Continual improvement: the complaint's investigation, a systemic issue of the unit linked
    # to it, and a draft CAPA of the unit owned by the handler with a task of the handler's.
    investigation_conclude(
        complaint=complaint,
        actor=Actor.for_user(team.handler),
        findings="Đã kiểm tra",
        root_cause=cause("process-handover"),
    )
    # A systemic issue proposed from similar complaints (triage), waiting for a decision.
    proposal = systemic_proposal_make(
        actor=Actor.system("triage"),
        title="Mất điện khu phố",
        complaints=[complaint],
        at_least=1,
        evidence={},
    )
    assert proposal is not None
    issue = systemic_issue_open(
        actor=Actor.for_user(team.manager),
        title="Chậm bàn giao",
        description="Nhiều khiếu nại cùng một nguyên nhân",
        unit=team.unit,
        complaints=[complaint],
    )
    capa = capa_for(team)
    task = capa_task_add(
        capa=capa,
        actor=Actor.for_user(team.manager),
        title="Viết lại hướng dẫn",
        owner=team.handler,
        due_on=timezone.localdate() + dt.timedelta(days=30),
    )
    # The complaint's original email, kept as intake keeps it.
    original = InboundEmail(
        dedupe_key="mail:access-matrix",
        source=InboundEmail.Source.FILE,
        sha256="0" * 64,
        size=4,
        outcome=InboundEmail.Outcome.COMPLAINT,
        complaint=complaint,
    )
    original.raw.name = default_storage.save("mail/00/access-matrix.eml", ContentFile(b"x\r\n"))
    original.save()
    tokens = {
        who: token_create(
            actor=Actor.system("test"),
            user=person,
            name=who,
            scopes=["read", "write", "actions"],
            rate_limit_per_minute=1_000_000,
        ).raw
        for who, person in people.items()
    }
    yield {
        "people": people,
        "reference": complaint.reference,
        "attachment": attachment.pk,
        "email": original.pk,
        "issue": issue.pk,
        "proposal": proposal.pk,
        "capa": capa.pk,
        "task": task.pk,
        "tokens": tokens,
    }
    cache.clear()  # the portal's and the password reset's counters: no test after this one sees them


def url_of(key: str, pattern: URLPattern, world: dict) -> str:
    """A concrete address for the route: its parameters filled with things that exist."""
    names = set(pattern.pattern.regex.groupindex)
    values: dict[str, object] = {}
    for name in names:
        if name == "reference":
            values[name] = world["reference"]
        elif name == "pk":
            # the attachment, the systemic issue, the CAPA or the proposal of the world;
            # otherwise none
            owners = {
                ":attachment": "attachment",
                ":issue": "issue",
                ":capa": "capa",
                ":proposal": "proposal",
            }
            found = [world[v] for k, v in owners.items() if key.split("_")[0].endswith(k)]
            values[name] = found[0] if found else 999999
        elif name == "issue_id":
            values[name] = world["issue"]
        elif name == "capa_id":
            values[name] = world["capa"]
        elif name in ("task", "task_id"):
            values[name] = world["task"]
        elif name in (
            "membership",
            "day",
            "objective_id",
            "restriction_id",
            "pack_id",
            "grant_id",
        ):  # none exists
            values[name] = 999999
        elif name == "number":  # a policy version that does not exist
            values[name] = 999
        elif name == "queue":
            values[name] = "all"
        elif name == "action":  # a CAPA's step its draft does not allow; a complaint's action
            values[name] = "start" if "capa_act" in key else "add_note"
        elif name == "code":
            values[name] = "ABCD-EFGH-JKMN" if key.startswith("portal:") else "trend_monthly"
        elif name == "uidb64":
            values[name] = "MQ"
        elif name == "token":
            values[name] = "set-password"
        elif name == "purpose":  # a gateway's callback
            values[name] = "report"
        elif name == "rest":
            values[name] = "nothing-here"
        elif name == "app_label":
            values[name] = "core"
        elif name == "content_type_id":
            values[name] = "1"
        elif name == "object_id":
            values[name] = "999999"
        elif name == "id":  # the admin's password change: the superuser's own
            values[name] = world["people"][ROOT].pk
        elif name == "attachment_id":
            values[name] = world["attachment"]
        elif name == "email_id":
            values[name] = world["email"]
        elif name == "breakdown":
            values[name] = "trend_monthly"
        elif name == "url":  # the admin's catch-all
            values[name] = "nothing-here/"
        else:
            raise AssertionError(f"{key}: say which value its parameter {name} takes here")
    if "<" in key:  # an unnamed route: its expression with the values put in
        regex = key.split("<", 1)[1].rstrip(">")
        return "/" + re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: str(values[m.group(1)]), regex)
    url = reverse(key, kwargs=values)
    if key == "backoffice:reply_template":
        url += "?template=reply-general"
    return url


def methods_of(key: str, pattern: URLPattern) -> list[str]:
    if key.startswith("<api/v1/"):
        return ["GET", "POST"]
    if key.startswith("api-v1:"):
        # django-ninja's view closes over its PathView, which lists the operations.
        for cell in getattr(pattern.callback, "__closure__", None) or ():
            operations = getattr(cell.cell_contents, "operations", None)
            if operations:
                return sorted({method for op in operations for method in op.methods})
        return ["GET"]
    if key.startswith("admin:"):
        return ["GET"]
    return ["GET", "POST"]


def observe(world: dict, part: int = 0, parts: int = 1) -> dict[tuple[str, str, str], int]:
    """The status each identity gets on each route and method: of every route, or of one of
    ``parts`` runs of routes in their order."""
    clients: dict[str, Client] = {}

    def client_of(who: str) -> Client:
        if who not in clients:
            client = Client()
            if who != ANON:
                client.force_login(world["people"][who])
            clients[who] = client
        return clients[who]

    seen = {}
    ordered = sorted(routes().items())
    first, last = len(ordered) * part // parts, len(ordered) * (part + 1) // parts
    for key, pattern in ordered[first:last]:
        url = url_of(key, pattern, world)
        for method in methods_of(key, pattern):
            for who in ORDER:
                if key.startswith("api-v1:"):
                    headers = {}
                    if who != ANON:
                        headers["Authorization"] = f"Bearer {world['tokens'][who]}"
                    response = Client().generic(
                        method, url, b"{}", content_type="application/json", headers=headers
                    )
                elif method == "GET":
                    response = client_of(who).get(url)
                else:
                    response = client_of(who).post(url, {})
                seen[(key, method, who)] = response.status_code
                if key in ("backoffice:logout", "admin:logout"):
                    clients.pop(who, None)  # signed out: sign in again for the next route
    return seen


def test_every_route_has_a_rule_and_no_rule_is_left_without_its_route():
    found = set(routes())
    assert not found - set(RULES), "routes without an access rule: " + ", ".join(
        sorted(found - set(RULES))
    )
    assert not set(RULES) - found, "rules of routes that are gone: " + ", ".join(
        sorted(set(RULES) - found)
    )


# The matrix is some 7,000 requests: in six runs of routes, the test processes share it. Each
# route's identities stay together and in order, as what one does can change what the next gets.
MATRIX_PARTS = 6


@pytest.mark.parametrize("part", range(MATRIX_PARTS))
def test_every_role_gets_what_the_rule_says(world, part):
    seen = observe(world, part, MATRIX_PARTS)
    expected = {
        (key, method, who): RULES.get(key, {}).get(method, {}).get(who) for key, method, who in seen
    }
    wrong = [
        f"{key} {method} as {who}: expected {expected[key, method, who]}, got {status}"
        for (key, method, who), status in seen.items()
        if expected[key, method, who] != status
    ]
    if os.environ.get("REDRESS_MATRIX_DUMP"):
        Path(f"{os.environ['REDRESS_MATRIX_DUMP']}.{part}").write_text(
            json.dumps({f"{k}|{m}|{w}": s for (k, m, w), s in seen.items()}, indent=0)
        )
    assert not wrong, "\n".join(wrong)


def test_an_external_auditor_reaches_only_their_own_pages(world):
    """A person without a staff role, granted a pack whose sample holds the world's complaint:
    every other page of the staff site answers 403 (``access_rules_certification``)."""
    from redress.backoffice.middleware import OPEN
    from redress.certification.models import (
        AuditorPack,
        ExternalAuditorGrant,
        PackSampleItem,
        PackState,
    )
    from redress.complaints.models import Complaint
    from tests.access_rules_certification import EXTERNAL_AUDITOR, EXTERNAL_AUDITOR_DEFAULT

    today = timezone.localdate()
    administrator = world["people"][ADMIN]
    pack = AuditorPack.objects.create(
        period_start=today,
        period_end=today,
        language="vi",
        sample_size=1,
        seed=1,
        requested_by=administrator,
        requested_at=timezone.now(),
        state=PackState.READY,
    )
    PackSampleItem.objects.create(
        pack=pack, complaint=Complaint.objects.get(reference=world["reference"]), position=1
    )
    outsider = User.objects.get(pk=UserFactory(username="external-auditor").pk)
    grant = ExternalAuditorGrant.objects.create(
        auditor=outsider,
        starts_on=today,
        ends_on=today,
        reason="certification audit",
        granted_by=administrator,
        granted_at=timezone.now(),
    )
    grant.packs.add(pack)
    client = Client()
    client.force_login(outsider)
    wrong = []
    for key, pattern in sorted(routes().items()):
        if not key.startswith("backoffice:") or key in OPEN:
            continue
        url = url_of(key, pattern, world)
        for method in ("GET", "POST"):
            response = client.get(url) if method == "GET" else client.post(url, {})
            expected = EXTERNAL_AUDITOR.get(key, {}).get(method, EXTERNAL_AUDITOR_DEFAULT)
            if response.status_code != expected:
                wrong.append(f"{key} {method}: expected {expected}, got {response.status_code}")
    assert not wrong, "\n".join(wrong)
