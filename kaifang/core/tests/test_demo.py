"""The demo city: idempotent, synthetic, one usable account per role, scopes as a
district user would expect them."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.management import call_command

from kaifang.core import demo
from kaifang.core.models import RoleCode, Unit, User
from kaifang.core.scope import effective_scope

pytestmark = pytest.mark.django_db


def _counts() -> tuple[int, int, int]:
    return Unit.objects.count(), User.objects.count(), User.roles.through.objects.count()


def test_demo_data_twice_changes_nothing():
    call_command("demo-data", stdout=StringIO())
    first = _counts()
    passwords = dict(User.objects.values_list("username", "password"))
    call_command("demo-data", stdout=StringIO())
    assert _counts() == first
    assert dict(User.objects.values_list("username", "password")) == passwords


def test_everything_is_synthetic():
    call_command("demo-data", "--size", "large", stdout=StringIO())
    assert not Unit.objects.filter(is_synthetic=False).exists()
    assert not User.objects.filter(is_synthetic=False).exists()
    assert User.objects.filter(username__startswith="liaison").count() > 1


def test_every_role_has_an_account_that_can_log_in(client):
    call_command("demo-data", stdout=StringIO())
    roles = {a.role for a in demo.DEMO_ACCOUNTS}
    assert roles == set(RoleCode.values)
    for account in demo.DEMO_ACCOUNTS:
        user = User.objects.get(username=account.username)
        validate_password(account.password, user)  # strong by the site's own rules
        response = client.post(
            "/login/", {"username": account.username, "password": account.password}
        )
        assert response.status_code == 302, account.username
        client.logout()


def test_district_scope_covers_its_parks_and_not_the_neighbours():
    call_command("demo-data", stdout=StringIO())
    scope = effective_scope(User.objects.get(username="dongcheng"))
    visible = set(Unit.objects.filter(pk__in=scope.unit_ids).values_list("name", flat=True))
    assert visible == {"东城区商务局", "中欧科创国际合作产业园管委会"}
    assert not effective_scope(User.objects.get(username="liaison1")).unit_ids


def test_aliases_name_the_units_a_speech_mentions():
    call_command("demo-data", stdout=StringIO())
    by_alias = {alias: u.name for u in Unit.objects.all() for alias in u.alias_list()}
    assert by_alias["商务部门"] == "示范市商务局"
    assert by_alias["发改委"] == "示范市发展和改革委员会"
    assert by_alias["海关"] == "示范海关"
    assert by_alias["外汇局"] == "国家外汇管理局示范市分局"


def test_registered_loaders_run_in_order(monkeypatch):
    # Only core's own loader: other apps (supervision …) register theirs at start-up.
    monkeypatch.setattr(demo, "_LOADERS", {"city": demo._LOADERS["city"]})
    seen: list[str] = []
    demo.register("later", 500, lambda ctx: seen.append(f"later:{ctx.size}"))
    demo.register("earlier", 100, lambda ctx: seen.append(f"earlier:{ctx.seed}"))
    assert demo.run(size="large", seed=7, log=lambda _: None) == ["city", "earlier", "later"]
    assert seen == ["earlier:7", "later:large"]


def test_demo_accounts_prints_the_table():
    call_command("demo-data", stdout=StringIO())
    out = StringIO()
    call_command("demo-accounts", stdout=out)
    text = out.getvalue()
    assert "演示账号" in text
    for account in demo.DEMO_ACCOUNTS:
        assert account.username in text
        assert account.password in text
