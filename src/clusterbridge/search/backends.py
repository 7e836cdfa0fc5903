"""The two full-text backends behind one contract: SQLite FTS5 and PostgreSQL tsvector/GIN.

Both receive the same analysed tokens (see `analysis`), so they agree on what matches; each ranks
with its own engine (BM25 in FTS5, ts_rank_cd in PostgreSQL), weighting titles above text above
taxonomy expansions.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from django.db import connection, transaction

from clusterbridge.search.analysis import Analyzer, fold, words
from clusterbridge.search.query import (
    FTS_COLUMNS,
    ParsedQuery,
    rank_tokens,
    to_fts5,
    to_tsqueries,
)
from clusterbridge.search.types import IndexDocument


@dataclass(frozen=True)
class IndexRow:
    document_id: int
    tokens_a: str
    tokens_b: str
    tokens_c: str
    words: str
    title_folded: str


def document_row(document_id: int, doc: IndexDocument, analyzer: Analyzer) -> IndexRow:
    by_weight: dict[str, list[str]] = {"A": [doc.title], "B": [], "C": []}
    for piece in doc.texts:
        by_weight[piece.weight].append(piece.text)
    all_words = words(" ".join(by_weight["A"] + by_weight["B"] + by_weight["C"]))
    # Each text is analysed on its own: a taxonomy phrase does not run from one text into the
    # next, and short texts that many documents share are analysed once.
    return IndexRow(
        document_id=document_id,
        tokens_a=" ".join(analyzer.text_tokens(by_weight["A"])),
        tokens_b=" ".join(analyzer.text_tokens(by_weight["B"])),
        tokens_c=" ".join(analyzer.text_tokens(by_weight["C"])),
        words=" ".join(all_words),
        title_folded=fold(doc.title),
    )


class Backend(Protocol):
    vendor: str

    def write(self, rows: Sequence[IndexRow]) -> None:
        """Adds or replaces the rows' documents."""
        ...

    def insert(self, rows: Sequence[IndexRow]) -> None:
        """Adds documents that are not in the full-text index (a rebuild)."""
        ...

    def delete(self, ids: Sequence[int]) -> None: ...

    def clear(self) -> None: ...

    def match_sql(
        self, query: ParsedQuery, *, scored: bool = True, within: Sequence[int] | None = None
    ) -> tuple[str, list[object]]:
        """SQL selecting `id` and `score` (higher is better) of the matching documents; `id`
        alone when not `scored` (counting needs no ranking). With `within`, only those
        documents, and only they are scored."""
        ...

    def suggest_sql(self, folded: str) -> tuple[str, list[object]]:
        """SQL selecting `id` of documents whose folded title contains `folded`."""
        ...

    def tidy(self) -> None:
        """After a full rebuild: makes the new index quick to read."""
        ...

    def token_postings_sql(self, token: str) -> tuple[str, list[object]]:
        """SQL selecting one row of two comma-separated id lists (NULL for none): the documents
        holding the analysed token in their title, text or taxonomy, and those holding it in
        their title."""
        ...

    def words_postings_sql(self, text: str, *, prefix: bool) -> tuple[str, list[object]]:
        """SQL selecting one row: the comma-separated ids of the documents whose words hold the
        phrase `text` (words separated by spaces), or a word starting with it (`prefix`)."""
        ...


def _placeholders(values: Sequence[object]) -> str:
    return ", ".join(["%s"] * len(values))


