"""What the library offers other apps' pages through `core.record_panels` (it imports none of
them): on an appeal of the 政策咨询 category — or any appeal when the page is asked with
`?clauses=1` — the policy clauses that best answer it, each with the link and the citation an
answer can quote. The appeal is read by duck typing (title, description, category,
enterprise_id), so the service desk is never imported."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from kaifang.core import record_panels
from kaifang.library.selectors import suggest_clauses

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


def register() -> None:
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
