"""Reads of the library: documents (public to staff), search, related documents, the facts
matching needs, and matches and ledger entries through the scope gate."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, QuerySet, Sum
from django.http import Http404
from django.urls import reverse

from kaifang.core.models import Industry, Unit, User
from kaifang.core.scope import effective_scope, get_for_user, visible_to
from kaifang.enterprises.models import Enterprise, EnterpriseStatus, Ownership, Size
from kaifang.library import matching, parsing, search, segment
from kaifang.library.models import (
    Document,
    DocumentKind,
    Fair,
    FairExhibitor,
    LedgerEntry,
    LedgerStatus,
    Level,
    Match,
    Outcome,
    SearchEntry,
    SearchSource,
    SupportItem,
)

# --- documents ---------------------------------------------------------------------------


def documents(*, user: User | AnonymousUser) -> QuerySet[Document]:
    """Every document: policies are public to staff (signed-in users)."""
    if not user.is_authenticated:
        return Document.objects.none()
    return Document.objects.select_related("superseded_by", "responsible_unit")


def document_for_user(*, user: User | AnonymousUser, pk: Any) -> Document:
    try:
        return documents(user=user).get(pk=pk)
    except (Document.DoesNotExist, ValueError, TypeError):
        raise Http404("文件不存在") from None


def supervision_document(*, user: User | AnonymousUser, pk: Any) -> Any:
    """A supervision source document, read through supervision's table and its scope."""
    if not apps.is_installed("kaifang.supervision"):
        raise Http404("文件不存在")
    model = apps.get_model("supervision", "SourceDocument")
    return get_for_user(model.objects.all(), user, pk)


def blocks(text: str) -> list[parsing.Block]:
    return parsing.parse(text)


def clause_index(document: Document) -> dict[str, parsing.Block]:
    return {b.anchor: b for b in parsing.parse(document.text) if b.anchor}


# --- search ------------------------------------------------------------------------------


@dataclass(frozen=True)
class SearchResult:
    source: str
    object_id: int
    title: str
    url: str
    score: float
    snippet: list[tuple[str, bool]]
    kind: str
    level: str
    issuer: str
    status: str
    issued: dt.date | None
    doc_number: str = ""

    @property
    def snippet_html(self) -> str:
        return segment.snippet_html(self.snippet)

    @property
    def kind_label(self) -> str:
        return str(DocumentKind(self.kind).label) if self.kind in DocumentKind.values else ""

    @property
    def level_label(self) -> str:
        return str(Level(self.level).label) if self.level in Level.values else ""

    @property
    def id(self) -> str:
        return str(self.object_id) if self.source == SearchSource.LIBRARY else self.key

    @property
    def key(self) -> str:
        return f"{self.source}:{self.object_id}"


@dataclass
class SearchPage:
    query: str
    words: list[str]
    results: list[SearchResult] = field(default_factory=list)
    total: int = 0


Viewer = User | AnonymousUser | None  # None: the trusted command line, city-wide


def _hidden(user: Viewer) -> list[tuple[str, int]]:
    """Indexed supervision documents outside the user's supervision scope."""
    if (
        user is None
        or effective_scope(user).sees_all
        or not apps.is_installed("kaifang.supervision")
    ):
        return []
    model = apps.get_model("supervision", "SourceDocument")
    indexed = set(
        SearchEntry.objects.filter(source=SearchSource.SUPERVISION).values_list(
            "object_id", flat=True
        )
    )
    if not indexed:
        return []
    visible = set(visible_to(model.objects.all(), user).values_list("pk", flat=True))
    return [(SearchSource.SUPERVISION, pk) for pk in sorted(indexed - visible)]


def _texts(entries: Sequence[SearchEntry]) -> dict[tuple[str, int], tuple[str, str]]:
    """(text, 文号) of each entry, read from where the document lives."""
    out: dict[tuple[str, int], tuple[str, str]] = {}
    library_ids = [e.object_id for e in entries if e.source == SearchSource.LIBRARY]
    for pk, text, number in Document.objects.filter(pk__in=library_ids).values_list(
        "pk", "text", "doc_number"
    ):
        out[(SearchSource.LIBRARY, pk)] = (text, number)
    other = [e.object_id for e in entries if e.source == SearchSource.SUPERVISION]
    if other and apps.is_installed("kaifang.supervision"):
        model = apps.get_model("supervision", "SourceDocument")
        for pk, text in model.objects.filter(pk__in=other).values_list("pk", "text"):
            out[(SearchSource.SUPERVISION, pk)] = (text, "")
    return out


