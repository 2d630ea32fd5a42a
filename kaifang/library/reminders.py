"""Expiry reminders: a valid document whose expiry falls within `WARN_WORKDAYS` working days
notifies its responsible division once (per document and expiry date); a valid document past
its expiry is marked 已到期. The run does nothing on rest days (the Chinese calendar, with 调休)
and is idempotent: a `ReminderLog` row, unique on (document, expiry), is taken before the
notification goes out, so a second run the same day sends nothing.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.urls import reverse

from kaifang.core import audit
from kaifang.core.calendar import is_workday, workdays_between
from kaifang.core.models import User
from kaifang.library.models import Document, DocumentStatus, ReminderLog
from kaifang.library.selectors import expiring_documents

WARN_WORKDAYS = 20  # about a month of working days ahead


def _recipients(document: Document) -> list[User]:
    if document.responsible_unit_id is None:
        return []
    return list(User.objects.filter(unit_id=document.responsible_unit_id, is_active=True))


def send_expiry_reminders(today: dt.date) -> int:
    """Run once a day; returns how many reminders went out."""
    if not is_workday(today):
        return 0
    from kaifang.library.tasks import notify_users

    sent = 0
    horizon = today + dt.timedelta(days=WARN_WORKDAYS * 2)  # wide enough, refined below
    for document in expiring_documents(until=horizon):
        if document.expiry is None:
            continue
        if document.expiry < today:
            _mark_expired(document)
            continue
        left = workdays_between(today, document.expiry)
        if left > WARN_WORKDAYS:
            continue
        people = _recipients(document)
        if not people:
            continue
        try:
            with transaction.atomic():
                ReminderLog.objects.create(document=document, expiry=document.expiry, sent_on=today)
        except IntegrityError:
            continue
        number = f"（{document.doc_number}）" if document.doc_number else ""
        notify_users(
            recipients=people,
            title=f"政策即将到期：{document.title}",
            body=f"《{document.title}》{number}将于 {document.expiry:%Y-%m-%d} 到期"
            f"（还有 {left} 个工作日），请评估是否修订、延续或废止。",
            url=reverse("library:document_detail", args=[document.pk]),
            level="warning",
        )
        sent += 1
    return sent


@transaction.atomic
def _mark_expired(document: Document) -> None:
    updated = Document.objects.filter(pk=document.pk, status=DocumentStatus.VALID).update(
        status=DocumentStatus.EXPIRED
    )
    if updated:
        from kaifang.library.models import SearchEntry, SearchSource

        SearchEntry.objects.filter(source=SearchSource.LIBRARY, object_id=document.pk).update(
            status=DocumentStatus.EXPIRED
        )
        audit.record(
            actor=None,
            action="library.document_expire",
            obj=document,
            changes={"expiry": document.expiry},
        )
