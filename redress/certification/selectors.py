"""Reads of the auditor's packs and of external auditors' access (docs/certification.md).

Who may do what:

- complaints managers and administrators ask for packs; they, top management and the internal
  auditors list and download them;
- administrators grant and revoke external auditors' access;
- an external auditor is a person without a staff role who was granted access to packs: while a
  grant is live (not revoked, today between its first and last day) they see the packs it
  names and the complaints sampled in them, read-only and masked; nothing else, and nothing at
  all once no grant is live.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import BigIntegerField, ExpressionWrapper, F, Q, QuerySet
from django.db.models.expressions import CombinedExpression
from django.utils import timezone

from redress.analytics.cohort import organisation_zone
from redress.certification.models import AuditorPack, ExternalAuditorGrant, PackSampleItem
from redress.complaints.models import Complaint
from redress.core.models import User
from redress.core.roles import Role
from redress.core.selectors import user_roles

PACK_STARTERS = frozenset({Role.COMPLAINTS_MANAGER, Role.ADMIN})
PACK_READERS = PACK_STARTERS | {Role.TOP_MANAGEMENT, Role.AUDITOR}
GRANTORS = frozenset({Role.ADMIN})

# The sample's order: a hash of the seed and the complaint's id, computed by the database, so
# that drawing n complaints out of a million reads n rows (a top-n sort), not a million. Two
# rounds of multiply-and-square modulo the prime 2^31 − 1 keep every intermediate value below
# 2^62 (no overflow of a 64-bit integer on PostgreSQL or SQLite) for ids and seeds below 2^31.
PRIME = 2_147_483_647
MULTIPLIER = 1_103_515_245
SEED_LIMIT = PRIME


def _holds(user: User, roles: frozenset[Role]) -> bool:
    return bool(set(user_roles(user)) & roles) or bool(getattr(user, "is_superuser", False))


def may_start_packs(user: User) -> bool:
    return bool(set(user_roles(user)) & PACK_STARTERS)


def may_read_packs(user: User) -> bool:
    return bool(set(user_roles(user)) & PACK_READERS)


def may_grant(user: User) -> bool:
    return _holds(user, GRANTORS)


def today() -> dt.date:
    """Today in the organisation's time zone: a grant's days are the organisation's."""
    return timezone.now().astimezone(organisation_zone()).date()


def live(on: dt.date) -> Q:
    return Q(revoked_at__isnull=True, starts_on__lte=on, ends_on__gte=on)


def is_external_auditor(user: User) -> bool:
    """A signed-in person without a staff role who was ever granted access to a pack (one
    query, and none for staff: their roles are read once per request anyway)."""
    if not user.is_authenticated or user_roles(user) or user.is_superuser:
        return False
    return ExternalAuditorGrant.objects.filter(auditor=user).exists()


def grants_live_for(user: User, on: dt.date | None = None) -> QuerySet[ExternalAuditorGrant]:
    return ExternalAuditorGrant.objects.filter(live(on or today()), auditor=user)


def packs_granted_to(user: User) -> QuerySet[AuditorPack]:
    """The packs a live grant of the external auditor names."""
    return AuditorPack.objects.filter(grants__in=grants_live_for(user)).distinct()


def external_complaints(user: User) -> Q | None:
    """The complaints an external auditor may see (the gate asks this of a person without a
    staff role; ``complaints.selectors.visibility_grant_register``): those sampled in the packs
    of their live grants. None for anyone who holds no grant."""
    if not ExternalAuditorGrant.objects.filter(auditor=user).exists():
        return None
    sampled = PackSampleItem.objects.filter(pack__grants__in=grants_live_for(user)).values(
        "complaint_id"
    )
    return Q(pk__in=sampled)


def packs_visible_to(user: User) -> QuerySet[AuditorPack]:
    """Every pack for the staff who read packs; the granted ones for an external auditor."""
    if may_read_packs(user):
        return AuditorPack.objects.select_related("requested_by")
    if is_external_auditor(user):
        return packs_granted_to(user).select_related("requested_by")
    return AuditorPack.objects.none()


def pack_sample(pack: AuditorPack) -> QuerySet[PackSampleItem]:
    return pack.sample_items.select_related("complaint").order_by("position")


def grant_list() -> QuerySet[ExternalAuditorGrant]:
    return ExternalAuditorGrant.objects.select_related(
        "auditor", "granted_by", "revoked_by"
    ).prefetch_related("packs")[:200]


def external_auditor_candidates() -> QuerySet[User]:
    """Active people without a staff role: the only ones who may be made external auditors
    (a member of staff already sees what their role lets them)."""
    from redress.core.models import Membership

    staff = Membership.objects.values("user_id")
    return User.objects.filter(is_active=True, is_superuser=False).exclude(pk__in=staff)


# ---------------------------------------------------------------------------------------------
# The sample


def sample_population(first: dt.date, last: dt.date) -> QuerySet[Complaint]:
    """The complaints received in the period (days of the organisation's time zone), except
    those whose processing is restricted at the person's request (Law 91/2025)."""
    zone = organisation_zone()
    start = dt.datetime.combine(first, dt.time.min, tzinfo=zone)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
    return Complaint.objects.filter(
        received_at__gte=start, received_at__lt=end, processing_restricted=False
    )


def sample_order(seed: int) -> ExpressionWrapper[CombinedExpression]:
    first = (F("pk") * MULTIPLIER + seed) % PRIME
    second = (first * first + seed) % PRIME
    return ExpressionWrapper(second, output_field=BigIntegerField())


def sample_draw(first: dt.date, last: dt.date, *, seed: int, size: int) -> list[int]:
    """The ids of ``size`` complaints of the period, chosen by the seed, in one query: the same
    seed over the same period gives the same complaints in the same order."""
    return list(
        sample_population(first, last)
        .annotate(sample_key=sample_order(seed))
        .order_by("sample_key", "pk")
        .values_list("pk", flat=True)[:size]
    )
