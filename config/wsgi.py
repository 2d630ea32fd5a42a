"""WSGI entry point for gunicorn (and runserver, through WSGI_APPLICATION)."""

import gc
import os
import threading

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

# What a process would otherwise do on its users' first requests (issue 17,
# bench/bench_first_requests.py): import every view and build the URL table (about 0.3 s,
# before the first request); in a thread beside the first requests, compile the project's
# templates (0.2 s) and load jieba's dictionary for search (0.6 s; every process loads it
# sooner or later).
from django.urls import get_resolver  # noqa: E402

from kaifang.core.lib import start_up  # noqa: E402
from kaifang.library import segment  # noqa: E402

get_resolver().reverse_dict  # noqa: B018  (the property builds the table)


def _warm() -> None:
    """Compile the templates and load the segmenter, then freeze what start-up made (modules,
    URL table, templates, dictionary): the garbage collector's full passes no longer walk
    those objects, which took 65–100 ms of whichever request set one off (a large
    breakdown's first view)."""
    start_up.compile_templates()
    segment.warm()
    gc.freeze()


threading.Thread(target=_warm, name="warm-segmenter", daemon=True).start()