def entry_url(source: str, object_id: int) -> str:
    if source == SearchSource.SUPERVISION:
        return reverse("library:source_read", args=[object_id])
    return reverse("library:document_detail", args=[object_id])


def search_documents(
    *,
    user: Viewer,
    query: str,
    filters: search.Filters | None = None,
    limit: int = 20,
    offset: int = 0,
) -> SearchPage:
    """Documents holding every word of the query (also inside longer words), best first,
    with a highlighted snippet each."""
    words = segment.query_words(query)
    page = SearchPage(query=query, words=words)
    if (user is not None and not user.is_authenticated) or not words:
        return page
    hits, page.total = search.match(
        words, filters=filters, hidden=_hidden(user), limit=limit, offset=offset
    )
    entries = SearchEntry.objects.in_bulk([h.entry_id for h in hits])
    texts = _texts(list(entries.values()))
    for hit in hits:
        entry = entries[hit.entry_id]
        text, number = texts.get((entry.source, entry.object_id), ("", ""))
        page.results.append(
            SearchResult(
                source=entry.source,
                object_id=entry.object_id,
                title=entry.title,
                url=entry_url(entry.source, entry.object_id),
                score=round(hit.score, 4),
                snippet=segment.snippet(text, words),
                kind=entry.kind,
                level=entry.level,
                issuer=entry.issuer,
                status=entry.status,
                issued=entry.issued,
                doc_number=number,
            )
        )
    return page


def related_documents(
    *, user: Viewer, source: str, object_id: int, limit: int = 5
) -> list[SearchResult]:
    """Documents sharing the most characteristic words of this one."""
    entry = SearchEntry.objects.filter(source=source, object_id=object_id).first()
    if entry is None or (user is not None and not user.is_authenticated):
        return []
    words = segment.top_words(f"{entry.title_tokens} {entry.tokens}")
    if not words:
        return []
    hidden = [*_hidden(user), (source, object_id)]
    hits, _ = search.match(words, hidden=hidden, any_word=True, limit=limit)
    entries = SearchEntry.objects.in_bulk([h.entry_id for h in hits])
    return [
        SearchResult(
            source=e.source,
            object_id=e.object_id,
            title=e.title,
            url=entry_url(e.source, e.object_id),
            score=round(h.score, 4),
            snippet=[],
            kind=e.kind,
            level=e.level,
            issuer=e.issuer,
            status=e.status,
            issued=e.issued,
        )
        for h in hits
        if (e := entries[h.entry_id])
    ]


# --- matching ----------------------------------------------------------------------------


@dataclass
class FactsBundle:
    by_enterprise: dict[int, matching.Facts]
    enterprises: dict[int, Enterprise]


def _trade_months(conditions: Sequence[Mapping[str, Any]]) -> set[dt.date]:
    needed: set[dt.date] = set()
    for c in conditions:
        kind = c.get("type")
        if kind in {"exports", "export_growth"}:
            period = matching.months(matching.month(c["start"]), matching.month(c["end"]))
            needed.update(period)
            if kind == "export_growth":
                needed.update(matching.year_before(m) for m in period)
        elif kind == "new_exporter":
            year = int(c["year"])
            needed.update(matching.months(dt.date(year - 1, 1, 1), dt.date(year, 12, 1)))
    return needed


def _fair_ids(conditions: Sequence[Mapping[str, Any]]) -> set[int]:
    return {int(f) for c in conditions if c.get("type") == "fair" for f in c.get("fairs", [])}


def _fair_facts(
    conditions: Sequence[Mapping[str, Any]], enterprise_ids: list[int]
) -> tuple[dict[int, set[int]], frozenset[int]]:
    """Which of the named fairs each enterprise exhibited at, and which fairs have a list."""
    wanted = _fair_ids(conditions)
    if not wanted:
        return {}, frozenset()
    known = frozenset(
        Fair.objects.filter(pk__in=wanted, list_imported_at__isnull=False).values_list(
            "pk", flat=True
        )
    )
    by_enterprise: dict[int, set[int]] = defaultdict(set)
    rows = FairExhibitor.objects.filter(fair_id__in=known, enterprise_id__in=enterprise_ids)
    for enterprise_id, fair_id in rows.values_list("enterprise_id", "fair_id"):
        by_enterprise[enterprise_id].add(fair_id)
    return by_enterprise, known


