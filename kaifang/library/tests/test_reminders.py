"""Expiry reminders: on working days only (the Chinese calendar, 国庆 included), once per
document and expiry date, to the responsible division; documents past expiry become 已到期."""

from __future__ import annotations

import datetime as dt

import pytest

from kaifang.core.calendar import is_workday
from kaifang.core.models import Notification
from kaifang.core.schedules import registered
from kaifang.library.actions import document_update
from kaifang.library.models import Document, DocumentStatus
from kaifang.library.reminders import send_expiry_reminders

pytestmark = pytest.mark.django_db


@pytest.fixture
def expiring(city, make_document) -> Document:
    document = make_document(
        "示范市外贸企业信保补贴办法\n第一条 补贴保费。", doc_number="示商〔2024〕1号"
    )
    return document_update(
        actor=city.officer,
        document=document,
        expiry=dt.date(2026, 10, 20),
        responsible_unit=city.division,
    )


def test_quiet_on_rest_days_and_holidays(city, expiring):
    assert not is_workday(dt.date(2026, 10, 2))  # 国庆
    assert send_expiry_reminders(dt.date(2026, 10, 2)) == 0
    assert send_expiry_reminders(dt.date(2026, 10, 4)) == 0
    assert Notification.objects.count() == 0


def test_once_to_the_responsible_division_on_a_working_day(city, expiring):
    assert send_expiry_reminders(dt.date(2026, 9, 1)) == 0  # more than 20 working days ahead
    assert send_expiry_reminders(dt.date(2026, 9, 29)) == 1
    note = Notification.objects.get()
    assert note.recipient == city.officer  # the only user of 外贸科
    assert "示商〔2024〕1号" in note.body and "2026-10-20" in note.body
    assert send_expiry_reminders(dt.date(2026, 9, 30)) == 0  # once
    assert Notification.objects.count() == 1


def test_past_expiry_becomes_expired(city, expiring):
    send_expiry_reminders(dt.date(2026, 10, 21))
    expiring.refresh_from_db()
    assert expiring.status == DocumentStatus.EXPIRED


def test_registered_as_a_periodic_job():
    names = {p.name for p in registered()}
    assert {"library.expiry_reminders", "library.index_supervision"} <= names
