"""The site's URLs plus a hello-world view, for bench/load.py only: the baseline of what the
server, Django's middleware and the network cost without a page. Used when BENCH_URLS=true
(never in production: it is off by default and not in config/urls.py)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import path

from config.urls import urlpatterns as site_urlpatterns


def hello(request: HttpRequest) -> HttpResponse:
    return HttpResponse("hello", content_type="text/plain; charset=utf-8")


urlpatterns = [path("bench/hello/", hello, name="bench_hello"), *site_urlpatterns]
