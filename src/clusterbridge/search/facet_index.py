"""The facet values of every document in memory, for filtering and counting large matched sets.

At 100,000 documents a query like "technology" matches tens of thousands of them; testing three
filter groups and counting eight facets over those in SQL costs a probe of the facet table per
document and group (hundreds of milliseconds). Here each facet value's documents are a numpy
array of row positions, so a filter group is one boolean mask and the counts of every facet are
one `bincount`: a few milliseconds at that size.

Each process builds its copy from `search_searchfacetvalue` (about 1 s at 100,000 documents)
and rebuilds it when the index changes; large indexes trust their copy for a few seconds between
version checks (see `IndexVersion`), so another process's write shows within seconds. Small
indexes never use it: SQL is fast enough there and always current.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.db import connection, transaction

# From this many documents searches filter and count facets in memory.
IN_MEMORY_FROM = 20_000
RECHECK_SECONDS = 5.0
# Counting tests every posting once more than 1/DENSE_FROM of the documents are counted.
DENSE_FROM = 8


@contextmanager
def full_text_cursor() -> Iterator[Any]:
    """A cursor for statements that read the full-text index."""
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            yield cursor
        return
    # A broad match (a third of the documents) makes the planner choose a sequential scan
    # that evaluates the tsquery on every row, unpacking each tsvector: 500 ms at 100,000
    # documents, against 100 ms for the GIN index's bitmap scan.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        yield cursor
        # Inside an outer transaction (a request's, a test's) the setting would outlive these
        # statements: put it back (a failed statement rolls the savepoint and it back).
        cursor.execute("SET LOCAL enable_seqscan TO DEFAULT")


def full_text_row(sql: str, params: Sequence[Any]) -> tuple[Any, ...] | None:
    """The one row of a statement that reads the full-text index."""
    with full_text_cursor() as cursor:
        cursor.execute(sql, list(params))
        row = cursor.fetchone()
    return tuple(row) if row else None


def id_list_sql(sql: str, column: str = "id", order: str = "") -> str:
    """SQL aggregating the `column` of `sql`'s rows into one comma-separated string, which
    travels many times cheaper than a row per id; `order`: in that order (else any)."""
    order_by = f" ORDER BY {order}" if order else ""
    if connection.vendor == "postgresql":
        return f"SELECT string_agg({column}::text, ','{order_by}) FROM ({sql}) AS ids"  # noqa: S608
    if order:
        sql = f"SELECT * FROM ({sql}) {order_by}"  # noqa: S608
    return f"SELECT group_concat({column}) FROM ({sql})"  # noqa: S608


def parse_ids(text: str | None, *, ordered: bool = False) -> np.ndarray:
    """Comma-separated ids as an int64 array: sorted and unique, unless `ordered` (then as
    given)."""
    if not text:
        return np.empty(0, dtype=np.int64)
    values = np.fromstring(text, dtype=np.int64, sep=",")
    if ordered or values.size < 2 or bool(np.all(values[1:] > values[:-1])):
        return values  # SQLite's full-text index yields ids ascending already
    values.sort()
    return values[np.concatenate(([True], values[1:] != values[:-1]))]


def ids_array(sql: str, params: Sequence[Any]) -> np.ndarray:
    """The ids selected by `sql` (one column `id`) as a sorted int64 array."""
    row = full_text_row(id_list_sql(sql), params)
    return parse_ids(row[0] if row else None)


# Newest first; undated documents last.
NEWEST_ORDER = "(published_at IS NULL), published_at DESC, id"


def _ranks(ids: np.ndarray, order: str) -> np.ndarray:
    """Each row's place among the documents in `order` (sorting by it is then numpy's)."""
    row = full_text_row(
        id_list_sql("SELECT id, title_sort, published_at FROM search_searchdocument", order=order),
        [],
    )
    ordered = parse_ids(row[0] if row else None, ordered=True)
    ranks = np.full(ids.size, ids.size, dtype=np.int64)  # documents newer than `ids`: last
    positions = np.searchsorted(ids, ordered)
    inside = positions < ids.size
    positions, ordered = positions[inside], ordered[inside]
    known = ids[positions] == ordered
    ranks[positions[known]] = np.flatnonzero(inside)[known]
    return ranks


class IndexVersion:
    """A version key of the index, compared at most every few seconds once the index is large
    (the count and latest update cost a scan there), and at once after this process wrote."""

    def __init__(self, compute: Callable[[], tuple[int, Hashable]]) -> None:
        self._compute = compute
        self._checked: tuple[float, int, int, Hashable] | None = None  # when, changes, size, key
        self._changes = 0
        self._lock = threading.Lock()

    def changed(self) -> None:
        with self._lock:
            self._changes += 1

    def get(self) -> tuple[int, Hashable]:
        """(number of documents, version key)."""
        checked, now = self._checked, time.monotonic()
        if (
            checked is not None
            and checked[2] >= IN_MEMORY_FROM
            and checked[1] == self._changes
            and now - checked[0] < RECHECK_SECONDS
        ):
            return checked[2], checked[3]
        changes = self._changes
        size, key = self._compute()
        self._checked = (now, changes, size, key)
        return size, key

    def forget(self) -> None:
        self._checked = None


def _documents_version() -> tuple[int, Hashable]:
    # Separate subqueries, so that each can be answered from an index (one statement with
    # several aggregates would scan the table).
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (SELECT COUNT(*) FROM search_searchdocument), "
            "(SELECT MAX(indexed_at) FROM search_searchdocument), "
            "(SELECT MAX(id) FROM search_searchdocument)"
        )
        count, latest, last = cursor.fetchone()
    return int(count), (int(count), str(latest), last)


version = IndexVersion(_documents_version)


@dataclass(frozen=True)
class FacetIndex:
    ids: np.ndarray  # sorted document ids; a document's row is its position here
    values: list[tuple[str, str]]  # (facet, value) of each code
    codes: dict[tuple[str, str], int]
    value_rows: list[np.ndarray]  # code -> ascending rows of the documents with that value
    facet_codes: dict[str, np.ndarray]  # facet -> its codes
    starts: np.ndarray  # row -> first entry of its codes in `entry_codes` (len rows + 1)
    entry_codes: np.ndarray  # the codes of every row, row after row
    value_entries: np.ndarray  # the rows of every code's posting, code after code
    value_bounds: np.ndarray  # code -> first entry of its posting in `value_entries` (+ end)
    name_rank: np.ndarray  # row -> its place when sorted by name
    newest_rank: np.ndarray  # row -> its place when sorted newest first
    # What searches keep of the full-text index for this version (see `memory`).
    postings: dict[Hashable, Any] = field(default_factory=dict, compare=False, repr=False)
    lock: threading.Lock = field(default_factory=threading.Lock, compare=False, repr=False)

    def __len__(self) -> int:
        return int(self.ids.size)

    @classmethod
    def load(cls) -> FacetIndex:
        ids = ids_array("SELECT id FROM search_searchdocument", [])
        if connection.vendor == "postgresql":
            aggregate = "string_agg(document_id::text, ',')"
        else:
            aggregate = "group_concat(document_id)"
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT facet, value, {aggregate} FROM search_searchfacetvalue "  # noqa: S608
                "GROUP BY facet, value ORDER BY facet, value"
            )
            rows = cursor.fetchall()
        values: list[tuple[str, str]] = []
        postings: list[np.ndarray] = []
        for facet, value, members in rows:
            document_ids = np.array(str(members).split(","), dtype=np.int64)
            positions = np.searchsorted(ids, document_ids)
            positions = positions[positions < ids.size]
            known = positions[ids[positions] == document_ids[: positions.size]]
            values.append((str(facet), str(value)))
            postings.append(np.unique(known))
        sizes = np.array([p.size for p in postings], dtype=np.int64)
        all_rows = np.concatenate(postings) if postings else np.empty(0, dtype=np.int64)
        all_codes = np.repeat(np.arange(len(postings), dtype=np.int32), sizes)
        order = np.argsort(all_rows, kind="stable")
        entry_codes = all_codes[order]
        starts = np.zeros(ids.size + 1, dtype=np.int64)
        np.cumsum(np.bincount(all_rows, minlength=ids.size), out=starts[1:])
        facet_codes: dict[str, list[int]] = {}
        for code, (facet, _value) in enumerate(values):
            facet_codes.setdefault(facet, []).append(code)
        return cls(
            ids=ids,
            values=values,
            codes={pair: code for code, pair in enumerate(values)},
            value_rows=postings,
            facet_codes={f: np.array(c, dtype=np.int64) for f, c in facet_codes.items()},
            starts=starts,
            entry_codes=entry_codes,
            value_entries=all_rows,
            value_bounds=np.concatenate(([0], np.cumsum(sizes))).astype(np.int64),
            name_rank=_ranks(ids, "title_sort, id"),
            newest_rank=_ranks(ids, NEWEST_ORDER),
        )

    def rows_of(self, document_ids: np.ndarray) -> np.ndarray:
        """Rows of the given ids (ids this copy does not know yet are left out)."""
        if document_ids.size == 0 or self.ids.size == 0:
            return np.empty(0, dtype=np.int64)
        rows = np.searchsorted(self.ids, document_ids)
        inside = rows < self.ids.size
        rows, document_ids = rows[inside], document_ids[inside]
        return rows[self.ids[rows] == document_ids]

    def mask(self, facet: str, values: Sequence[str]) -> np.ndarray:
        """Over all rows: has one of the values."""
        result = np.zeros(self.ids.size, dtype=bool)
        for value in values:
            code = self.codes.get((facet, value))
            if code is not None:
                result[self.value_rows[code]] = True
        return result

    def within(self, groups: Sequence[tuple[str, Sequence[str]]]) -> np.ndarray:
        """Ids of the documents meeting every group."""
        keep = np.ones(self.ids.size, dtype=bool)
        for facet, values in groups:
            keep &= self.mask(facet, values)
        return self.ids[keep]

    def count(
        self, rows: np.ndarray, groups: Sequence[tuple[str, Sequence[str]]]
    ) -> tuple[np.ndarray, dict[str, list[tuple[str, int]]]]:
        """The rows meeting every group, and the facet counts over `rows` in which each facet
        ignores its own group (a value counts for a row that meets every other group)."""
        n = len(groups)
        flags = np.zeros((max(n, 1), rows.size), dtype=np.int8)
        for index, (facet, values) in enumerate(groups):
            flags[index] = self.mask(facet, values)[rows]
        met = flags[:n].sum(axis=0, dtype=np.int16) if n else np.zeros(rows.size, np.int16)
        matching = rows[met == n]
        # Only rows missing at most one group count for any facet.
        candidates = np.flatnonzero(met >= n - 1)
        if candidates.size > len(self) // DENSE_FROM:
            return matching, self._count_dense(rows, groups)
        counted_rows = rows[candidates]
        lengths = self.starts[counted_rows + 1] - self.starts[counted_rows]
        owner = np.repeat(np.arange(candidates.size), lengths)
        offsets = np.arange(int(lengths.sum())) - np.repeat(np.cumsum(lengths) - lengths, lengths)
        entries = self.entry_codes[np.repeat(self.starts[counted_rows], lengths) + offsets]
        group_of_code = np.full(len(self.values), -1, dtype=np.int64)
        for index, (facet, _values) in enumerate(groups):
            if facet in self.facet_codes:
                group_of_code[self.facet_codes[facet]] = index
        entry_group = group_of_code[entries]
        entry_met = met[candidates][owner]
        own = np.where(
            entry_group >= 0,
            flags[np.clip(entry_group, 0, None), candidates[owner]],
            0,
        )
        counted = entries[(entry_met - own) == (n - (entry_group >= 0))]
        return matching, self._counts_of(np.bincount(counted, minlength=len(self.values)))

    def _count_dense(
        self, rows: np.ndarray, groups: Sequence[tuple[str, Sequence[str]]]
    ) -> dict[str, list[tuple[str, int]]]:
        """`count` for many rows: every posting is tested against a mask of the rows counted
        for its facet, which costs the same whatever the number of rows."""
        n = len(groups)
        counted = np.zeros(len(self), dtype=bool)
        counted[rows] = True
        masks = [self.mask(facet, values) for facet, values in groups]
        met = np.zeros(len(self), dtype=np.int8)
        for mask in masks:
            met += mask
        within = counted & (met == n)
        hits = within[self.value_entries]
        for mask, (facet, _values) in zip(masks, groups, strict=True):
            codes = self.facet_codes.get(facet)
            if codes is None:
                continue
            start, end = self.value_bounds[codes.min()], self.value_bounds[codes.max() + 1]
            # A value of a chosen facet counts for the rows meeting every other group.
            others = counted & ((met - mask) == n - 1)
            hits[start:end] = others[self.value_entries[start:end]]
        running = np.concatenate(([0], np.cumsum(hits, dtype=np.int64)))
        return self._counts_of(running[self.value_bounds[1:]] - running[self.value_bounds[:-1]])

    def _counts_of(self, totals: np.ndarray) -> dict[str, list[tuple[str, int]]]:
        result: dict[str, list[tuple[str, int]]] = {}
        for code in np.flatnonzero(totals):
            facet, value = self.values[code]
            result.setdefault(facet, []).append((value, int(totals[code])))
        return result


_lock = threading.Lock()
_entry: tuple[Hashable, FacetIndex] | None = None


def facet_index_get() -> FacetIndex | None:
    """This process's copy for a large index; None for a small one (use SQL there)."""
    global _entry
    size, key = version.get()
    if size < IN_MEMORY_FROM:
        return None
    entry = _entry
    if entry is not None and entry[0] == key:
        return entry[1]
    if entry is not None and not _lock.acquire(blocking=False):
        return entry[1]  # another thread is rebuilding: use the previous copy meanwhile
    if entry is None:
        _lock.acquire()
    try:
        entry = _entry
        if entry is not None and entry[0] == key:
            return entry[1]
        index = FacetIndex.load()
        _entry = (key, index)
        return index
    finally:
        _lock.release()


def forget() -> None:
    """Drops this process's copy and version (after a write, or between tests)."""
    global _entry
    _entry = None
    version.forget()
