"""The library, read-only: documents (public to staff) with their clauses, full-text search,
and one enterprise's matches (可享政策), scoped like the enterprise."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Query, Router, Schema

from kaifang.api.common import error_docs, responses
from kaifang.core.lib.requests import current_user
from kaifang.library import selectors
from kaifang.library.models import Document
from kaifang.library.search import Filters

router = Router(tags=["政策库"])


class DocumentOut(Schema):
    id: int
    title: str
    doc_number: str
    issuer: str
    kind: str
    level: str
    issued: dt.date | None
    effective: dt.date | None
    expiry: dt.date | None
    status: str
    superseded_by: int | None
    tags: list[str]
    version: int
    url: str


class ClauseOut(Schema):
    anchor: str
    label: str
    kind: str
    text: str
    url: str


class DocumentDetailOut(DocumentOut):
    clauses: list[ClauseOut]


class HitOut(Schema):
    id: str
    title: str
    snippet: str
    score: float
    url: str


class SearchOut(Schema):
    query: str
    words: list[str]
    total: int
    results: list[HitOut]


class ReasonOut(Schema):
    condition: str
    met: bool | None
    value: str


class MatchOut(Schema):
    item_id: int
    item_title: str
    document_id: int
    document_title: str
    clause_url: str
    no_application: bool
    outcome: str
    eligible: bool | None
    reasons: list[ReasonOut]


class SearchParams(Schema):
    q: str
    level: str = ""
    kind: str = ""
    status: str = ""
    issuer: str = ""
    tag: str = ""
    limit: int = 20
    offset: int = 0


def _document(doc: Document) -> DocumentOut:
    return DocumentOut(
        id=doc.pk,
        title=doc.title,
        doc_number=doc.doc_number,
        issuer=doc.issuer,
        kind=doc.kind,
        level=doc.level,
        issued=doc.issued,
        effective=doc.effective,
        expiry=doc.expiry,
        status=doc.status,
        superseded_by=doc.superseded_by_id,
        tags=doc.tag_list,
        version=doc.version,
        url=f"/library/{doc.pk}/",
    )


@router.get(
    "/documents",
    response=responses(list[DocumentOut], 422),
    summary="政策文件列表（最新在前）",
    openapi_extra=error_docs(422),
    url_name="library_documents",
)
def documents(request: HttpRequest, limit: int = 50, offset: int = 0) -> list[DocumentOut]:
    qs = selectors.documents(user=current_user(request))
    limit, offset = max(1, min(limit, 200)), max(0, min(offset, 10**9))
    return [_document(d) for d in qs[offset : offset + limit]]


@router.get(
    "/documents/{pk}",
    response=responses(DocumentDetailOut, 404),
    summary="政策文件及其条款",
    openapi_extra=error_docs(404),
    url_name="library_document",
)
def document(request: HttpRequest, pk: int) -> DocumentDetailOut:
    doc = selectors.document_for_user(user=current_user(request), pk=pk)
    clauses = [
        ClauseOut(
            anchor=b.anchor,
            label=b.label,
            kind=b.kind,
            text=b.text,
            url=f"/library/{doc.pk}/#{b.anchor}",
        )
        for b in selectors.blocks(doc.text)
        if b.anchor
    ]
    return DocumentDetailOut(**_document(doc).dict(), clauses=clauses)


@router.get(
    "/search",
    response=responses(SearchOut, 422),
    summary="全文检索（中文分词，也匹配长词中的词）",
    openapi_extra=error_docs(422),
    url_name="library_search",
)
def search(request: HttpRequest, params: Query[SearchParams]) -> SearchOut:
    page = selectors.search_documents(
        user=current_user(request),
        query=params.q,
        filters=Filters(
            level=params.level,
            kind=params.kind,
            status=params.status,
            issuer=params.issuer,
            tag=params.tag,
        ),
        limit=max(1, min(params.limit, 100)),
        offset=max(0, params.offset),
    )
    return SearchOut(
        query=page.query,
        words=page.words,
        total=page.total,
        results=[
            HitOut(id=r.id, title=r.title, snippet=r.snippet_html, score=r.score, url=r.url)
            for r in page.results
        ],
    )


@router.get(
    "/enterprises/{pk}/matches",
    response=responses(list[MatchOut], 404),
    summary="企业可享政策（按数据范围）",
    openapi_extra=error_docs(404),
    url_name="library_enterprise_matches",
)
def enterprise_matches(request: HttpRequest, pk: int) -> list[MatchOut]:
    user = current_user(request)
    enterprise = selectors.enterprise_for_user(user=user, pk=pk)
    out = []
    for m in selectors.matches_for_enterprise(user=user, enterprise=enterprise):
        item = m.item
        anchor = f"#{item.anchor}" if item.anchor else ""
        out.append(
            MatchOut(
                item_id=item.pk,
                item_title=item.title,
                document_id=item.document_id,
                document_title=item.document.title,
                clause_url=f"/library/{item.document_id}/{anchor}",
                no_application=item.no_application,
                outcome=m.outcome,
                eligible={"eligible": True, "unknown": None}.get(m.outcome, False),
                reasons=[ReasonOut(**r) for r in m.reasons],
            )
        )
    return out
