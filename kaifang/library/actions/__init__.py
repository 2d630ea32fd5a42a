"""Writes of the library. Each action validates, saves in one transaction, writes its audit
record and notifies after commit.

Lock order: document, then support item, then its matches and ledger entries by id.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from kaifang.core import audit
from kaifang.core.models import Unit, User
from kaifang.core.scope import visible_to
from kaifang.library import matching, search, segment
from kaifang.library.models import (
    Benefit,
    Document,
    DocumentKind,
    DocumentStatus,
    DocumentVersion,
    Fair,
    LedgerEntry,
    LedgerStatus,
    Level,
    Match,
    Outcome,
    SearchEntry,
    SearchSource,
    SupportItem,
)
from kaifang.library.permissions import is_editor, may_pay

DOCUMENT_FIELDS = (
    "title",
    "kind",
    "issuer",
    "doc_number",
    "level",
    "issued",
    "effective",
    "expiry",
    "status",
    "superseded_by",
    "tags",
    "responsible_unit",
)


def _require_editor(actor: User | None) -> None:
    if actor is not None and not is_editor(actor):
        raise PermissionDenied("只有市商务局科室可以维护政策库。")


# --- index -------------------------------------------------------------------------------


def index_entry(
    *,
    source: str,
    object_id: int,
    title: str,
    text: str,
    kind: str = "",
    level: str = "",
    issuer: str = "",
    status: str = "",
    issued: dt.date | None = None,
    tags: str = "",
) -> SearchEntry:
    """Segment and (re)index one document of any source."""
    title_tokens = segment.document_tokens(title)
    tokens = segment.document_tokens(text)
    entry, _ = SearchEntry.objects.update_or_create(
        source=source,
        object_id=object_id,
        defaults={
            "title": title[:200],
            "title_tokens": title_tokens,
            "tokens": tokens,
            "kind": kind,
            "level": level,
            "issuer": issuer[:100],
            "status": status,
            "issued": issued,
            "tags": tags[:300],
        },
    )
    search.write(entry.pk, title_tokens, tokens)
    return entry


def index_document(document: Document) -> SearchEntry:
    return index_entry(
        source=SearchSource.LIBRARY,
        object_id=document.pk,
        title=document.title,
        text=f"{document.doc_number}\n{document.text}",
        kind=document.kind,
        level=document.level,
        issuer=document.issuer,
        status=document.status,
        issued=document.issued,
        tags=document.tags,
    )


SUPERVISION_KINDS = {"speech": DocumentKind.SPEECH, "minutes": DocumentKind.MINUTES}


def index_supervision_one(pk: int) -> None:
    """Re-index one supervision source document, or drop its entry when it is gone."""
    if not apps.is_installed("kaifang.supervision"):
        return
    model = apps.get_model("supervision", "SourceDocument")
    doc = model.objects.filter(pk=pk).only("id", "title", "text", "kind", "issuer", "date").first()
    with transaction.atomic():
        if doc is None:
            gone = list(
                SearchEntry.objects.filter(
                    source=SearchSource.SUPERVISION, object_id=pk
                ).values_list("pk", flat=True)
            )
            search.forget(gone)
            SearchEntry.objects.filter(pk__in=gone).delete()
            return
        index_entry(
            source=SearchSource.SUPERVISION,
            object_id=doc.pk,
            title=doc.title,
            text=doc.text,
            kind=str(SUPERVISION_KINDS.get(doc.kind, DocumentKind.PLAN)),
            issuer=doc.issuer,
            issued=doc.date,
        )


def index_supervision() -> int:
    """Read supervision's source documents through (no copy of their text is kept: only the
    index entry) and drop entries of documents that are gone. Returns how many were indexed.
    Supervision is a peer app: it is reached through the app registry, never imported."""
    if not apps.is_installed("kaifang.supervision"):
        return 0
    model = apps.get_model("supervision", "SourceDocument")
    indexed = {
        e.object_id: e
        for e in SearchEntry.objects.filter(source=SearchSource.SUPERVISION).only(
            "id", "object_id", "title", "issued"
        )
    }
    count = 0
    seen = set()
    for doc in model.objects.only("id", "title", "text", "kind", "issuer", "date").iterator():
        seen.add(doc.pk)
        with transaction.atomic():
            index_entry(
                source=SearchSource.SUPERVISION,
                object_id=doc.pk,
                title=doc.title,
                text=doc.text,
                kind=str(SUPERVISION_KINDS.get(doc.kind, DocumentKind.PLAN)),
                issuer=doc.issuer,
                issued=doc.date,
            )
        count += 1
    gone = [e.pk for oid, e in indexed.items() if oid not in seen]
    if gone:
        search.forget(gone)
        SearchEntry.objects.filter(pk__in=gone).delete()
    return count


# --- documents ---------------------------------------------------------------------------


def _clean_text(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        raise ValidationError("正文为空：请粘贴正文，或上传带文字层的 .docx、.pdf、.txt 文件。")
    return text


@transaction.atomic
def document_create(
    *,
    actor: User | None,
    title: str,
    text: str,
    kind: str = DocumentKind.POLICY,
    issuer: str = "",
    doc_number: str = "",
    level: str = Level.CITY,
    issued: dt.date | None = None,
    effective: dt.date | None = None,
    expiry: dt.date | None = None,
    status: str = DocumentStatus.VALID,
    superseded_by: Document | None = None,
    tags: str = "",
    responsible_unit: Unit | None = None,
    original: bytes | None = None,
    original_name: str = "",
    is_synthetic: bool = False,
) -> Document:
    """A new document with its first version, indexed."""
    _require_editor(actor)
    text = _clean_text(text)
    if not title.strip():
        raise ValidationError("请填写标题。")
    document = Document.objects.create(
        title=title.strip(),
        kind=kind,
        issuer=issuer,
        doc_number=doc_number,
        level=level,
        issued=issued,
        effective=effective,
        expiry=expiry,
        status=status,
        superseded_by=superseded_by,
        tags=tags,
        responsible_unit=responsible_unit,
        text=text,
        version=1,
        created_by=actor,
        is_synthetic=is_synthetic,
    )
    _version(document, 1, text, original, original_name, "首次录入", actor)
    index_document(document)
    audit.record(
        actor=actor,
        action="library.document_create",
        obj=document,
        changes={"doc_number": doc_number, "level": level, "file": original_name},
    )
    return document


def _version(
    document: Document,
    number: int,
    text: str,
    original: bytes | None,
    original_name: str,
    note: str,
    actor: User | None,
) -> DocumentVersion:
    version = DocumentVersion(
        document=document,
        number=number,
        text=text,
        original_name=original_name[:200],
        note=note[:200],
        created_by=actor,
    )
    if original is not None and original_name:
        version.original.save(original_name, ContentFile(original), save=False)
    version.save()
    return version


@transaction.atomic
def document_add_version(
    *,
    actor: User | None,
    document: Document,
    text: str,
    note: str = "",
    original: bytes | None = None,
    original_name: str = "",
) -> DocumentVersion:
    """A corrected text: kept as a new version and made current; clause anchors (numbering
    paths) carry over to it."""
    _require_editor(actor)
    text = _clean_text(text)
    locked = Document.objects.select_for_update().get(pk=document.pk)
    number = locked.version + 1
    version = _version(locked, number, text, original, original_name, note or "修订", actor)
    locked.text = text
    locked.version = number
    locked.save(update_fields=["text", "version", "updated_at"])
    index_document(locked)
    audit.record(
        actor=actor,
        action="library.document_version",
        obj=locked,
        changes={"version": number, "note": note, "file": original_name},
    )
    document.refresh_from_db()
    return version


@transaction.atomic
def document_update(*, actor: User | None, document: Document, **fields: Any) -> Document:
    """Change a document's details (issuer, 文号, dates, status, superseding document …)."""
    _require_editor(actor)
    locked = Document.objects.select_for_update().get(pk=document.pk)
    before = {name: getattr(locked, name) for name in fields if name in DOCUMENT_FIELDS}
    for name, value in fields.items():
        if name not in DOCUMENT_FIELDS:
            raise TypeError(f"unknown document field {name}")
        setattr(locked, name, value)
    if locked.superseded_by_id == locked.pk:
        raise ValidationError("文件不能被自身替代。")
    if locked.superseded_by_id and locked.status == DocumentStatus.VALID:
        locked.status = DocumentStatus.REPEALED
    locked.save()
    index_document(locked)
    after = {name: getattr(locked, name) for name in before}
    audit.record(
        actor=actor, action="library.document_update", obj=locked, changes=audit.diff(before, after)
    )
    return locked


