"""Where the library meets the foundation: its notification category, the daily expiry
reminders, the periodic read-through index of supervision's source documents, and the demo
loader. (Imported at start-up by core's autodiscovery of `tasks` modules.)"""

from __future__ import annotations

from collections.abc import Sequence

from django.utils import timezone

from kaifang.core import notifications
from kaifang.core.models import User
from kaifang.core.schedules import periodic
from kaifang.library import exports as exports  # registers the writer the worker runs

notifications.register_category("library", "政策库")


def notify_users(
    *, recipients: Sequence[User], title: str, body: str, url: str, level: str = "info"
) -> None:
    people = [user for user in recipients if user is not None]
    if people:
        notifications.notify(
            recipients=people, title=title, body=body, url=url, category="library", level=level
        )


@periodic("library.expiry_reminders", cron="40 8 * * *")
def expiry_reminders() -> int:
    """Every morning at 08:40: documents nearing expiry (quiet on rest days)."""
    from kaifang.library.reminders import send_expiry_reminders

    return send_expiry_reminders(timezone.localdate())


@periodic("library.index_supervision", minutes=15)
def index_supervision() -> int:
    """Keep supervision's source documents searchable in the library (read-through index)."""
    from kaifang.library.actions import index_supervision as run

    return run()


def register() -> None:
    """Called from AppConfig.ready()."""
    from kaifang.core import demo
    from kaifang.library.demo import load_library

    demo.register("library", 350, load_library)
