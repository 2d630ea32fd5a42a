"""Schemathesis against the published OpenAPI schema, in process (the WSGI app, no network),
with a fixed budget and a fixed seed: no input may give a server error, and every status
returned must be one the schema documents. Both the channel-token and the session operations
are fuzzed while authenticated, and once more without credentials."""

from __future__ import annotations

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import status_code_conformance

from kaifang.api.actions import token_create
from kaifang.api.urls import api
from kaifang.servicedesk.channels import channel_issue

pytestmark = pytest.mark.django_db

BUDGET = settings(
    max_examples=10,
    derandomize=True,  # the same cases on every run
    database=None,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture
def keep_connection(db):
    """As Django's test client does: the test's transaction must outlive each request."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def credentials(city, keep_connection):
    """A channel token for /public/…, a district user's personal token for the rest."""
    _, channel = channel_issue(name="模糊测试渠道", actor=None)
    _, personal = token_create(user=city.district_a_user, name="模糊测试", actor=None)
    return {"channel": f"Bearer {channel}", "personal": f"Bearer {personal}"}


# The schema is read from the API object (the served copy is for signed-in users only); the
# requests go to the WSGI application in process.
schema = schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix="/api/v1/"))
schema.app = get_wsgi_application()


@schema.parametrize()
@BUDGET
def test_no_server_error_and_only_documented_statuses(case, credentials):
    kind = "channel" if case.path.startswith("/api/v1/public/") else "personal"
    for headers in ({"Authorization": credentials[kind]}, {}):
        response = case.call(headers=headers)
        case.validate_response(response, checks=[not_a_server_error, status_code_conformance])