class SqliteBackend:
    vendor = "sqlite"

    def write(self, rows: Sequence[IndexRow]) -> None:
        if not rows:
            return
        self.delete([row.document_id for row in rows])
        self.insert(rows)

    def insert(self, rows: Sequence[IndexRow]) -> None:
        with connection.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO search_fts (rowid, tokens_a, tokens_b, tokens_c, words) "
                "VALUES (%s, %s, %s, %s, %s)",
                [(r.document_id, r.tokens_a, r.tokens_b, r.tokens_c, r.words) for r in rows],
            )
            cursor.executemany(
                "INSERT INTO search_title_trigram (rowid, title) VALUES (%s, %s)",
                [(r.document_id, r.title_folded) for r in rows],
            )

    def delete(self, ids: Sequence[int]) -> None:
        with connection.cursor() as cursor:
            for start in range(0, len(ids), 500):
                chunk = list(ids[start : start + 500])
                marks = _placeholders(chunk)
                cursor.execute(f"DELETE FROM search_fts WHERE rowid IN ({marks})", chunk)  # noqa: S608
                cursor.execute(
                    f"DELETE FROM search_title_trigram WHERE rowid IN ({marks})",  # noqa: S608
                    chunk,
                )

    def clear(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM search_fts")
            cursor.execute("DELETE FROM search_title_trigram")

    def match_sql(
        self, query: ParsedQuery, *, scored: bool = True, within: Sequence[int] | None = None
    ) -> tuple[str, list[object]]:
        # bm25() is lower for better matches; weights: title, text, taxonomy, words.
        columns = (
            "rowid AS id, -bm25(search_fts, 10.0, 3.0, 1.5, 0.5) AS score"
            if scored
            else ("rowid AS id")
        )
        sql = f"SELECT {columns} FROM search_fts WHERE search_fts MATCH %s"  # noqa: S608
        params: list[object] = [to_fts5(query)]
        if within is not None:
            # The unary + keeps FTS5 from taking the ids as a rowid lookup, which would run the
            # whole match once per id; tested per matching row instead, bm25 runs only for them.
            sql += " AND +rowid IN (SELECT value FROM json_each(%s))"
            params.append(json.dumps(list(within)))
        return sql, params

    def suggest_sql(self, folded: str) -> tuple[str, list[object]]:
        if len(folded) >= 3:
            # The trigram tokenizer matches substrings of three characters or more.
            escaped = folded.replace('"', "")
            return (
                "SELECT rowid AS id FROM search_title_trigram WHERE search_title_trigram MATCH %s",
                [f'"{escaped}"'],
            )
        return (
            "SELECT rowid AS id FROM search_title_trigram WHERE title LIKE %s ESCAPE '\\'",
            [f"%{_like_escape(folded)}%"],
        )

    def tidy(self) -> None:
        # Bulk inserts leave many small segments; one merged segment is read per term.
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO search_fts (search_fts) VALUES ('optimize')")
            cursor.execute(
                "INSERT INTO search_title_trigram (search_title_trigram) VALUES ('optimize')"
            )

    def token_postings_sql(self, token: str) -> tuple[str, list[object]]:
        # Tokens are letters and digits only (see `query`); quoted, they are never syntax.
        one = "(SELECT group_concat(rowid) FROM search_fts WHERE search_fts MATCH %s)"
        return (
            f"SELECT {one}, {one}",
            [f'{FTS_COLUMNS} : "{token}"', f'tokens_a : "{token}"'],
        )

    def words_postings_sql(self, text: str, *, prefix: bool) -> tuple[str, list[object]]:
        return (
            "SELECT group_concat(rowid) FROM search_fts WHERE search_fts MATCH %s",
            [f'words : "{text}"{"*" if prefix else ""}'],
        )


# The columns of a search_pg row from the analysed texts of a row `a`, `b`, `c`, `words`.
_PG_COLUMNS = (
    "document_id,"
    " setweight(to_tsvector('simple', a), 'A')"
    " || setweight(to_tsvector('simple', b), 'B')"
    " || setweight(to_tsvector('simple', c), 'C'),"
    " to_tsvector('simple', words), title_folded, to_tsvector('simple', a)"
)


class PostgresBackend:
    vendor = "postgresql"

    def insert(self, rows: Sequence[IndexRow]) -> None:
        """COPY into a staging table, then one INSERT … SELECT computing every tsvector: far
        cheaper than a statement per row."""
        if not rows:
            return
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "CREATE TEMP TABLE IF NOT EXISTS search_pg_staging (document_id bigint, "
                "a text, b text, c text, words text, title_folded text) ON COMMIT DROP"
            )
            with cursor.cursor.copy(
                "COPY search_pg_staging (document_id, a, b, c, words, title_folded) FROM STDIN"
            ) as copy:
                for r in rows:
                    copy.write_row(
                        (r.document_id, r.tokens_a, r.tokens_b, r.tokens_c, r.words, r.title_folded)
                    )
            cursor.execute(
                "INSERT INTO search_pg (document_id, vector, words, title_folded, title)"  # noqa: S608
                f" SELECT {_PG_COLUMNS} FROM search_pg_staging"
            )
            cursor.execute("TRUNCATE search_pg_staging")

    def write(self, rows: Sequence[IndexRow]) -> None:
        if not rows:
            return
        with connection.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO search_pg (document_id, vector, words, title_folded, title)"  # noqa: S608
                f" SELECT {_PG_COLUMNS} FROM (VALUES (%s::bigint, %s, %s, %s, %s, %s))"
                " AS s(document_id, a, b, c, words, title_folded)"
                " ON CONFLICT (document_id) DO UPDATE SET"
                " vector = EXCLUDED.vector, words = EXCLUDED.words,"
                " title_folded = EXCLUDED.title_folded, title = EXCLUDED.title",
                [
                    (r.document_id, r.tokens_a, r.tokens_b, r.tokens_c, r.words, r.title_folded)
                    for r in rows
                ],
            )

    def delete(self, ids: Sequence[int]) -> None:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM search_pg WHERE document_id = ANY(%s)", [list(ids)])

    def clear(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE search_pg")

    def match_sql(
        self, query: ParsedQuery, *, scored: bool = True, within: Sequence[int] | None = None
    ) -> tuple[str, list[object]]:
        conditions: list[str] = []
        params: list[object] = []
        for condition in to_tsqueries(query):
            parts = []
            if condition.vector_query:
                parts.append("p.vector @@ to_tsquery('simple', %s)")
                params.append(condition.vector_query)
            if condition.words_query:
                parts.append("p.words @@ to_tsquery('simple', %s)")
                params.append(condition.words_query)
            conditions.append("(" + " OR ".join(parts) + ")")
        tokens = rank_tokens(query) if scored else []
        rank_query = " | ".join(tokens) if tokens else ""
        # Weights for D, C, B, A: taxonomy expansions count least, titles most.
        score = (
            "ts_rank_cd('{0.1, 0.25, 0.5, 1.0}', p.vector, to_tsquery('simple', %s), 1)"
            if rank_query
            else "0.0"
        )
        columns = f"p.document_id AS id, {score} AS score" if scored else "p.document_id AS id"
        sql = (
            f"SELECT {columns} FROM search_pg p "  # noqa: S608
            f"WHERE ({(' OR ' if query.any_words else ' AND ').join(conditions) or 'TRUE'})"
        )
        if within is not None:
            sql += " AND p.document_id = ANY(%s)"
            params.append(list(within))
        return sql, ([rank_query] if rank_query else []) + params

    def suggest_sql(self, folded: str) -> tuple[str, list[object]]:
        # pg_trgm's GIN index serves LIKE '%…%' on the folded titles.
        return (
            "SELECT document_id AS id FROM search_pg WHERE title_folded LIKE %s ESCAPE '\\'",
            [f"%{_like_escape(folded)}%"],
        )

    def tidy(self) -> None:
        # GIN indexes collect bulk inserts in a pending list that every query then scans in
        # full until a vacuum merges it; merge it now, and give the planner fresh statistics.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT gin_clean_pending_list(i.indexrelid) FROM pg_index i"
                " JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am a ON a.oid = c.relam"
                " WHERE i.indrelid = 'search_pg'::regclass AND a.amname = 'gin'"
            )
            cursor.execute("ANALYZE search_pg")

    def token_postings_sql(self, token: str) -> tuple[str, list[object]]:
        # Both from GIN indexes alone: a weight-restricted tsquery (`tok:A`) would make GIN
        # recheck every row holding the token, unpacking its whole tsvector.
        one = (
            "(SELECT string_agg(document_id::text, ',') FROM search_pg"
            " WHERE {} @@ to_tsquery('simple', %s))"
        )
        return f"SELECT {one.format('vector')}, {one.format('title')}", [token, token]

    def words_postings_sql(self, text: str, *, prefix: bool) -> tuple[str, list[object]]:
        query = f"{text}:*" if prefix else " <-> ".join(text.split())
        return (
            "SELECT string_agg(document_id::text, ',') FROM search_pg"
            " WHERE words @@ to_tsquery('simple', %s)",
            [query],
        )


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def get_backend() -> Backend:
    if connection.vendor == "postgresql":
        return PostgresBackend()
    if connection.vendor == "sqlite":
        return SqliteBackend()
    raise RuntimeError(f"No search backend for the {connection.vendor} database")
