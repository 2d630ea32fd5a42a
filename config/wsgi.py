"""WSGI entry point for gunicorn (and runserver, through WSGI_APPLICATION)."""

import gc
import os
import threading

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

# What a process would otherwise do on its users' first requests (issue 17,
# bench/bench_first_requests.py): import every view and build the URL tables (about 0.3 s),
# compile the templates (about 0.45 s), both before the first request, and load jieba's
# dictionary for search (0.6 s, in a thread beside the first requests; every process loads it
# sooner or later).
import logging  # noqa: E402
from contextlib import suppress  # noqa: E402
from pathlib import Path  # noqa: E402

from django.conf import settings  # noqa: E402
from django.template import TemplateSyntaxError, engines  # noqa: E402
from django.template.autoreload import get_template_directories  # noqa: E402
from django.urls import NoReverseMatch, URLResolver, get_resolver, reverse  # noqa: E402
from django.utils import translation  # noqa: E402

from kaifang.core.lib import collector, local_cache  # noqa: E402
from kaifang.library import segment  # noqa: E402


def _reverse_tables(resolver: URLResolver) -> None:
    """The reverse table Django builds (and keeps) on the first `reverse` into each namespace
    (`core:job_detail` …): a process's first page, whose menu reverses into every module,
    built ten of them."""
    for namespace, (_prefix, included) in resolver.namespace_dict.items():
        names = [name for name in included.reverse_dict if isinstance(name, str)]
        if names:
            with suppress(NoReverseMatch):  # built before it matches any argument
                reverse(f"{namespace}:{names[0]}")


def _compile_templates() -> int:
    """Every page template compiled into the cached loader before the first request: a first
    view compiled its templates (with the namespaces' tables above, about 30 ms of the
    workbench's first view in a process, session 54; all 167 take about 0.45 s of start-up).
    A template that does not compile is logged and fails again when a page renders it."""
    engine = engines["django"]
    compiled = 0
    for directory in get_template_directories():
        for path in sorted(Path(directory).rglob("*.html")):
            try:
                engine.get_template(str(path.relative_to(directory)))
            except TemplateSyntaxError:
                logging.getLogger(__name__).exception("模板无法编译：%s", path)
            else:
                compiled += 1
    return compiled


with translation.override(settings.LANGUAGE_CODE):  # the language requests render in
    _reverse_tables(get_resolver())
_compile_templates()


def _warm() -> None:
    """Load the segmenter, then freeze what start-up made (modules, URL table, dictionary):
    the garbage collector's full passes no longer walk those 190,000 objects, which took
    65–100 ms of whichever request set one off (a large breakdown's first view)."""
    segment.warm()
    gc.freeze()


threading.Thread(target=_warm, name="warm-segmenter", daemon=True).start()
if settings.GC_AFTER_RESPONSE:  # the full passes after the responses (decision 0047)
    collector.install()
if settings.CACHE_WRITE_AFTER_RESPONSE:  # computed figures shared after the response (0055)
    local_cache.install()
