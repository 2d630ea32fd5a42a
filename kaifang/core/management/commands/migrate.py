"""`kaifang migrate` migrates the side database too (decision 0011), so the one command an
operator runs after an upgrade keeps both SQLite files current."""

from __future__ import annotations

from typing import Any

from django.core.management.commands.migrate import Command as DjangoMigrate
from django.db import DEFAULT_DB_ALIAS

from kaifang.core.db_router import SIDE, side_enabled


class Command(DjangoMigrate):
    def handle(self, *args: Any, **options: Any) -> None:
        super().handle(*args, **options)
        # Only a whole migration of the register: not `migrate APP [NAME]`, and not the test
        # runner's own call (run_syncdb), which migrates each test database by itself.
        if (
            side_enabled()
            and options["database"] == DEFAULT_DB_ALIAS
            and not options.get("app_label")
            and not options.get("run_syncdb")
        ):
            if options["verbosity"] >= 1:
                self.stdout.write(self.style.MIGRATE_HEADING(f"Side database ({SIDE}):"))
            super().handle(*args, **{**options, "database": SIDE})
