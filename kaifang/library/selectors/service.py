"""Reads the library offers the service desk and the public channel: the clauses a reply cites,
an enterprise's own policies as it may see them (no trade figures, no other enterprise), the
reply templates of an appeal category, fairs with their exhibitors, and the 免申即享 ledger
across items. The service desk is a peer app: appeals are read by duck typing, categories
through the app registry."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from kaifang.core.models import User
from kaifang.core.scope import visible_to
from kaifang.library import matching, parsing
from kaifang.library.models import (
    Document,
    DocumentKind,
    DocumentStatus,
    Fair,
    FairExhibitor,
    LedgerEntry,
    LedgerStatus,
    Match,
    Outcome,
    ReplyTemplate,
)
from kaifang.library.selectors import reason_names

# A link to a clause as the appeal page offers it for citing: …/library/5/#a5.s2 (also a
# version's page). Scheme and host are whatever the server was reached by; only the path counts.
CITATION = re.compile(r"/library/(\d+)/(?:versions/\d+/)?#([A-Za-z0-9.~]+)")
PUBLIC_KINDS = (DocumentKind.POLICY, DocumentKind.NOTICE)
NEW_DAYS = 30


def citations(texts: Iterable[str]) -> list[tuple[int, str]]:
    """(document id, anchor) of every clause link in the texts, in order, once each."""
    seen: list[tuple[int, str]] = []
    for text in texts:
        for match in CITATION.finditer(text or ""):
            key = (int(match.group(1)), match.group(2).rstrip("."))
            if key not in seen:
                seen.append(key)
    return seen


@dataclass(frozen=True)
class CitedClause:
    document_id: int
    title: str
    doc_number: str
    status_label: str
    anchor: str
    label: str
    text: str

    @property
    def citation(self) -> str:
        return f"《{self.title}》{self.doc_number} {self.label}".strip()


def clause_with_children(document: Document, anchor: str) -> tuple[parsing.Block, str] | None:
    """The clause and its whole text (its sub-clauses included), or None when the document has
    no such clause."""
    found = [b for b in parsing.parse(document.text) if b.anchor]
    head = next((b for b in found if b.anchor == anchor), None)
    if head is None:
        return None
    parts = [b.text for b in found if b.anchor == anchor or b.anchor.startswith(anchor + ".")]
    return head, "\n".join(parts)


def cited_clauses(texts: Iterable[str], *, limit: int = 10) -> list[CitedClause]:
    """The policy clauses the texts (a reply, a resolution) cite by link. Only published kinds
    (policies, notices) are shown to the public; links to anything else are left as text."""
    keys = citations(texts)[:limit]
    docs = Document.objects.filter(pk__in={k[0] for k in keys}, kind__in=PUBLIC_KINDS).in_bulk()
    out = []
    for doc_id, anchor in keys:
        doc = docs.get(doc_id)
        found = clause_with_children(doc, anchor) if doc is not None else None
        if doc is None or found is None:
            continue
        head, text = found
        out.append(
            CitedClause(
                document_id=doc.pk,
                title=doc.title,
                doc_number=doc.doc_number,
                status_label=str(DocumentStatus(doc.status).label),
                anchor=anchor,
                label=head.label,
                text=text,
            )
        )
    return out


def public_texts(appeal: Any) -> list[str]:
    """What the enterprise was told on an appeal: its public timeline and its resolution."""
    texts = list(appeal.events.exclude(public_text="").values_list("public_text", flat=True))
    return [*texts, getattr(appeal, "resolution", "") or ""]


def public_document(appeal: Any, pk: int) -> Document:
    """A library document the appeal's answers cite, for its enterprise to read in full; any
    other document is not found (the tracking code opens what was cited to it, nothing else)."""
    cited = {doc_id for doc_id, _ in citations(public_texts(appeal))}
    if pk not in cited:
        raise Http404("文件不存在")
    document = Document.objects.filter(pk=pk, kind__in=PUBLIC_KINDS).first()
    if document is None:
        raise Http404("文件不存在")
    return document


# --- an enterprise's own policies, as the public channel shows them ----------------------


@dataclass(frozen=True)
class PublicPolicy:
    """One support item an enterprise qualifies for, in the words it may read: the conditions
    as the policy states them (met), never the register's or customs' figures."""

    item_id: int
    document_id: int
    document_title: str
    doc_number: str
    anchor: str
    clause_label: str
    item_title: str
    benefit: str
    amount: Decimal | None
    rate: str
    no_application: bool
    ledger_status: str
    window_start: dt.date | None
    window_end: dt.date | None
    responsible_unit: str
    conditions: list[str] = field(default_factory=list)
    is_new: bool = False
    first_seen: dt.date | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "item_id": self.item_id,
            "policy": self.document_title,
            "doc_number": self.doc_number,
            "clause": self.clause_label,
            "title": self.item_title,
            "benefit": self.benefit,
            "amount_wan_yuan": str(self.amount) if self.amount is not None else None,
            "rate": self.rate,
            "no_application": self.no_application,
            "ledger_status": self.ledger_status,
            "window_start": self.window_start.isoformat() if self.window_start else None,
            "window_end": self.window_end.isoformat() if self.window_end else None,
            "responsible_unit": self.responsible_unit,
            "conditions": self.conditions,
            "is_new": self.is_new,
            "first_seen": self.first_seen.isoformat() if self.first_seen else None,
        }


def public_policies(
    enterprise_id: int | None, *, since: dt.date | None = None
) -> list[PublicPolicy]:
    """The support items of valid policies the enterprise is eligible for (符合 only: a near
    miss or an unknown is the liaison's to explain, not the public page's), with the 免申即享
    status of its own ledger entry. `since` keeps those first matched on or after that day."""
    if enterprise_id is None:
        return []
    today = timezone.localdate()
    matches = (
        Match.objects.filter(
            enterprise_id=enterprise_id,
            outcome=Outcome.ELIGIBLE,
            item__document__status=DocumentStatus.VALID,
        )
        .filter(Q(item__window_end__isnull=True) | Q(item__window_end__gte=today))
        .select_related("item", "item__document", "item__responsible_unit")
        .order_by("-first_seen_at", "item_id")
    )
    if since is not None:
        matches = matches.filter(first_seen_at__date__gte=since)
    rows = list(matches[:50])
    ledger = dict(
        LedgerEntry.objects.filter(
            enterprise_id=enterprise_id, item_id__in=[m.item_id for m in rows]
        ).values_list("item_id", "status")
    )
    conditions = [c for m in rows for c in m.item.conditions]
    names = reason_names(conditions)
    out = []
    for m in rows:
        item, doc = m.item, m.item.document
        clauses = {b.anchor: b for b in parsing.parse(doc.text) if b.anchor} if item.anchor else {}
        first_seen = timezone.localdate(m.first_seen_at)
        status = ledger.get(item.pk, "")
        out.append(
            PublicPolicy(
                item_id=item.pk,
                document_id=doc.pk,
                document_title=doc.title,
                doc_number=doc.doc_number,
                anchor=item.anchor,
                clause_label=clauses[item.anchor].label if item.anchor in clauses else "",
                item_title=item.title,
                benefit=item.get_benefit_display(),
                amount=item.amount,
                rate=item.rate,
                no_application=item.no_application,
                ledger_status=str(LedgerStatus(status).label) if status else "",
                window_start=item.window_start,
                window_end=item.window_end,
                responsible_unit=str(item.responsible_unit or ""),
                conditions=[matching.describe(c, names) for c in item.conditions],
                is_new=(today - first_seen).days <= NEW_DAYS,
                first_seen=first_seen,
            )
        )
    return out


# --- reply templates ---------------------------------------------------------------------


def appeal_categories() -> list[tuple[str, str]]:
    """The service desk's appeal categories (code, name), read through the app registry."""
    if not apps.is_installed("kaifang.servicedesk"):
        return []
    model = apps.get_model("servicedesk", "Appeal")
    return [(str(v), str(label)) for v, label in model._meta.get_field("category").choices or []]


