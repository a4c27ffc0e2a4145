"""The workspace offers every registered action a person can take, and each action's form sends
the registry's fields to the service and nothing the service would not take."""

from redress.backoffice.actions import SPECS
from redress.handling.registry import ACTIONS

# Helpers of a form that are not the service's business: a reply starts from a template.
FORM_ONLY = {"template"}


def test_the_workspace_offers_every_action_a_person_can_take():
    people = {spec.action for spec in ACTIONS if spec.roles} - {"rate"}
    assert {spec.action for spec in SPECS} == people


def test_each_form_asks_only_for_fields_the_action_takes():
    for spec in SPECS:
        asked = set(spec.form.base_fields) - FORM_ONLY
        assert asked <= set(spec.registered.fields), (spec.action, asked)
