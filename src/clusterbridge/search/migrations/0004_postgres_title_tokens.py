"""PostgreSQL: the title's tokens in a tsvector of their own, and a narrow table.

In-memory search (see `search.memory`) asks the index per token which documents hold it, and
which hold it in their title. A weight-restricted tsquery (`tok:A`) would make GIN recheck every
row holding the token, unpacking its tsvector (250 ms for a common token at 100,000 documents);
a separate title tsvector is answered from its GIN index alone. The table also keeps its wide
tsvectors out of line (`toast_tuple_target`), so that visiting matched rows for their ids reads
a narrow heap (14 MB instead of 129 MB at 100,000 documents), while folded titles stay in the
row, as suggestions recheck them for every trigram match.
"""

from typing import Any

from django.db import migrations

POSTGRES_FORWARD = [
    "ALTER TABLE search_pg SET (toast_tuple_target = 128)",
    "ALTER TABLE search_pg ALTER COLUMN title_folded SET STORAGE PLAIN",
    "ALTER TABLE search_pg ADD COLUMN title tsvector NOT NULL DEFAULT ''::tsvector",
    # Existing rows, from the documents' analysed title tokens (a reindex writes the same).
    "UPDATE search_pg SET title = to_tsvector('simple', d.tokens_a)"
    " FROM search_searchdocument d WHERE d.id = search_pg.document_id",
    "CREATE INDEX search_pg_title ON search_pg USING gin (title)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS search_pg_title",
    "ALTER TABLE search_pg DROP COLUMN IF EXISTS title",
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
