"""Record last_login without making a login wait for an import (decision 0011).

Django writes last_login on every login. On SQLite that UPDATE needs the register's one write
lock, which an import holds for its whole commit, so the login would wait for the import. Here
it is tried once with a short busy timeout and, when the lock is taken, left as it was: the
login succeeds and the next login records the time. PostgreSQL writes it as Django does.
"""

from __future__ import annotations

import logging
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import update_last_login
from django.contrib.auth.signals import user_logged_in
from django.db import OperationalError, connections, router
from django.utils import timezone

logger = logging.getLogger(__name__)
BUSY_MS = 200


def record_last_login(sender: Any, user: Any, **kwargs: Any) -> None:
    model = get_user_model()
    connection = connections[router.db_for_write(model)]
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        update_last_login(sender, user, **kwargs)
        return
    now = timezone.now()
    timeout_ms = int(float(connection.settings_dict["OPTIONS"].get("timeout", 5)) * 1000)
    with connection.cursor() as cursor:
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_MS}")
        try:
            model._default_manager.filter(pk=user.pk).update(last_login=now)
        except OperationalError:
            logger.info("last_login of user %s not recorded: the database is busy", user.pk)
            return
        finally:
            cursor.execute(f"PRAGMA busy_timeout = {timeout_ms}")
    user.last_login = now


def connect() -> None:
    user_logged_in.disconnect(dispatch_uid="update_last_login")
    user_logged_in.connect(record_last_login, dispatch_uid="kaifang.record_last_login")