# --- support items -----------------------------------------------------------------------


def validate_conditions(conditions: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Check each condition's shape (types, periods, thresholds); ValidationError otherwise."""
    out = []
    for condition in conditions:
        kind = str(condition.get("type", ""))
        if kind not in matching.TYPES:
            raise ValidationError(f"未知条件类型：{kind}")
        try:
            if kind in {"exports", "export_growth"}:
                start, end = matching.month(condition["start"]), matching.month(condition["end"])
                if end < start:
                    raise ValidationError("统计期间的结束月早于开始月。")
                Decimal(str(condition["min"]))
            if kind == "new_exporter":
                int(condition["year"])
            if kind == "fair":
                fairs = [int(f) for f in condition["fairs"]]
                if not fairs or Fair.objects.filter(pk__in=fairs).count() != len(set(fairs)):
                    raise ValidationError("参展条件需要选择已登记的展会。")
        except (KeyError, ValueError, ArithmeticError) as error:
            raise ValidationError(f"条件“{matching.TYPES[kind]}”不完整或格式不对。") from error
        out.append(dict(condition))
    return out


@transaction.atomic
def support_item_save(
    *,
    actor: User | None,
    document: Document,
    title: str,
    benefit: str = Benefit.SUBSIDY,
    conditions: Sequence[dict[str, Any]] = (),
    item: SupportItem | None = None,
    anchor: str = "",
    amount: Decimal | None = None,
    rate: str = "",
    no_application: bool = False,
    window_start: dt.date | None = None,
    window_end: dt.date | None = None,
    responsible_unit: Unit | None = None,
) -> SupportItem:
    """Create or change a support item, then compute its matches."""
    _require_editor(actor)
    checked = validate_conditions(conditions)
    if window_start and window_end and window_end < window_start:
        raise ValidationError("申报截止早于申报开始。")
    if item is None:
        item = SupportItem(document=document, created_by=actor)
    else:
        item = SupportItem.objects.select_for_update().get(pk=item.pk)
    item.title = title
    item.benefit = benefit
    item.conditions = checked
    item.anchor = anchor
    item.amount = amount
    item.rate = rate
    item.no_application = no_application
    item.window_start = window_start
    item.window_end = window_end
    item.responsible_unit = responsible_unit
    item.save()
    audit.record(
        actor=actor,
        action="library.item_save",
        obj=item,
        changes={"conditions": checked, "no_application": no_application, "amount": amount},
    )
    support_item_evaluate(item=item, actor=actor)
    return item


def _near_or_unknown(result: matching.Result) -> str | None:
    if result.eligible is True:
        return Outcome.ELIGIBLE
    if result.eligible is None:
        return Outcome.UNKNOWN
    if result.near:
        return Outcome.NEAR
    return None


@transaction.atomic
def support_item_evaluate(*, item: SupportItem, actor: User | None = None) -> dict[str, int]:
    """Recompute the item's matches over the register; keep eligible, near and unknown
    enterprises with their reasons; notify liaisons of new eligible matches; for a 免申即享
    item, enter new eligible enterprises in the ledger as 应享."""
    from kaifang.library.selectors import enterprise_facts, reason_names

    item = SupportItem.objects.select_for_update().get(pk=item.pk)
    facts = enterprise_facts(conditions=item.conditions)
    names = reason_names(item.conditions, facts.enterprises)
    existing = {m.enterprise_id: m for m in Match.objects.filter(item=item)}
    keep: set[int] = set()
    counts = {str(o): 0 for o in Outcome}
    new_eligible: list[int] = []
    eligible: set[int] = set()
    for enterprise_id, fact in facts.by_enterprise.items():
        result = matching.evaluate(item.conditions, fact, names)
        outcome = _near_or_unknown(result)
        if outcome is None:
            continue
        keep.add(enterprise_id)
        counts[outcome] += 1
        if outcome == Outcome.ELIGIBLE:
            eligible.add(enterprise_id)
        reasons = [r.as_dict() for r in result.reasons]
        match = existing.get(enterprise_id)
        if match is None:
            Match.objects.create(
                item=item, enterprise_id=enterprise_id, outcome=outcome, reasons=reasons
            )
        elif match.outcome != outcome or match.reasons != reasons:
            match.outcome, match.reasons = outcome, reasons
            match.save(update_fields=["outcome", "reasons", "computed_at"])
        if outcome == Outcome.ELIGIBLE and (match is None or match.outcome != Outcome.ELIGIBLE):
            new_eligible.append(enterprise_id)
    Match.objects.filter(item=item).exclude(enterprise_id__in=keep).delete()
    if item.no_application:
        have = set(LedgerEntry.objects.filter(item=item).values_list("enterprise_id", flat=True))
        added = sorted(eligible - have)
        LedgerEntry.objects.bulk_create(
            LedgerEntry(item=item, enterprise_id=e, amount=item.amount) for e in added
        )
        if added and item.responsible_unit_id is not None:
            transaction.on_commit(lambda: _notify_payer(item.pk, added))
    item.evaluated_at = timezone.now()
    item.save(update_fields=["evaluated_at"])
    audit.record(actor=actor, action="library.item_evaluate", obj=item, changes=counts)
    if new_eligible:
        transaction.on_commit(lambda: _notify_liaisons(item.pk, new_eligible))
    return counts


def _notify_liaisons(item_id: int, enterprise_ids: list[int]) -> None:
    from kaifang.enterprises.models import Enterprise
    from kaifang.library.tasks import notify_users

    item = SupportItem.objects.select_related("document").get(pk=item_id)
    by_liaison: dict[int, list[str]] = {}
    liaisons: dict[int, User] = {}
    for ent in Enterprise.objects.filter(
        pk__in=enterprise_ids, liaison__isnull=False
    ).select_related("liaison"):
        if ent.liaison is None:
            continue
        by_liaison.setdefault(ent.liaison.pk, []).append(ent.name)
        liaisons[ent.liaison.pk] = ent.liaison
    for pk, names in by_liaison.items():
        shown = "、".join(names[:5]) + (f" 等 {len(names)} 家" if len(names) > 5 else "")
        notify_users(
            recipients=[liaisons[pk]],
            title=f"包联企业新增可享政策：{item.title}",
            body=f"《{item.document.title}》{item.title}：{shown}符合条件。",
            url=reverse("library:item_detail", args=[item.pk]),
        )


def _notify_payer(item_id: int, added: list[int]) -> None:
    """The responsible unit learns that enterprises entered its 免申即享 list, to confirm them
    and track payment. Each of its people is told how many of the new firms they see (the
    ledger they open is scoped too); one who sees none of them is not told."""
    from kaifang.enterprises.models import Enterprise
    from kaifang.library.tasks import notify_users

    item = SupportItem.objects.select_related("document").get(pk=item_id)
    if item.responsible_unit_id is None:
        return
    firms = Enterprise.objects.filter(pk__in=added)
    for user in User.objects.filter(unit_id=item.responsible_unit_id, is_active=True):
        count = visible_to(firms, user).count()
        if count:
            notify_users(
                recipients=[user],
                title=f"免申即享待确认：{item.title}",
                body=f"《{item.document.title}》{item.title}新增 {count} 家应享企业，"
                "请确认并跟踪兑现。",
                url=reverse("library:item_detail", args=[item.pk]) + "#ledger",
            )


# --- 免申即享 ledger -----------------------------------------------------------------------

NEXT = {LedgerStatus.DUE: LedgerStatus.CONFIRMED, LedgerStatus.CONFIRMED: LedgerStatus.PAID}


@transaction.atomic
def ledger_advance(
    *, actor: User, entry: LedgerEntry, to: str, amount: Decimal | None = None
) -> LedgerEntry:
    """应享 → 已确认 → 已兑现, one step at a time, by an editor or the responsible unit."""
    locked = LedgerEntry.objects.select_for_update().select_related("item").get(pk=entry.pk)
    if not may_pay(actor, locked.item):
        raise PermissionDenied("只有责任单位或市商务局科室可以确认、兑现。")
    if NEXT.get(LedgerStatus(locked.status)) != to:
        current = LedgerStatus(locked.status).label
        raise ValidationError(f"当前状态为“{current}”，不能改为“{LedgerStatus(to).label}”。")
    before = locked.status
    locked.status = to
    now = timezone.now()
    if to == LedgerStatus.CONFIRMED:
        locked.confirmed_at = now
    else:
        locked.paid_at = now
    if amount is not None:
        locked.amount = amount
    locked.save()
    audit.record(
        actor=actor,
        action="library.ledger_advance",
        obj=locked,
        changes={"status": [before, to], "amount": locked.amount},
    )
    return locked
