"""Test personas shared by every app (the scope matrix of STYLE.md): a leader, a bureau
division officer, a district A user, a district B user, an administrator, anonymous."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from kaifang.core import calendar
from kaifang.core.lib import local_cache
from kaifang.core.models import DataScope, RoleCode, Unit, UnitKind, User
from kaifang.core.tests.factories import RoleFactory, UnitFactory, UserFactory

pytest_plugins = ["kaifang.core.tests.browser.fixtures"]

PASSWORD = "Kaifang-Test-2026!"


@dataclass
class City:
    leadership: Unit
    bureau: Unit
    division: Unit
    office: Unit
    district_a: Unit
    district_a_park: Unit
    district_b: Unit
    customs: Unit
    leader: User
    officer: User
    district_a_user: User
    district_b_user: User
    admin: User
    liaison: User


@pytest.fixture(autouse=True)
def _fresh_calendar_cache() -> Iterator[None]:
    """The calendar caches the administrator's table per process; a rolled-back test must not
    leave its holidays behind for the next one."""
    calendar.clear_cache()
    local_cache.clear()  # versioned keys, but a rolled-back test may reuse a version
    yield
    calendar.clear_cache()
    local_cache.clear()


@pytest.fixture
def no_session_touch(monkeypatch: pytest.MonkeyPatch) -> None:
    """Query-count tests: the session is saved once a minute (core.middleware), so a counted
    request a minute after the login would count that save too; a slow machine got there
    (the load mix's liaison officer, once)."""
    monkeypatch.setattr("kaifang.core.middleware.TOUCH_SECONDS", 10**9)


@pytest.fixture
def city(db: None) -> City:
    leadership = UnitFactory(name="示范市人民政府", kind=UnitKind.LEADERSHIP)
    bureau = UnitFactory(
        name="示范市商务局", kind=UnitKind.BUREAU, parent=leadership, aliases="商务局,商务部门"
    )
    division = UnitFactory(name="外贸科", kind=UnitKind.DIVISION, parent=bureau)
    office = UnitFactory(name="办公室", kind=UnitKind.DIVISION, parent=bureau)
    district_a = UnitFactory(name="东城区商务局", kind=UnitKind.DISTRICT, parent=bureau)
    park = UnitFactory(name="东城经开区管委会", kind=UnitKind.PARK, parent=district_a)
    district_b = UnitFactory(name="西城区商务局", kind=UnitKind.DISTRICT, parent=bureau)
    customs = UnitFactory(name="示范海关", kind=UnitKind.DEPARTMENT, parent=leadership)
    leader_role = RoleFactory(code=RoleCode.LEADER, name="领导", data_scope=DataScope.ALL)
    staff_role = RoleFactory(
        code=RoleCode.DIVISION_STAFF, name="科室工作人员", data_scope=DataScope.ALL
    )
    unit_role = RoleFactory(
        code=RoleCode.UNIT_STAFF, name="单位工作人员", data_scope=DataScope.UNIT_AND_BELOW
    )
    liaison_role = RoleFactory(code=RoleCode.LIAISON, name="包联干部", data_scope=DataScope.SELF)
    admin_role = RoleFactory(code=RoleCode.ADMIN, name="系统管理员", data_scope=DataScope.ALL)
    return City(
        leadership=leadership,
        bureau=bureau,
        division=division,
        office=office,
        district_a=district_a,
        district_a_park=park,
        district_b=district_b,
        customs=customs,
        leader=UserFactory(username="leader", unit=leadership, roles=[leader_role]),
        officer=UserFactory(username="officer", unit=division, roles=[staff_role]),
        district_a_user=UserFactory(username="dist_a", unit=district_a, roles=[unit_role]),
        district_b_user=UserFactory(username="dist_b", unit=district_b, roles=[unit_role]),
        admin=UserFactory(
            username="admin", unit=office, roles=[admin_role], is_staff=True, is_superuser=True
        ),
        liaison=UserFactory(username="liaison", unit=district_a, roles=[liaison_role]),
    )


@pytest.fixture
def trade_reference(db: None) -> None:
    """Partners and trade modes (the reference data imports need), loaded inside the test."""
    from kaifang.core.reference_loader import load_partners, load_trade_modes

    load_partners()
    load_trade_modes()
