"""CPU time of the PostgreSQL process serving this connection, read from /proc (the server runs
on the same machine in every benchmark): what a query costs the database, beside the client's
own CPU. Shared by bench_month.py and drill_plans.py."""

from __future__ import annotations

import os

from django.db import connection


def server_cpu_seconds() -> float | None:
    """CPU seconds so far of the serving PostgreSQL process; None on another database or
    when /proc cannot be read."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    try:
        with open(f"/proc/{pid}/stat") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
