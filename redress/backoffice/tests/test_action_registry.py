"""The workspace offers every registered action a person can take, and each action's form sends
the registry's fields to the service and nothing the service would not take."""

import pytest

from redress.backoffice.actions import SPECS
from redress.complaints.models import PauseReason, Status
from redress.complaints.transitions import Action
from redress.core.roles import Role
from redress.handling.registry import ACTIONS

# Helpers of a form that are not the service's business: a reply starts from a template.
FORM_ONLY = {"template"}


def test_the_workspace_offers_every_action_a_person_can_take():
    people = {spec.action for spec in ACTIONS if spec.roles}
    assert {spec.action for spec in SPECS} == people


def test_each_form_asks_only_for_fields_the_action_takes():
    for spec in SPECS:
        asked = set(spec.form.base_fields) - FORM_ONLY
        assert asked <= set(spec.registered.field_names), (spec.action, asked)


@pytest.mark.django_db
def test_an_action_without_a_written_form_gets_one_built_from_its_fields():
    from redress.backoffice.actions import Context, Spec
    from redress.backoffice.forms.actions import action_form
    from redress.handling.registry import BY_ACTION
    from redress.handling.testing import complaint_in_state, make_team

    team = make_team()
    complaint = complaint_in_state(Status.DECISION_COMMUNICATED, team)
    escalate = BY_ACTION[Action.ESCALATE]
    built = action_form(escalate)
    assert list(built.base_fields) == ["reason"] and built.base_fields["reason"].required

    empty = built({}, complaint=complaint, user=team.handler)
    assert not empty.is_valid() and "reason" in empty.errors
    form = built({"reason": "Khách không đồng ý"}, complaint=complaint, user=team.handler)
    assert form.is_valid()
    ctx = Context(user=team.handler, complaint=complaint, roles={Role.HANDLER})
    Spec(Action.ESCALATE, built).perform(ctx, form, None)
    complaint.refresh_from_db()
    assert complaint.status == Status.UNDER_REVIEW


def test_a_built_form_follows_each_kind_of_field():
    from redress.backoffice.forms.actions import action_form
    from redress.handling.registry import BY_ACTION

    rate = action_form(BY_ACTION[Action.RATE]).base_fields
    assert list(rate) == ["overall", "fairness", "clarity", "speed", "courtesy", "comment", "via"]
    assert rate["overall"].required and not rate["speed"].required and not rate["via"].required
    pause = action_form(BY_ACTION[Action.PAUSE]).base_fields
    assert {value for value, _label in pause["reason"].choices} == set(PauseReason.values)
    refer = action_form(BY_ACTION[Action.REFER_EXTERNAL]).base_fields
    assert refer["provider"].max_length == 200 and refer["consent"].required