def category_label(code: str) -> str:
    return dict(appeal_categories()).get(code, code)


def templates(*, user: User | AnonymousUser, category: str = "") -> QuerySet[ReplyTemplate]:
    """Reply templates (public to staff, like the library); of one category when given."""
    if not user.is_authenticated:
        return ReplyTemplate.objects.none()
    qs = ReplyTemplate.objects.select_related("document", "updated_by")
    return qs.filter(category=category) if category else qs


def template_for_user(*, user: User | AnonymousUser, pk: Any) -> ReplyTemplate:
    try:
        return templates(user=user).get(pk=pk)
    except (ReplyTemplate.DoesNotExist, ValueError, TypeError):
        raise Http404("模板不存在") from None


def template_reply(template: ReplyTemplate, base_url: str = "") -> str:
    """The template's text as it goes into a reply: with the cited clause's citation and link
    appended, so the enterprise's tracking page shows that clause."""
    if template.document is None:
        return template.text
    label = ""
    if template.anchor:
        found = clause_with_children(template.document, template.anchor)
        label = found[0].label if found else ""
    url = reverse("library:document_detail", args=[template.document_id])
    url += f"#{template.anchor}" if template.anchor else ""
    citation = f"《{template.document.title}》{template.document.doc_number} {label}".strip()
    return f"{template.text}\n依据：{citation} {base_url}{url}"


