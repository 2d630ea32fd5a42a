"""Work a web process does as it starts, so that its users' first requests do not (decision
0042; config/wsgi.py calls it in its warm-up thread)."""

from __future__ import annotations

from contextlib import suppress
from pathlib import Path

from django.conf import settings
from django.template import TemplateDoesNotExist, TemplateSyntaxError, engines


def compile_templates() -> int:
    """Compile each of the project's own templates (not the installed packages') into the
    engine's cached loader, as its first render would: a fresh process's first breakdown
    page compiled a dozen of them. A template that fails to compile is left for the request
    that renders it to report. Returns the templates compiled."""
    root = Path(settings.BASE_DIR).resolve()
    compiled = 0
    for engine in engines.all():
        for directory in engine.template_dirs:
            base = Path(directory).resolve()
            if not base.is_relative_to(root) or "site-packages" in base.parts:
                continue
            for path in sorted(base.rglob("*.html")):
                with suppress(TemplateDoesNotExist, TemplateSyntaxError):
                    engine.get_template(path.relative_to(base).as_posix())
                    compiled += 1
    return compiled
