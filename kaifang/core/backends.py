"""The authentication backend: Django's ModelBackend, reading the user's unit with the user.

Every page's shell shows the user's unit (base.html), so the plain backend cost a second query
on every request (bench/bench_cpu.py). Sessions signed in before this backend existed name
Django's own backend, which stays in AUTHENTICATION_BACKENDS after this one, so they keep
working until the next login.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend

from kaifang.core.models import User


class UnitModelBackend(ModelBackend):
    def get_user(self, user_id: Any) -> User | None:
        try:
            user = User._default_manager.select_related("unit").get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
