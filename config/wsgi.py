"""WSGI entry point for gunicorn (and runserver, through WSGI_APPLICATION)."""

import gc
import os
import threading

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

# What a process would otherwise do on its users' first requests (issue 17,
# bench/bench_first_requests.py): import every view and build the URL table (about 0.3 s,
# before the first request) and load jieba's dictionary for search (0.6 s, in a thread beside
# the first requests; every process loads it sooner or later).
from django.conf import settings  # noqa: E402
from django.urls import get_resolver  # noqa: E402

from kaifang.core.lib import collector, local_cache  # noqa: E402
from kaifang.library import segment  # noqa: E402

get_resolver().reverse_dict  # noqa: B018  (the property builds the table)


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
