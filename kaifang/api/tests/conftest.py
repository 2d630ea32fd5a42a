"""API test helpers: a token for a persona, and calls that carry it."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from kaifang.api.actions import token_create
from kaifang.servicedesk.tests.conftest import firm, firm_b, make_appeal  # noqa: F401 (fixtures)
from kaifang.trade.tests.conftest import trade_data  # noqa: F401 (fixture)


class Api:
    """A client that calls /api/v1/ with one bearer token (no session)."""

    def __init__(self, client: Client, token: str) -> None:
        self.client, self.token = client, token

    def get(self, path: str, **params: Any):
        return self.client.get(f"/api/v1{path}", params, HTTP_AUTHORIZATION=f"Bearer {self.token}")

    def post(self, path: str, body: dict[str, Any] | None = None):
        return self.client.post(
            f"/api/v1{path}",
            body or {},
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {self.token}",
        )


@pytest.fixture
def api_as(client: Client):
    def make(user) -> Api:
        _, raw = token_create(user=user, name="测试", actor=user)
        return Api(client, raw)

    return make
