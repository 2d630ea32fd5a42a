"""Rendered rows kept per process: a list page's rows, each rendered by its own template
once per content, keyed by every value that template reads.

A list of 30 rows spent 4–5 ms of CPU in Django's template engine (bench/bench_cpu.py: about
a third of the appeal list), and under load the same rows are asked again and again: every
user of a scope sees the same first page until a record changes. Each process keeps the HTML of
the last few thousand rows, keyed by the row's values as the view reads them (`key`), and by
the URL configuration, the script prefix and the language, so a changed value is a new key and
the HTML is always what the template renders now. trade/views/tables.py does the same for
whole breakdown tables.

Whoever adds a variable to a row template adds it to that row's key (the template says so at
its top; each list's test renders rows through the cache and fresh and compares).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable, Mapping
from typing import Any

from django.template.loader import render_to_string
from django.urls import get_script_prefix, get_urlconf
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe


class RowCache:
    """The rendered HTML of `template` for the last `size` distinct keys."""

    def __init__(self, template: str, size: int = 4096) -> None:
        self.template = template
        self.size = size
        self._lock = threading.Lock()
        self._html: OrderedDict[Hashable, str] = OrderedDict()

    def render(self, key: Hashable, context: Mapping[str, Any]) -> SafeString:
        """`render_to_string(template, context)`, once per `key` (which must determine every
        value the template reads from `context`)."""
        full = (get_urlconf(), get_script_prefix(), translation.get_language(), key)
        with self._lock:
            html = self._html.get(full)
            if html is not None:
                self._html.move_to_end(full)
        if html is None:
            html = render_to_string(self.template, dict(context))
            with self._lock:
                self._html[full] = html
                while len(self._html) > self.size:
                    self._html.popitem(last=False)
        return mark_safe(html)  # noqa: S308 (the template's own escaped output)

    def clear(self) -> None:
        with self._lock:
            self._html.clear()
