"""The action registry describes each action once, and what it says holds: every action a
person or an integration can take is in it, with the roles of the role table, and every field
it names is a parameter of the action's service."""

import inspect

from redress.complaints.transitions import ACTION_ROLES, CHANNEL_ACTIONS, Action
from redress.handling.registry import ACTIONS, BY_ACTION


def test_every_action_but_receipt_and_delivery_records_is_registered_once():
    assert len(BY_ACTION) == len(ACTIONS)
    assert set(BY_ACTION) == set(Action.values) - {Action.RECEIVE, Action.RECORD_DELIVERY}


def test_an_action_may_be_taken_by_the_roles_of_the_role_table():
    for spec in ACTIONS:
        assert spec.roles == ACTION_ROLES[spec.action]
        assert spec.roles or spec.action in CHANNEL_ACTIONS, spec.action


def test_every_field_of_an_action_is_a_parameter_of_its_service():
    for spec in ACTIONS:
        parameters = inspect.signature(spec.service).parameters
        takes_any = any(p.kind is p.VAR_KEYWORD for p in parameters.values())
        assert {"complaint", "actor"} <= set(parameters) or takes_any, spec.action
        assert takes_any or set(spec.field_names) <= set(parameters), spec.action
