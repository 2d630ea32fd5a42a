"""The public pages under /service/ (no login): submit an appeal, follow it with the tracking
code, rate the answer or ask for it to be handled again. Rate-limited per address; the
tracking code is the only key and opens one appeal's public timeline, nothing else."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods
from django_ratelimit import ALL
from django_ratelimit.core import is_ratelimited

from kaifang.core import record_panels
from kaifang.servicedesk import actions, codes
from kaifang.servicedesk.forms import (
    PublicAppealForm,
    RateForm,
    ReopenForm,
    TrackForm,
    new_challenge,
)
from kaifang.servicedesk.models import AppealStatus, Category, Source
from kaifang.servicedesk.selectors import public_appeal, public_timeline

SUBMIT_RATE = "5/h"
LOOKUP_RATE = "30/h"
_LAST_CODE = "service_last_code"


def _limited(request: HttpRequest, group: str, rate: str) -> bool:
    return bool(
        is_ratelimited(request, group=group, key="ip", rate=rate, method=ALL, increment=True)
    )


def _too_many(request: HttpRequest) -> HttpResponse:
    return render(request, "servicedesk/public/limited.html", status=429)


@require_http_methods(["GET", "POST"])
def submit(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        if _limited(request, "service.submit", SUBMIT_RATE):
            return _too_many(request)
        form = PublicAppealForm(request.POST, request.FILES, session=request.session)
        if form.is_valid():
            data = form.cleaned_data
            try:
                appeal = actions.appeal_create(
                    actor=None,
                    enterprise_name=data["enterprise_name"],
                    uscc=data["uscc"],
                    category=data["category"],
                    description=data["description"],
                    contact_name=data["contact_name"],
                    contact_phone=data["contact_phone"],
                    attachments=data["attachments"],
                    source=Source.PUBLIC,
                )
            except ValidationError as error:
                for field, messages in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, messages)
            else:
                request.session[_LAST_CODE] = appeal.tracking_code
                return redirect("service:done")
    else:
        form = PublicAppealForm(session=request.session)
    question = new_challenge(request.session)
    return render(
        request,
        "servicedesk/public/submit.html",
        {"form": form, "question": question, "categories": Category.choices},
        status=400 if request.method == "POST" else 200,
    )


def done(request: HttpRequest) -> HttpResponse:
    code = request.session.get(_LAST_CODE)
    if not code:
        return redirect("service:submit")
    appeal = public_appeal(code)
    if appeal is None:
        raise Http404("诉求不存在")
    return render(request, "servicedesk/public/done.html", {"appeal": appeal})


@require_http_methods(["GET", "POST"])
def track(request: HttpRequest) -> HttpResponse:
    form = TrackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        return redirect("service:track_code", code=form.cleaned_data["code"])
    return render(request, "servicedesk/public/track.html", {"form": form})


@require_http_methods(["GET", "POST"])
def track_code(request: HttpRequest, code: str) -> HttpResponse:
    if _limited(request, "service.lookup", LOOKUP_RATE):
        return _too_many(request)
    appeal = public_appeal(codes.normalise(code))
    if appeal is None:
        return render(request, "servicedesk/public/unknown.html", {"code": code}, status=404)
    rate_form = RateForm(prefix="rate")
    reopen_form = ReopenForm(prefix="reopen")
    if request.method == "POST" and appeal.status == AppealStatus.RESOLVED:
        try:
            if "reopen-comment" in request.POST:
                reopen_form = ReopenForm(request.POST, prefix="reopen")
                if reopen_form.is_valid():
                    actions.appeal_reopen(
                        appeal=appeal, comment=reopen_form.cleaned_data["comment"]
                    )
                    return redirect("service:track_code", code=appeal.tracking_code)
            else:
                rate_form = RateForm(request.POST, prefix="rate")
                if rate_form.is_valid():
                    actions.appeal_rate(
                        appeal=appeal,
                        rating=rate_form.cleaned_data["rating"],
                        comment=rate_form.cleaned_data["comment"],
                    )
                    return redirect("service:track_code", code=appeal.tracking_code)
        except ValidationError as error:
            rate_form.add_error(None, error.messages)
    return render(
        request,
        "servicedesk/public/status.html",
        {
            "appeal": appeal,
            "timeline": public_timeline(appeal),
            "rate_form": rate_form,
            "reopen_form": reopen_form,
            # Offered by peer apps for the enterprise's eyes (the library: the clauses cited
            # in the answers, the policies the enterprise qualifies for), core/record_panels.
            "panels": record_panels.render("servicedesk.public_appeal", request, appeal),
        },
    )
