"""The full-text index over SearchEntry: an FTS5 table on SQLite (rowid = the entry's id), a
generated tsvector column with a GIN index on PostgreSQL. The statements are written out here,
not imported, so this migration never changes with the app code (kaifang/library/search.py
queries them)."""

from typing import Any

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

SETUP = {
    "sqlite": [
        "CREATE VIRTUAL TABLE IF NOT EXISTS library_fts USING fts5("
        "title, body, tokenize = 'unicode61 remove_diacritics 0')",
    ],
    "postgresql": [
        "ALTER TABLE library_searchentry ADD COLUMN IF NOT EXISTS tsv tsvector "
        "GENERATED ALWAYS AS (setweight(to_tsvector('simple', title_tokens), 'A') || "
        "to_tsvector('simple', tokens)) STORED",
        "CREATE INDEX IF NOT EXISTS library_searchentry_tsv ON library_searchentry USING gin (tsv)",
    ],
}
TEARDOWN = {
    "sqlite": ["DROP TABLE IF EXISTS library_fts"],
    "postgresql": [
        "DROP INDEX IF EXISTS library_searchentry_tsv",
        "ALTER TABLE library_searchentry DROP COLUMN IF EXISTS tsv",
    ],
}


def install(apps: Any, schema_editor: BaseDatabaseSchemaEditor) -> None:
    for sql in SETUP.get(schema_editor.connection.vendor, []):
        schema_editor.execute(sql)


def uninstall(apps: Any, schema_editor: BaseDatabaseSchemaEditor) -> None:
    for sql in TEARDOWN.get(schema_editor.connection.vendor, []):
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("library", "0001_documents_and_matching")]

    operations = [migrations.RunPython(install, uninstall)]
