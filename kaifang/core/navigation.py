"""The side menu. Each module registers its entries in its AppConfig.ready(), so a module
that is not installed is simply absent from the menu."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest
from django.urls import get_script_prefix, get_urlconf, reverse

from kaifang.core.permissions import Cap, has


@dataclass(frozen=True)
class MenuItem:
    label: str
    url_name: str
    order: int
    icon: str = ""
    admin_only: bool = False
    group: str = ""
    # The capability the page behind the entry requires: the menu shows only what opens.
    requires: Cap | None = None

    def url(self) -> str:
        # The menu is on every page: reverse each entry once per URL configuration and prefix.
        key = (self.url_name, get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)
        url = _URLS.get(key)
        if url is None:
            url = _URLS[key] = reverse(self.url_name)
        return url


_ITEMS: dict[str, MenuItem] = {}
_URLS: dict[tuple[str, str, object], str] = {}


def register(item: MenuItem) -> None:
    _ITEMS[item.url_name] = item


def menu_for(request: HttpRequest) -> list[dict[str, object]]:
    user = request.user
    items = sorted(_ITEMS.values(), key=lambda i: i.order)
    result = []
    for item in items:
        if item.admin_only and not getattr(user, "is_staff", False):
            continue
        if item.requires is not None and not has(user, item.requires):
            continue
        url = item.url()
        active = request.path == url or (url != "/" and request.path.startswith(url))
        result.append({"label": item.label, "url": url, "icon": item.icon, "active": active})
    return result
