"""Send what a login and a page view write to the side database when there is one.

On SQLite one writer holds the whole file, and an import holds it for its whole commit. A
login writes a session, the lockout's access log and a rate-limit counter in the cache; kept
in their own file they never wait for the import (decision 0011). Without a side database
(PostgreSQL, or SQLITE_SIDE_DATABASE=off) the router says nothing and everything stays in
"default".
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import Model

SIDE = "side"
# django_cache is the app label of DatabaseCache's model.
SIDE_APPS = frozenset({"sessions", "axes", "django_cache"})


def side_enabled() -> bool:
    return SIDE in settings.DATABASES


def _database_for(model: type[Model]) -> str | None:
    if not side_enabled():
        return None
    return SIDE if model._meta.app_label in SIDE_APPS else "default"


class SideDatabaseRouter:
    def db_for_read(self, model: type[Model], **hints: Any) -> str | None:
        return _database_for(model)

    def db_for_write(self, model: type[Model], **hints: Any) -> str | None:
        return _database_for(model)

    def allow_relation(self, obj1: Model, obj2: Model, **hints: Any) -> bool | None:
        return None

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        if not side_enabled():
            return None
        if app_label in SIDE_APPS:
            return db == SIDE
        return db == "default"
