"""The library's one public page (no login): a policy that an answer to an appeal cites, read
in full with its clause anchors, opened by the appeal's tracking code. The code opens only the
documents that appeal's answers cite (published kinds only), nothing else; lookups share the
tracking page's rate limit. The appeal comes from the service desk through core.handover."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django_ratelimit import ALL
from django_ratelimit.core import is_ratelimited

from kaifang.core import handover
from kaifang.library import selectors
from kaifang.library.selectors import service as selectors_service

LOOKUP_RATE = "30/h"  # the tracking page's budget, shared (group "service.lookup")


def cited_document(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    if is_ratelimited(
        request, group="service.lookup", key="ip", rate=LOOKUP_RATE, method=ALL, increment=True
    ):
        return render(request, "servicedesk/public/limited.html", status=429)
    appeal = handover.call("servicedesk.public_appeal", code=code)
    if appeal is None:
        raise Http404("查询码不存在")
    document = selectors_service.public_document(appeal, pk)
    clauses = selectors.clause_index(document)
    cited = [
        (anchor, clauses[anchor].label)
        for doc_id, anchor in selectors_service.citations(selectors_service.public_texts(appeal))
        if doc_id == document.pk and anchor in clauses
    ]
    return render(
        request,
        "library/public/document.html",
        {
            "appeal": appeal,
            "document": document,
            "blocks": selectors.blocks(document.text),
            "cited": cited,
        },
    )
