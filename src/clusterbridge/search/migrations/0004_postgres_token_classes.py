"""PostgreSQL: which column class (title, text, taxonomy) holds each token, as plain lexemes.

In-memory search (see `search.memory`) asks the index per token which documents hold it in their
title, text or taxonomy columns. Weight-restricted tsqueries (`tok:A`) make GIN recheck every
row, unpacking its tsvector: 250 ms for a common token at 100,000 documents. Lexemes tagged with
their class (`a/tok`) are answered from the GIN index alone. The table also keeps its wide
tsvectors out of line (`toast_tuple_target`), so that visiting matched rows for their ids reads
a narrow heap (11 MB instead of 129 MB at 100,000 documents).
"""

from typing import Any

from django.db import migrations

# As `backends.CLASSES_SQL` wrote them when this migration was made.
CLASSES_SQL = (
    "array_to_tsvector(ARRAY(SELECT DISTINCT k.class || '/' || t"
    " FROM (VALUES ('a', {a}), ('b', {b}), ('c', {c})) AS k(class, tokens),"
    " unnest(string_to_array(k.tokens, ' ')) AS t WHERE t <> ''))"
)
POSTGRES_FORWARD = [
    "ALTER TABLE search_pg SET (toast_tuple_target = 128)",
    # Titles stay in the row: suggestions recheck them for every trigram match.
    "ALTER TABLE search_pg ALTER COLUMN title_folded SET STORAGE PLAIN",
    "ALTER TABLE search_pg ADD COLUMN classes tsvector NOT NULL DEFAULT ''::tsvector",
    # Existing rows: from the documents' analysed tokens (a reindex writes the same).
    "UPDATE search_pg SET classes = "  # noqa: S608
    + CLASSES_SQL.format(a="d.tokens_a", b="d.tokens_b", c="d.tokens_c")
    + " FROM search_searchdocument d WHERE d.id = search_pg.document_id",
    "CREATE INDEX search_pg_classes ON search_pg USING gin (classes)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS search_pg_classes",
    "ALTER TABLE search_pg DROP COLUMN IF EXISTS classes",
    "ALTER TABLE search_pg ALTER COLUMN title_folded SET STORAGE EXTENDED",
    "ALTER TABLE search_pg RESET (toast_tuple_target)",
]


def _run(statements: list[str]) -> Any:
    def run(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0003_version_indexes")]

    operations = [migrations.RunPython(_run(POSTGRES_FORWARD), _run(POSTGRES_BACKWARD))]
