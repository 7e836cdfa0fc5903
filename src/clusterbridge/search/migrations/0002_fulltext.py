"""The backend's own full-text structures over the analysed tokens.

SQLite: an FTS5 table (rowid = document id) and a trigram table over folded titles for
suggestions. PostgreSQL: a table of tsvectors with GIN indexes, and pg_trgm over folded titles.
Neither refers to the documents by a foreign key (test flushes truncate the Django tables alone);
the backends write and delete their rows together with the documents, and queries join on ids.
"""

from typing import Any

from django.db import migrations

SQLITE_CREATE = [
    "CREATE VIRTUAL TABLE search_fts USING fts5("
    "tokens_a, tokens_b, tokens_c, words, tokenize = 'unicode61 remove_diacritics 0')",
    "CREATE VIRTUAL TABLE search_title_trigram USING fts5(title, tokenize = 'trigram')",
]
SQLITE_DROP = ["DROP TABLE IF EXISTS search_fts", "DROP TABLE IF EXISTS search_title_trigram"]

POSTGRES_CREATE = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE TABLE search_pg ("
    " document_id bigint PRIMARY KEY,"
    " vector tsvector NOT NULL,"
    " words tsvector NOT NULL,"
    " title_folded text NOT NULL)",
    "CREATE INDEX search_pg_vector ON search_pg USING gin (vector)",
    "CREATE INDEX search_pg_words ON search_pg USING gin (words)",
    "CREATE INDEX search_pg_title_trgm ON search_pg USING gin (title_folded gin_trgm_ops)",
]
POSTGRES_DROP = ["DROP TABLE IF EXISTS search_pg"]


def _run(statements: dict[str, list[str]]) -> Any:
    def run(apps: Any, schema_editor: Any) -> None:
        for sql in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_CREATE, "postgresql": POSTGRES_CREATE}),
            _run({"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP}),
        )
    ]