# --- fairs ------------------------------------------------------------------------------


def fairs(*, user: User | AnonymousUser) -> QuerySet[Fair]:
    """Fairs are reference data, public to staff; how many exhibitors each has is counted
    within the user's scope."""
    if not user.is_authenticated:
        return Fair.objects.none()
    return Fair.objects.all()


def fair_for_user(*, user: User | AnonymousUser, pk: Any) -> Fair:
    try:
        return fairs(user=user).get(pk=pk)
    except (Fair.DoesNotExist, ValueError, TypeError):
        raise Http404("展会不存在") from None


def exhibitors(*, user: User | AnonymousUser, fair: Fair) -> QuerySet[FairExhibitor]:
    return visible_to(
        FairExhibitor.objects.filter(fair=fair).select_related(
            "enterprise", "enterprise__district"
        ),
        user,
    ).order_by("enterprise__name", "id")


# --- the 免申即享 ledger across items ------------------------------------------------------


def ledger_entries(*, user: User | AnonymousUser) -> QuerySet[LedgerEntry]:
    return visible_to(
        LedgerEntry.objects.select_related(
            "item", "item__document", "item__responsible_unit", "enterprise", "enterprise__district"
        ),
        user,
    ).order_by("item__document__title", "item_id", "status", "enterprise__name", "id")


@dataclass(frozen=True)
class PolicyTotal:
    item_id: int
    document_title: str
    item_title: str
    responsible_unit: str
    per_status: dict[str, tuple[int, Decimal]]
    count: int
    amount: Decimal


def ledger_by_policy(entries: QuerySet[LedgerEntry]) -> list[PolicyTotal]:
    """Totals per item and status (enterprises, 万元), over the entries given (already
    scoped), in one grouped query."""
    grouped = (
        entries.order_by()
        .values(
            "item_id",
            "item__title",
            "item__document__title",
            "item__responsible_unit__name",
            "status",
        )
        .annotate(n=Count("id"), total=Sum("amount"))
    )
    by_item: dict[int, dict[str, Any]] = {}
    for row in grouped:
        entry = by_item.setdefault(
            row["item_id"],
            {
                "document": row["item__document__title"],
                "title": row["item__title"],
                "unit": row["item__responsible_unit__name"] or "",
                "rows": {str(s): (0, Decimal(0)) for s in LedgerStatus},
            },
        )
        entry["rows"][row["status"]] = (row["n"], row["total"] or Decimal(0))
    out = []
    for item_id, entry in sorted(by_item.items(), key=lambda p: (p[1]["document"], p[0])):
        rows = entry["rows"]
        out.append(
            PolicyTotal(
                item_id=item_id,
                document_title=entry["document"],
                item_title=entry["title"],
                responsible_unit=entry["unit"],
                per_status=rows,
                count=sum(n for n, _ in rows.values()),
                amount=sum((a for _, a in rows.values()), Decimal(0)),
            )
        )
    return out
