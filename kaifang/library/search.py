"""The full-text index, on either database, over the segmented text of `SearchEntry`.

SQLite: an FTS5 table `library_fts(title, body)` whose rowid is the entry's id (unicode61
tokenizer over the space-separated tokens). PostgreSQL: a generated column
`library_searchentry.tsv` = weight A title ‖ body under the `simple` configuration, with a GIN
index. The tokens are the same on both (`segment.py`), every query word must occur (AND), so
both databases return the same documents; ranking is bm25 on SQLite and ts_rank_cd on
PostgreSQL (titles weigh more on both), the order ties broken by date and id.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection


def write(entry_id: int, title_tokens: str, tokens: str) -> None:
    """Bring the index up to date with one entry (PostgreSQL's column follows by itself)."""
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM library_fts WHERE rowid = %s", [entry_id])
        cursor.execute(
            "INSERT INTO library_fts (rowid, title, body) VALUES (%s, %s, %s)",
            [entry_id, title_tokens, tokens],
        )


def forget(entry_ids: Sequence[int]) -> None:
    if connection.vendor != "sqlite" or not entry_ids:
        return
    with connection.cursor() as cursor:
        for entry_id in entry_ids:
            cursor.execute("DELETE FROM library_fts WHERE rowid = %s", [entry_id])


@dataclass(frozen=True)
class Filters:
    level: str = ""
    issuer: str = ""
    tag: str = ""
    status: str = ""
    kind: str = ""
    source: str = ""
    since: dt.date | None = None
    until: dt.date | None = None


@dataclass(frozen=True)
class Hit:
    entry_id: int
    score: float


def _where(filters: Filters, hidden: Sequence[tuple[str, int]]) -> tuple[list[str], list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    for column in ("level", "status", "kind", "source"):
        value = getattr(filters, column)
        if value:
            clauses.append(f"e.{column} = %s")
            params.append(value)
    if filters.issuer:
        clauses.append("e.issuer LIKE %s")
        params.append(f"%{filters.issuer}%")
    if filters.tag:
        clauses.append("e.tags LIKE %s")
        params.append(f"%{filters.tag}%")
    if filters.since:
        clauses.append("e.issued >= %s")
        params.append(filters.since)
    if filters.until:
        clauses.append("e.issued <= %s")
        params.append(filters.until)
    for source, object_id in hidden:
        clauses.append("NOT (e.source = %s AND e.object_id = %s)")
        params.extend([source, object_id])
    return clauses, params


def match(
    words: Sequence[str],
    *,
    filters: Filters | None = None,
    hidden: Sequence[tuple[str, int]] = (),
    any_word: bool = False,
    limit: int = 20,
    offset: int = 0,
) -> tuple[list[Hit], int]:
    """The best entries holding every word (or any, for related documents), and how many
    there are in all. `hidden` are (source, id) pairs the caller may not see."""
    words = [w for w in words if w]
    if not words:
        return [], 0
    clauses, params = _where(filters or Filters(), hidden)
    extra = "".join(f" AND {c}" for c in clauses)
    if connection.vendor == "sqlite":
        joiner = " OR " if any_word else " "
        expression = joiner.join(f'"{w}"' for w in words)
        base = (
            "FROM library_fts JOIN library_searchentry e ON e.id = library_fts.rowid "
            f"WHERE library_fts MATCH %s{extra}"
        )
        query_params: list[Any] = [expression, *params]
        rank = "-bm25(library_fts, 4.0, 1.0)"
    else:
        joiner = " | " if any_word else " & "
        expression = joiner.join(words)
        base = f"FROM library_searchentry e WHERE e.tsv @@ to_tsquery('simple', %s){extra}"
        query_params = [expression, *params]
        rank = "ts_rank_cd(e.tsv, to_tsquery('simple', %s), 1)"
    order = "ORDER BY score DESC, e.issued DESC NULLS LAST, e.id DESC LIMIT %s OFFSET %s"
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":  # bm25() cannot sit beside a window function
            cursor.execute(f"SELECT COUNT(*) {base}", query_params)
            total = int(cursor.fetchone()[0])
            cursor.execute(
                f"SELECT e.id, {rank} AS score {base} {order}",
                [*query_params, limit, offset],
            )
            return [Hit(int(row[0]), float(row[1])) for row in cursor.fetchall()], total
        # PostgreSQL: one pass, the window count riding along with the ranked page.
        cursor.execute(
            f"SELECT e.id, {rank} AS score, COUNT(*) OVER () {base} {order}",
            [expression, *query_params, limit, offset],
        )
        rows = cursor.fetchall()
        if rows:
            total = int(rows[0][2])
        else:
            cursor.execute(f"SELECT COUNT(*) {base}", query_params)
            total = int(cursor.fetchone()[0])
    return [Hit(int(row[0]), float(row[1])) for row in rows], total
