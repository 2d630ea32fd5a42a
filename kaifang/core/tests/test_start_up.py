"""What a fresh web process does before its first request, so that request does not wait
(issue 17, bench/bench_first_requests.py). Each probe runs in its own interpreter: the test
process has long imported everything."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def _probe(code: str) -> str:
    """Run `code` in a fresh interpreter under the test settings; its last printed word."""
    prelude = "import os\nos.environ['DJANGO_SETTINGS_MODULE'] = 'config.settings_test'\n"
    done = subprocess.run(  # noqa: S603 (our own interpreter and a fixed probe)
        [sys.executable, "-c", prelude + code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.split()[-1]


def test_the_web_process_loads_the_segmenter_at_start_up():
    """gunicorn and runserver import config.wsgi: jieba's dictionary is loaded in a thread by the
    time a user could search (0.6 s the first search waited); a process that only sets Django
    up (the worker, a command) does not load it."""
    wait = (
        "import threading, jieba\n"
        "for t in threading.enumerate():\n"
        "    if t.name == 'warm-segmenter': t.join(60)\n"
        "print(jieba.dt.initialized)\n"
    )
    assert _probe("import config.wsgi\n" + wait) == "True"
    assert _probe("import django\ndjango.setup()\n" + wait) == "False"


def test_the_web_process_freezes_its_start_up_objects():
    """Once warm, the objects start-up made are frozen, so the garbage collector's full passes
    (set off by a large page) walk only what requests made since."""
    code = (
        "import gc, threading\n"
        "import config.wsgi\n"
        "for t in threading.enumerate():\n"
        "    if t.name == 'warm-segmenter': t.join(60)\n"
        "print(gc.get_freeze_count() > 100_000)\n"
    )
    assert _probe(code) == "True"


def test_the_web_process_builds_the_url_table_at_start_up():
    """config.wsgi imports every view and builds the URL table (0.45 s of the first request)."""
    code = (
        "import config.wsgi\n"
        "from django.urls import get_resolver\n"
        "print(get_resolver()._populated)\n"
    )
    assert _probe(code) == "True"


def test_the_web_process_compiles_every_template_and_namespace_table_at_start_up():
    """config.wsgi compiles every page template into the cached loader and builds each URL
    namespace's reverse table: a process's first page did both (the workbench's first view
    took 25–30 ms more than its later misses, session 54). Every page template compiles."""
    code = (
        "from pathlib import Path\n"
        "from django.template.autoreload import get_template_directories\n"
        "import config.wsgi\n"
        "from django.template import engines\n"
        "from django.urls import get_resolver\n"
        "loader = engines['django'].engine.template_loaders[0]\n"
        "files = sum(len(list(Path(d).rglob('*.html'))) for d in get_template_directories())\n"
        "from django.urls import reverse\n"
        "from django.urls.resolvers import get_ns_resolver\n"
        "before = get_ns_resolver.cache_info().misses\n"
        "for name in ('core:job_list', 'trade:analysis_overview', 'indicators:dashboard'):\n"
        "    reverse(name)\n"
        "built = before > 10 and get_ns_resolver.cache_info().misses == before\n"
        "print(f'{len(loader.get_template_cache) == files > 150}-{built}')\n"
    )
    assert _probe(code) == "True-True"


def test_the_url_table_does_not_import_matplotlib():
    """matplotlib (0.5 s to import, 25 MB) is imported only where a briefing's chart is drawn,
    not by the views the URL table imports."""
    code = (
        "import sys, django\n"
        "django.setup()\n"
        "from django.urls import get_resolver\n"
        "get_resolver().reverse_dict\n"
        "print('matplotlib' in sys.modules)\n"
    )
    assert _probe(code) == "False"


def test_the_web_process_runs_the_full_collections_after_its_responses():
    """config.wsgi moves the garbage collector's full passes out of the requests (decision
    0047): CPython's own is ten times further off, and the end of a response runs one once
    ten middle-generation passes have gone by. `GC_AFTER_RESPONSE=false` keeps CPython's."""
    code = (
        "import gc\n"
        "import config.wsgi\n"
        "from django.core.signals import request_finished\n"
        "gc.collect()\n"
        "request_finished.send(sender=None)\n"
        "quiet = gc.get_count()[2]\n"
        "for _ in range(10): gc.collect(1)\n"
        "due = gc.get_count()[2]\n"
        "request_finished.send(sender=None)\n"
        "print(f'{gc.get_threshold()[2]},{quiet},{due},{gc.get_count()[2]}')\n"
    )
    assert _probe(code) == "100,0,10,0"
    off = "import os\nos.environ['GC_AFTER_RESPONSE'] = 'false'\n" + code
    assert _probe(off) == "10,0,10,10"


def test_the_web_process_shares_computed_figures_after_its_responses():
    """config.wsgi installs the shared cache's writes after the response (decision 0055);
    `CACHE_WRITE_AFTER_RESPONSE=false` writes them within it."""
    code = (
        "import config.wsgi\n"
        "from django.core.signals import request_finished, request_started\n"
        "uid = 'kaifang.core.lib.local_cache'\n"
        "signals = (request_started, request_finished)\n"
        "found = [uid in [r[0][0] for r in s.receivers] for s in signals]\n"
        "print(','.join(map(str, found)))\n"
    )
    assert _probe(code) == "True,True"
    off = "import os\nos.environ['CACHE_WRITE_AFTER_RESPONSE'] = 'false'\n" + code
    assert _probe(off) == "False,False"