def enterprise_facts(
    *, conditions: Sequence[Mapping[str, Any]], enterprise_ids: Sequence[int] | None = None
) -> FactsBundle:
    """What matching needs of every active enterprise (or those named): register fields, and
    monthly exports for the months the conditions ask about, with the months the city has data
    for. Exports come from trade's enterprise rollup (city-wide, the same sums as the customs
    records, rebuilt with every import): a few rows per enterprise and month, where grouping
    the records took seconds on a large city."""
    from kaifang.trade.models import Flow
    from kaifang.trade.selectors.base import enterprise_rollup

    qs = Enterprise.objects.filter(status=EnterpriseStatus.ACTIVE).select_related("industry")
    if enterprise_ids is not None:
        qs = qs.filter(pk__in=enterprise_ids)
    enterprises = {e.pk: e for e in qs.prefetch_related("tags")}
    needed = _trade_months(conditions)
    fairs, fairs_known = _fair_facts(conditions, list(enterprises))
    exports: dict[int, dict[dt.date, Decimal]] = defaultdict(dict)
    covered: frozenset[dt.date] = frozenset()
    if needed:
        rollup = enterprise_rollup(None).filter(period__in=sorted(needed))
        covered = frozenset(rollup.values_list("period", flat=True).distinct().order_by())
        rows = rollup.filter(flow=Flow.EXPORT).values_list("key", "period", "value_usd")
        for key, period, value in rows:
            if key.isdigit() and int(key) in enterprises:
                exports[int(key)][period] = value or Decimal(0)
    by_enterprise = {
        pk: matching.Facts(
            district_id=e.district_id,
            park_id=e.park_id,
            industry_code=e.industry.code if e.industry else "",
            tags=frozenset(t.name for t in e.tags.all()),
            ownership=e.ownership,
            size=e.size,
            exports=exports.get(pk, {}),
            covered=covered,
            fairs=frozenset(fairs.get(pk, ())),
            fairs_known=fairs_known,
        )
        for pk, e in enterprises.items()
    }
    return FactsBundle(by_enterprise=by_enterprise, enterprises=enterprises)


def reason_names(
    conditions: Sequence[Mapping[str, Any]], enterprises: Mapping[int, Enterprise] | None = None
) -> dict[str, str]:
    """Codes and ids → names, for reasons and descriptions."""
    names: dict[str, str] = {str(k): str(v) for k, v in Ownership.choices}
    names |= {str(k): str(v) for k, v in Size.choices}
    unit_ids: set[int] = set()
    codes: set[str] = set()
    for c in conditions:
        unit_ids.update(int(u) for u in c.get("units", []))
        codes.update(str(x) for x in c.get("codes", []))
    for e in (enterprises or {}).values():
        unit_ids.update(u for u in (e.district_id, e.park_id) if u)
        if e.industry:
            names[e.industry.code] = f"{e.industry.code} {e.industry.name}"
    for pk, name in Unit.objects.filter(pk__in=unit_ids).values_list("pk", "name"):
        names[str(pk)] = name
    for code, name in Industry.objects.filter(code__in=codes).values_list("code", "name"):
        names.setdefault(code, f"{code} {name}")
    for fair in Fair.objects.filter(pk__in=_fair_ids(conditions)):
        names[f"fair:{fair.pk}"] = str(fair)
    return names


def describe_conditions(item: SupportItem) -> list[str]:
    names = reason_names(item.conditions)
    return [matching.describe(c, names) for c in item.conditions]


def items(*, user: User | AnonymousUser) -> QuerySet[SupportItem]:
    if not user.is_authenticated:
        return SupportItem.objects.none()
    return SupportItem.objects.select_related("document", "responsible_unit")


def item_for_user(*, user: User | AnonymousUser, pk: Any) -> SupportItem:
    try:
        return items(user=user).get(pk=pk)
    except (SupportItem.DoesNotExist, ValueError, TypeError):
        raise Http404("支持条款不存在") from None


def matches_for_item(*, user: User | AnonymousUser, item: SupportItem) -> QuerySet[Match]:
    """The item's matches among the enterprises the user sees."""
    return visible_to(
        Match.objects.filter(item=item).select_related(
            "enterprise", "enterprise__district", "enterprise__park"
        ),
        user,
    ).order_by("outcome", "enterprise__name", "id")


def matches_for_enterprise(
    *, user: User | AnonymousUser, enterprise: Enterprise
) -> QuerySet[Match]:
    """The enterprise's matches (可享政策), if the user sees the enterprise."""
    return visible_to(
        Match.objects.filter(enterprise=enterprise).select_related("item", "item__document"),
        user,
    ).order_by("outcome", "-item__document__issued", "item_id")


