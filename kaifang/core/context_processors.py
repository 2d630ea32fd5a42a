"""What every page's shell needs: the menu, the user's unit, and warnings for administrators."""

from __future__ import annotations

from django.http import HttpRequest

from kaifang.core.navigation import menu_for

_CACHE_ATTR = "_kaifang_shell"


def shell(request: HttpRequest) -> dict[str, object]:
    """Computed once per request: every `render_to_string(..., request=request)` of a panel or
    partial (the workbench renders one per module) runs the context processors again."""
    if not request.user.is_authenticated:
        return {}
    cached: dict[str, object] | None = getattr(request, _CACHE_ATTR, None)
    if cached is not None:
        return dict(cached)
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
    setattr(request, _CACHE_ATTR, context)
    return dict(context)
