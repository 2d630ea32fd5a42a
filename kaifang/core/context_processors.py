"""What every page's shell needs: the menu, the user's unit, and warnings for administrators."""

from __future__ import annotations

from django.http import HttpRequest

from kaifang.core.navigation import menu_for


def shell(request: HttpRequest) -> dict[str, object]:
    if not request.user.is_authenticated:
        return {}
    context: dict[str, object] = {"menu": menu_for(request), "admin_warnings": []}
    from kaifang.core import shell_hooks

    warnings: list[object] = []
    for hook in shell_hooks.hooks():
        extra = dict(hook(request))
        # Several hooks add warnings: collect them instead of letting the last one win.
        hook_warnings = extra.pop("admin_warnings", None)
        if isinstance(hook_warnings, list):
            warnings.extend(hook_warnings)
        context.update(extra)
    context["admin_warnings"] = warnings
    return context