def outcome_counts(*, user: User | AnonymousUser, item: SupportItem) -> dict[str, int]:
    counts = {str(o): 0 for o in Outcome}
    rows = matches_for_item(user=user, item=item).order_by().values("outcome")
    for row in rows.annotate(n=Count("id")):
        counts[row["outcome"]] = row["n"]
    return counts


def ledger_for_item(*, user: User | AnonymousUser, item: SupportItem) -> QuerySet[LedgerEntry]:
    return visible_to(
        LedgerEntry.objects.filter(item=item).select_related("enterprise"), user
    ).order_by("status", "enterprise__name", "id")


@dataclass(frozen=True)
class LedgerTotals:
    """Per status: how many enterprises and how much (万元); and in all."""

    rows: dict[str, tuple[int, Decimal]]
    count: int
    amount: Decimal


def ledger_totals(entries: QuerySet[LedgerEntry]) -> LedgerTotals:
    rows: dict[str, tuple[int, Decimal]] = {str(s): (0, Decimal(0)) for s in LedgerStatus}
    grouped = entries.order_by().values("status").annotate(n=Count("id"), total=Sum("amount"))
    for row in grouped:
        rows[row["status"]] = (row["n"], row["total"] or Decimal(0))
    return LedgerTotals(
        rows=rows,
        count=sum(n for n, _ in rows.values()),
        amount=sum((a for _, a in rows.values()), Decimal(0)),
    )


def enterprise_for_user(*, user: User | AnonymousUser, pk: Any) -> Enterprise:
    return get_for_user(Enterprise.objects.all(), user, pk)


def expiring_documents(*, until: dt.date) -> QuerySet[Document]:
    from kaifang.library.models import DocumentStatus

    return Document.objects.filter(
        status=DocumentStatus.VALID, expiry__isnull=False, expiry__lte=until
    ).select_related("responsible_unit")


def library_counts() -> dict[str, int]:
    return {"documents": Document.objects.count(), "items": SupportItem.objects.count()}


# --- clause suggestions (the service desk's 政策咨询 appeals, through a record panel) ----------


@dataclass(frozen=True)
class ClauseSuggestion:
    document_id: int
    document_title: str
    doc_number: str
    anchor: str
    label: str
    text: str
    url: str
    words: list[str]
    matched_item: bool

    @property
    def citation(self) -> str:
        return f"{self.doc_number or '《' + self.document_title + '》'} {self.label}".strip()


def suggest_clauses(
    *,
    user: Viewer,
    text: str,
    enterprise_id: int | None = None,
    limit: int = 5,
) -> list[ClauseSuggestion]:
    """The clauses of valid library documents that best answer `text`: documents found by the
    text's characteristic words, their clauses scored by the words they hold, those of support
    items the enterprise matches first."""
    from kaifang.library.models import DocumentStatus

    words = segment.top_words(segment.document_tokens(text), n=10)
    if not words or (user is not None and not user.is_authenticated):
        return []
    filters = search.Filters(source=SearchSource.LIBRARY, status=DocumentStatus.VALID)
    hits, _ = search.match(words, filters=filters, any_word=True, limit=8)
    entries = SearchEntry.objects.in_bulk([h.entry_id for h in hits])
    ids = [entries[h.entry_id].object_id for h in hits]
    docs = Document.objects.in_bulk(ids)
    matched: set[tuple[int, str]] = set()
    if enterprise_id is not None:
        matched = {
            (doc_id, anchor)
            for doc_id, anchor in Match.objects.filter(
                enterprise_id=enterprise_id, item__document_id__in=ids
            ).values_list("item__document_id", "item__anchor")
        }
    scored: list[tuple[float, ClauseSuggestion]] = []
    for rank, doc_id in enumerate(ids):
        doc = docs.get(doc_id)
        if doc is None:
            continue
        for block in parsing.parse(doc.text):
            if not block.anchor or block.kind in {"chapter", "section"}:
                continue
            lowered = block.text.lower()
            found = [w for w in words if w in lowered]
            if not found:
                continue
            is_item = (doc.pk, block.anchor) in matched
            score = len(found) * 10 - rank + (25 if is_item else 0)
            scored.append(
                (
                    score,
                    ClauseSuggestion(
                        document_id=doc.pk,
                        document_title=doc.title,
                        doc_number=doc.doc_number,
                        anchor=block.anchor,
                        label=block.label,
                        text=block.text,
                        url=f"{reverse('library:document_detail', args=[doc.pk])}#{block.anchor}",
                        words=found,
                        matched_item=is_item,
                    ),
                )
            )
    scored.sort(key=lambda pair: -pair[0])
    return [s for _, s in scored[:limit]]
