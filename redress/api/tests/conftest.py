from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

import pytest
from django.test import Client

from redress.core.actors import Actor
from redress.core.models import User
from redress.handling.testing import Team, make_team
from redress.integrations.services import token_create

ALL_SCOPES = ("read", "write", "actions")


class ApiClient:
    """A client that speaks to /api/v1 with a bearer token, JSON and English by default."""

    def __init__(self, token: str | None, language: str = "en"):
        self.client = Client()
        self.token = token
        self.language = language

    def _headers(self, extra: dict[str, str] | None) -> dict[str, str]:
        headers = {"Accept-Language": self.language}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        headers.update(extra or {})
        return headers

    def get(
        self, path: str, params: dict[str, Any] | None = None, headers: dict[str, str] | None = None
    ) -> Any:
        return self.client.get(f"/api/v1{path}", params or {}, headers=self._headers(headers))

    def post(self, path: str, body: Any = None, headers: dict[str, str] | None = None) -> Any:
        data = (
            body if isinstance(body, str | bytes) else json.dumps(body if body is not None else {})
        )
        return self.client.post(
            f"/api/v1{path}",
            data=data,
            content_type="application/json",
            headers=self._headers(headers),
        )

    def upload(self, path: str, data: dict[str, Any], headers: dict[str, str] | None = None) -> Any:
        return self.client.post(f"/api/v1{path}", data=data, headers=self._headers(headers))


@pytest.fixture
def team(db: None) -> Team:
    return make_team()


@pytest.fixture
def make_token(db: None) -> Callable[..., str]:
    def make(user: User, scopes: Sequence[str] = ALL_SCOPES, **kwargs: Any) -> str:
        return token_create(
            actor=Actor.system("test"), user=user, name="test", scopes=list(scopes), **kwargs
        ).raw

    return make


@pytest.fixture
def api_as(make_token: Callable[..., str]) -> Callable[..., ApiClient]:
    def client(
        user: User | None, scopes: Sequence[str] = ALL_SCOPES, language: str = "en", **kwargs: Any
    ) -> ApiClient:
        return ApiClient(make_token(user, scopes, **kwargs) if user is not None else None, language)

    return client


def complaint_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "complainant": {
            "full_name": "Trần Thị Bích",
            "email": "bich@example.test",
            "phone": "0912345678",
        },
        "channel": "phone",
        "subject": "Hóa đơn tính sai tiền",
        "description": "Tôi bị tính tiền hai lần cho cùng một đơn hàng.",
    }
    body.update(overrides)
    return body


def error_of(response: Any) -> dict[str, Any]:
    payload = response.json()
    assert set(payload) == {"error"}, payload
    assert set(payload["error"]) == {"code", "message", "fields"}, payload
    return payload["error"]
