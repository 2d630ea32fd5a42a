"""What the library offers other apps' pages through `core.record_panels` (it imports none of
them): on an appeal of the 政策咨询 category — or any appeal when the page is asked with
`?clauses=1` — the policy clauses that best answer it, each with the link and the citation an
answer can quote; the reply templates of the appeal's category. On the enterprise's public
tracking page: the clauses the answers cite, and the policies the enterprise qualifies for.
The appeal is read by duck typing (title, description, category, enterprise_id, events), so
the service desk is never imported. In the page header's search (`core.search`): the
documents the library's own search finds for the user (policies for every signed-in user,
supervision's source documents within supervision's scope)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from kaifang.core import record_panels
from kaifang.core import search as header_search
from kaifang.library.models import DocumentKind
from kaifang.library.permissions import is_editor
from kaifang.library.selectors import SearchResult, search_documents, suggest_clauses
from kaifang.library.selectors.service import (
    category_label,
    cited_clauses,
    public_policies,
    public_texts,
    template_reply,
    templates,
)

POLICY_CATEGORY = "policy"


def appeal_clauses(request: HttpRequest, appeal: Any) -> dict[str, object] | None:
    asked = request.GET.get("clauses") == "1"
    if getattr(appeal, "category", "") != POLICY_CATEGORY and not asked:
        return {"offer": True, "suggestions": []}
    text = f"{getattr(appeal, 'title', '')}\n{getattr(appeal, 'description', '')}"
    suggestions = suggest_clauses(
        user=request.user, text=text, enterprise_id=getattr(appeal, "enterprise_id", None)
    )
    return {"offer": False, "suggestions": suggestions}


# --- the enterprise's tracking page (public, no login) -----------------------------------


def public_cited(request: HttpRequest, appeal: Any) -> dict[str, object] | None:
    """The policy clauses the answers to this appeal cite, in full, each linking to the
    document's public reading page at the clause's anchor. None (no panel) when none."""
    clauses = cited_clauses(public_texts(appeal))
    if not clauses:
        return None
    return {"clauses": clauses, "code": appeal.tracking_code}


def public_policies_panel(request: HttpRequest, appeal: Any) -> dict[str, object] | None:
    """The policies the appeal's enterprise qualifies for (政策直达 through the public
    channel): its own eligible items only, with the policy's conditions and its 免申即享
    status, never figures or other enterprises. None when there are none."""
    policies = public_policies(getattr(appeal, "enterprise_id", None))
    if not policies:
        return None
    return {"policies": policies, "code": appeal.tracking_code}


def appeal_templates(request: HttpRequest, appeal: Any) -> dict[str, object] | None:
    """The reply templates of the appeal's category, ready to paste (with the cited clause's
    link), and a link to keep a new one. None when the viewer may neither use nor keep any."""
    category = getattr(appeal, "category", "")
    rows = list(templates(user=request.user, category=category)[:10])
    can_edit = is_editor(request.user)
    if not rows and not can_edit:
        return None
    base = f"{request.scheme}://{request.get_host()}"
    return {
        "templates": [(t, template_reply(t, base)) for t in rows],
        "category": category,
        "category_label": category_label(category),
        "can_edit": can_edit,
    }


# --- the header search ---------------------------------------------------------------------


def _document_hit(r: SearchResult) -> header_search.Hit:
    kind = dict(DocumentKind.choices).get(r.kind, "")
    issued = f"{r.issued:%Y-%m-%d}" if r.issued else ""
    detail = " · ".join(x for x in (r.doc_number, r.issuer, kind, issued) if x)
    return header_search.Hit(r.title, r.url, detail)


def find_documents(user: header_search.AnyUser, q: str, limit: int) -> header_search.Found:
    """The library page's search (words found inside longer words too, best first), with its
    scope: every document for a signed-in user, a supervision source document only within
    supervision's scope."""
    page = search_documents(user=user, query=q, limit=limit)
    return header_search.Found(
        "政策库",
        [_document_hit(r) for r in page.results],
        page.total,
        header_search.listing_url("library:document_list", q),
    )


def register() -> None:
    header_search.register("library", 60, find_documents)
    record_panels.register(
        "servicedesk.appeal",
        record_panels.RecordPanel(
            key="library-clauses",
            title="相关政策条款",
            order=10,
            template="library/partials/appeal_clauses.html",
            context=appeal_clauses,
        ),
    )
    record_panels.register(
        "servicedesk.appeal",
        record_panels.RecordPanel(
            key="library-templates",
            title="答复模板",
            order=11,
            template="library/partials/appeal_templates.html",
            context=appeal_templates,
        ),
    )
    record_panels.register(
        "servicedesk.public_appeal",
        record_panels.RecordPanel(
            key="library-cited",
            title="答复引用的政策条款",
            order=10,
            template="library/public/cited_clauses.html",
            context=public_cited,
        ),
    )
    record_panels.register(
        "servicedesk.public_appeal",
        record_panels.RecordPanel(
            key="library-policies",
            title="贵企业可享的惠企政策",
            order=20,
            template="library/public/policies.html",
            context=public_policies_panel,
        ),
    )
