"""Reading the search index: one query across every registered domain, with facets.

Lexical matches come from the backend; semantic neighbours come from the embedder; the two
rankings are blended by reciprocal rank fusion. Facet counts are disjunctive: the counts of one
facet ignore that facet's own selection, so unchosen values keep showing what choosing them adds.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any, Literal

import numpy as np
from django.db import connection
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from clusterbridge.search import memory as in_memory
from clusterbridge.search import registry
from clusterbridge.search.analysis import fold, words
from clusterbridge.search.backends import get_backend
from clusterbridge.search.facet_index import (
    FacetIndex,
    facet_index_get,
    full_text_cursor,
    full_text_row,
    id_list_sql,
    parse_ids,
)
from clusterbridge.search.floor import floor_ids
from clusterbridge.search.models import SearchDocument, SearchWord
from clusterbridge.search.query import ParsedQuery, clean, parse
from clusterbridge.search.services import analyzer_get

Sort = Literal["relevance", "name", "newest"]
Mode = Literal["blend", "lexical"]
SORTS: tuple[str, ...] = ("relevance", "name", "newest")
SEMANTIC_CANDIDATES = 50
# Cosine similarity from which a semantic neighbour counts as a hit of its own (calibrated on
# the relevance set; below it, neighbours only reorder lexical hits).
SEMANTIC_THRESHOLD = 0.42
MAX_PAGE_SIZE = 100
MAX_PAGE = 10_000
SEMANTIC_MIN_WORDS = 3
_VALUE_RE = re.compile(r"^[\w.:+-]{1,120}$")


class SearchInputError(ValueError):
    """A parameter the search cannot use; `field` names it."""

    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(message)
        self.field = field_name
        self.message = message


@dataclass(frozen=True)
class SearchRequest:
    q: str = ""
    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)
    sort: Sort = "relevance"
    page: int = 1
    page_size: int = 20
    mode: Mode = "blend"
    # The last word also matches as a prefix unless followed by a space: search as you type.
    as_you_type: bool = True


@dataclass(frozen=True)
class Hit:
    document_id: int
    doc_type: str
    object_id: int
    title: str
    url_path: str
    snippet: SafeString
    score: float
    matched_by: str  # "words", "meaning" or "both"
    facets: dict[str, list[str]]


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool


@dataclass(frozen=True)
class Facet:
    name: str
    label: str
    values: list[FacetValue]


@dataclass
class SearchResults:
    request: SearchRequest
    query: ParsedQuery
    hits: list[Hit]
    total: int
    facets: list[Facet]
    notice: str = ""

    @property
    def first_number(self) -> int:
        return (self.request.page - 1) * self.request.page_size + 1

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.request.page_size))


def facet_names() -> list[str]:
    names = ["type"]
    for spec in registry.specs():
        names.extend(f.name for f in spec.facets if f.name not in names)
    return names


def _facet_display() -> dict[str, tuple[str, Callable[[str], str]]]:
    """Facet name → (label, value formatter)."""
    display: dict[str, tuple[str, Callable[[str], str]]] = {
        "type": (
            _("Type"),
            lambda value: (
                str(registry.spec_for(value).label)
                if value in {s.doc_type for s in registry.specs()}
                else value
            ),
        )
    }
    for spec in registry.specs():
        for facet in spec.facets:
            display.setdefault(facet.name, (str(facet.label), facet.display))
    return display


def validate(request: SearchRequest) -> SearchRequest:
    known = set(facet_names())
    for name, values in request.filters.items():
        if name not in known:
            raise SearchInputError(name, _("Unknown filter “%(name)s”.") % {"name": name[:40]})
        for value in values:
            if not _VALUE_RE.fullmatch(value):
                raise SearchInputError(
                    name, _("“%(value)s” is not a valid value.") % {"value": value[:40]}
                )
    if request.sort not in SORTS:
        raise SearchInputError("sort", _("Sort by relevance, name or newest."))
    if request.page < 1:
        raise SearchInputError("page", _("Pages are counted from 1."))
    if request.page > MAX_PAGE:
        # Deeper pages are never read, and their offset would overflow the database's integers.
        raise SearchInputError("page", _("There are at most %(max)s pages.") % {"max": MAX_PAGE})
    if not 1 <= request.page_size <= MAX_PAGE_SIZE:
        raise SearchInputError(
            "page_size", _("Page size must be between 1 and %(max)s.") % {"max": MAX_PAGE_SIZE}
        )
    return request


def known_words(candidates: Iterable[str]) -> set[str]:
    values = sorted(set(candidates))
    found: set[str] = set()
    for start in range(0, len(values), 900):
        found.update(
            SearchWord.objects.filter(word__in=values[start : start + 900]).values_list(
                "word", flat=True
            )
        )
    return found


def _fetch(sql: str, params: Sequence[Any], *, full_text: bool = False) -> list[tuple[Any, ...]]:
    """Rows of a statement. `full_text`: it matches the full-text index, which PostgreSQL
    should always read through its GIN index (see `facet_index.full_text_cursor`)."""
    with full_text_cursor() if full_text else connection.cursor() as cursor:
        cursor.execute(sql, list(params))
        return list(cursor.fetchall())


# --- SQL building blocks ------------------------------------------------------------------------
#
# A search runs as a few statements over the matched set, which never leaves the database: the
# ranking (the page's ids, or the head that semantic ranks are fused with) and, in one statement,
# the total and every facet's counts. Filters are tested per matched document through the
# (document, facet, value) index, so their cost follows the matches, not the size of a facet
# value's posting (Germany alone is almost half of all documents).

_FACETS = "search_searchfacetvalue"


def _groups(filters: dict[str, tuple[str, ...]]) -> list[tuple[str, tuple[str, ...]]]:
    return [(name, tuple(values)) for name, values in sorted(filters.items()) if values]


def _has_sql(column: str, name: str, values: Sequence[str]) -> tuple[str, list[object]]:
    """A condition: the document in `column` has one of the values of the facet `name`."""
    marks = ", ".join(["%s"] * len(values))
    return (
        f"EXISTS (SELECT 1 FROM {_FACETS} x WHERE x.document_id = {column} "  # noqa: S608
        f"AND x.facet = %s AND x.value IN ({marks}))",
        [name, *values],
    )


def _filter_sql(
    filters: dict[str, tuple[str, ...]], *, column: str, skip: str | None = None
) -> tuple[str, list[object]]:
    clauses: list[str] = []
    params: list[object] = []
    for name, values in _groups(filters):
        if name == skip:
            continue
        clause, clause_params = _has_sql(column, name, values)
        clauses.append(clause)
        params.extend(clause_params)
    return (" AND ".join(clauses), params)


def _ids_sql(ids: Sequence[int]) -> tuple[str, list[object]]:
    """SQL selecting `id` from a list of ids given as one parameter."""
    if connection.vendor == "postgresql":
        return "SELECT unnest(%s::bigint[]) AS id", [list(ids)]
    return "SELECT value AS id FROM json_each(%s)", [json.dumps(list(ids))]


def _lexical(
    query: ParsedQuery,
    filters: dict[str, tuple[str, ...]],
    *,
    limit: int,
    sort: Sort,
    within: Sequence[int] | None = None,
) -> list[int]:
    """The first `limit` ids of the filtered matches, in the order asked for. With `within`
    (the matches within the filters, known already), the filters are not tested again."""
    match_sql, match_params = get_backend().match_sql(query, within=within)
    where, params = ("", []) if within is not None else _filter_sql(filters, column="m.id")
    if sort == "relevance":
        join, order = "", "m.score DESC, m.id"
    else:
        join = "JOIN search_searchdocument d ON d.id = m.id"
        order = "d.title_sort, d.id" if sort == "name" else _NEWEST_ORDER
    # MATERIALIZED makes the full-text match run once, before the filters are tested on its
    # rows (inlined, a planner may drive from the facet table and re-run the match per row).
    sql = (
        f"WITH m AS MATERIALIZED ({match_sql}) SELECT m.id FROM m {join} "  # noqa: S608
        f"{'WHERE ' + where if where else ''} ORDER BY {order} LIMIT {int(limit)}"
    )
    return [int(row[0]) for row in _fetch(sql, [*match_params, *params], full_text=True)]


_NEWEST_ORDER = "(d.published_at IS NULL), d.published_at DESC, d.id"


def _browse(filters: dict[str, tuple[str, ...]], *, limit: int, sort: Sort) -> list[int]:
    """No words: the first `limit` documents within the filters, by name or newest."""
    where, params = _filter_sql(filters, column="d.id")
    order = _NEWEST_ORDER if sort == "newest" else "d.title_sort, d.id"
    sql = (
        f"SELECT d.id FROM search_searchdocument d "  # noqa: S608
        f"{'WHERE ' + where if where else ''} ORDER BY {order} LIMIT {int(limit)}"
    )
    return [int(row[0]) for row in _fetch(sql, params)]


_posting_sizes: tuple[float, dict[tuple[str, str], int]] | None = None
POSTING_SIZES_SECONDS = 300.0


def _posting_size(name: str, values: Sequence[str]) -> int:
    """About how many documents have one of the values (refreshed every few minutes: it only
    chooses which filter drives a lookup, never what is found)."""
    global _posting_sizes
    now = time.monotonic()
    if _posting_sizes is None or now - _posting_sizes[0] > POSTING_SIZES_SECONDS:
        rows = _fetch(f"SELECT facet, value, COUNT(*) FROM {_FACETS} GROUP BY facet, value", [])  # noqa: S608
        _posting_sizes = (now, {(str(f), str(v)): int(c) for f, v, c in rows})
    sizes = _posting_sizes[1]
    return sum(sizes.get((name, value), 0) for value in values)


def _allowed_ids(
    filters: dict[str, tuple[str, ...]], index: FacetIndex | None = None
) -> list[int] | None:
    """Every document within the filters; in SQL, read from the smallest filter's postings and
    tested against the others."""
    groups = _groups(filters)
    if not groups:
        return None
    if index is not None:
        return [int(i) for i in index.within(groups)]
    groups.sort(key=lambda group: _posting_size(*group))
    (name, values), rest = groups[0], dict(groups[1:])
    marks = ", ".join(["%s"] * len(values))
    where, params = _filter_sql(rest, column="p.document_id")
    sql = (
        f"SELECT DISTINCT p.document_id FROM {_FACETS} p "  # noqa: S608
        f"WHERE p.facet = %s AND p.value IN ({marks}) {'AND ' + where if where else ''}"
    )
    return [int(row[0]) for row in _fetch(sql, [name, *values, *params])]


def _semantic(
    text: str, filters: dict[str, tuple[str, ...]], index: FacetIndex | None = None
) -> list[tuple[int, float]]:
    from clusterbridge.search.semantic_index import semantic_neighbours

    return semantic_neighbours(
        text, allowed_ids=_allowed_ids(filters, index), k=SEMANTIC_CANDIDATES
    )


@dataclass
class _Matches:
    """The matches of a query in the in-memory index: their rows, those within the filters,
    and the facet counts."""

    rows: Any
    within: Any
    counts: dict[str, list[tuple[str, int]]]


def _memory_matches(
    query: ParsedQuery,
    groups: Sequence[tuple[str, tuple[str, ...]]],
    index: FacetIndex,
    floored: np.ndarray | None = None,
) -> _Matches:
    """`floored`: the ids of the partial matches above the relevance floor, which replace the
    query's matches."""
    rows = in_memory.matches(query, index) if floored is None else index.rows_of(floored)
    within, counts = index.count(rows, groups)
    return _Matches(rows, within, counts)


def _partial_floor(query: ParsedQuery, index: FacetIndex | None, *, blend: bool) -> np.ndarray:
    """The ids of the documents holding some of the query's words (`query.any_words`) whose
    evidence clears the relevance floor (see `floor`), from the same per-word sets on both
    paths: the in-memory postings, or one statement over the full-text index."""
    if index is not None:
        clause_ids = [index.ids[mask] for mask in in_memory.clause_masks(query, index)]
        size = len(index)
    else:
        singles = [replace(query, clauses=(c,), phrases=(), any_words=False) for c in query.clauses]
        singles += [
            replace(query, clauses=(), phrases=(p,), any_words=False) for p in query.phrases
        ]
        parts: list[str] = []
        params: list[object] = []
        backend = get_backend()
        for single in singles:
            sql, single_params = backend.match_sql(single, scored=False)
            parts.append(f"({id_list_sql(sql)})")
            params.extend(single_params)
        parts.append("(SELECT COUNT(*) FROM search_searchdocument)")
        row = full_text_row("SELECT " + ", ".join(parts), params) or ()
        clause_ids = [parse_ids(text) for text in row[:-1]]
        size = int(row[-1]) if row else 0
    similarity = None
    if blend:
        from clusterbridge.search.semantic_index import semantic_similarities

        def similarity(ids: np.ndarray) -> np.ndarray:
            return semantic_similarities(query.text, ids)

    return floor_ids(clause_ids, size, similarity)


def search(request: SearchRequest) -> SearchResults:
    request = validate(request)
    analyzer = analyzer_get()
    query = parse(request.q, analyzer, known_words, as_you_type=request.as_you_type)
    index = facet_index_get()
    groups = _groups(request.filters)
    notice = ""
    matched_by: dict[int, str] = {}
    start = (request.page - 1) * request.page_size
    wanted = start + request.page_size
    meaning_only: list[int] = []
    memory: _Matches | None = None
    if query.is_empty:
        sort: Sort = "name" if request.sort == "relevance" else request.sort
        if index is None:
            ranked_ids = _browse(request.filters, limit=wanted, sort=sort)
        else:
            rows = np.arange(len(index))
            memory = _Matches(rows, *index.count(rows, groups))
            ranked_ids = in_memory.ranked(query, index, memory.within, sort=sort, limit=wanted)
    else:
        sort = request.sort
        blend = request.mode == "blend"
        # Blending fuses the lexical head with the semantic neighbours; the page may then also
        # hold lexical hits from below that head, pushed down by the neighbours.
        limit = max(FUSED_HEAD, wanted) + SEMANTIC_CANDIDATES if blend else wanted

        def rank(query: ParsedQuery) -> list[int]:
            nonlocal memory
            if index is None:
                within: list[int] | None = None
                if floored is not None:
                    allowed = _allowed_ids(request.filters)
                    kept = floored if allowed is None else np.intersect1d(floored, allowed)
                    within = [int(i) for i in kept]
                return _lexical(query, request.filters, limit=limit, sort=sort, within=within)
            memory = _memory_matches(query, groups, index, floored)
            return in_memory.ranked(query, index, memory.within, sort=sort, limit=limit)

        floored: np.ndarray | None = None
        ranking = rank(query)
        if not ranking and len(query.clauses) > 1:
            # Documents with some of the words: only those above the relevance floor.
            query = replace(query, any_words=True)
            floored = _partial_floor(query, index, blend=blend)
            ranking = rank(query)
            if ranking:
                notice = _("No result contains all the words; showing results with some of them.")
        for doc_id in ranking:
            matched_by[doc_id] = "words"
        # Meaning helps with descriptive queries and where words find little; a short keyword
        # query that matches well is answered by the words alone (embedding a query costs
        # about 50 ms).
        content_words = len(query.clauses) + sum(len(p) for p in query.phrases)
        if blend and (content_words >= SEMANTIC_MIN_WORDS or len(ranking) < request.page_size):
            semantic = _semantic(query.text, request.filters, index)
            from clusterbridge.search.semantic import reciprocal_rank_fusion

            strong = [doc_id for doc_id, score in semantic if score >= SEMANTIC_THRESHOLD]
            for doc_id in strong:
                if doc_id not in matched_by:
                    meaning_only.append(doc_id)
                matched_by[doc_id] = "both" if doc_id in matched_by else "meaning"
            if sort == "relevance":
                semantic_ranking = [d for d, _s in semantic if d in matched_by]
                fused = reciprocal_rank_fusion([ranking[:FUSED_HEAD], semantic_ranking])
                head = [doc_id for doc_id, _score in fused]
                seen = set(head)
                ranking = head + [d for d in ranking if d not in seen]
            elif meaning_only:
                ranking = _sorted(list(dict.fromkeys([*ranking, *meaning_only])), sort)
        ranked_ids = ranking
    page_ids = ranked_ids[start:wanted]
    documents = SearchDocument.objects.defer(*_HEAVY_FIELDS).in_bulk(page_ids)
    hits = [
        Hit(
            document_id=doc.pk,
            doc_type=doc.doc_type,
            object_id=doc.object_id,
            title=doc.title,
            url_path=doc.url_path,
            snippet=snippet(doc, query),
            score=round(1.0 / (1 + start + position), 6),
            matched_by=matched_by.get(doc.pk, "filter"),
            facets=doc.facets,
        )
        for position, doc in enumerate(documents[i] for i in page_ids if i in documents)
    ]
    # The total and the facet counts over the matched set (documents found by meaning alone
    # included, within the current filters); each facet ignores its own selection.
    if index is not None:
        if memory is None:
            rows = np.empty(0, dtype=np.int64)
            within, counts = index.count(rows, groups)
        elif meaning_only:
            extra = index.rows_of(np.unique(np.asarray(meaning_only, dtype=np.int64)))
            within, counts = index.count(np.union1d(memory.rows, extra), groups)
        else:
            within, counts = memory.within, memory.counts
        total, facets = int(within.size), _facets_of(counts, request.filters)
    else:
        if query.is_empty:
            base: tuple[str, list[object]] | None = None
        else:
            if floored is None:
                match_sql, match_params = get_backend().match_sql(query, scored=False)
            else:
                match_sql, match_params = _ids_sql([int(i) for i in floored])
            base = (match_sql, match_params)
            if meaning_only:
                ids_sql, ids_params = _ids_sql(meaning_only)
                base = (f"{match_sql} UNION {ids_sql}", [*match_params, *ids_params])
        total, facets = _counts(base, request.filters)
    return SearchResults(request, query, hits, total, facets, notice)


FUSED_HEAD = 200
# What a result page does not need of a document: its index text and vector.
_HEAVY_FIELDS = ("tokens_a", "tokens_b", "tokens_c", "words", "embedding")


def _sorted(ids: list[int], sort: Sort) -> list[int]:
    rows = SearchDocument.objects.filter(pk__in=ids).values_list("pk", "title_sort", "published_at")
    if sort == "name":
        return [pk for pk, _t, _p in sorted(rows, key=lambda r: (r[1], r[0]))]
    dated = sorted(rows, key=lambda r: (r[2] is None, -(r[2].timestamp() if r[2] else 0), r[0]))
    return [pk for pk, _t, _p in dated]


def _counts(
    base: tuple[str, list[object]] | None, filters: dict[str, tuple[str, ...]]
) -> tuple[int, list[Facet]]:
    """The number of documents of `base` (SQL selecting `id`; None: the whole index) within
    the filters, and the facet counts over them, each facet ignoring its own selection.

    One statement: each document of the base gets a 0/1 flag per filter group; only documents
    missing at most one group can count for any facet, so only those are joined with their
    facet values, and a value counts where every group but its own facet's is met."""
    groups = _groups(filters)
    n = len(groups)
    params: list[object] = []
    if base is not None:
        base_sql, base_params = base
        params.extend(base_params)
    elif n > 1:
        # No words: the documents meeting all groups but one at most, from the postings.
        conditions = []
        for name, values in groups:
            conditions.append(f"(facet = %s AND value IN ({', '.join(['%s'] * len(values))}))")
            params.extend([name, *values])
        base_sql = (
            f"SELECT document_id AS id FROM {_FACETS} WHERE {' OR '.join(conditions)} "  # noqa: S608
            f"GROUP BY document_id HAVING COUNT(DISTINCT facet) >= {n - 1}"
        )
    else:
        base_sql = "SELECT id FROM search_searchdocument"
    if not groups:
        sql = (
            f"WITH k AS MATERIALIZED ({base_sql}) "  # noqa: S608
            f"SELECT v.facet, v.value, COUNT(*) FROM k JOIN {_FACETS} v ON v.document_id = k.id "
            "GROUP BY v.facet, v.value UNION ALL SELECT '', '', COUNT(*) FROM k"
        )
    else:
        flags = []
        for index, (name, values) in enumerate(groups):
            condition, condition_params = _has_sql("m.id", name, values)
            flags.append(f"CASE WHEN {condition} THEN 1 ELSE 0 END AS f{index}")
            params.extend(condition_params)
        met = " + ".join(f"f{index}" for index in range(n))
        own = " ".join(f"WHEN %s THEN k.met - k.f{index} + 1" for index in range(n))
        params.extend(name for name, _values in groups)
        sql = (
            f"WITH m AS MATERIALIZED ({base_sql}), "  # noqa: S608
            f"f AS MATERIALIZED (SELECT m.id, {', '.join(flags)} FROM m), "
            f"k AS MATERIALIZED (SELECT f.*, {met} AS met FROM f WHERE {met} >= {n - 1}) "
            f"SELECT v.facet, v.value, COUNT(*) FROM k JOIN {_FACETS} v ON v.document_id = k.id "
            f"WHERE (CASE v.facet {own} ELSE k.met END) = {n} GROUP BY v.facet, v.value "
            f"UNION ALL SELECT '', '', COUNT(*) FROM k WHERE k.met = {n}"
        )
    counts: dict[str, list[tuple[str, int]]] = {}
    total = 0
    for name, value, count in _fetch(sql, params):
        if name == "" and value == "":
            total = int(count)
        else:
            counts.setdefault(str(name), []).append((str(value), int(count)))
    return total, _facets_of(counts, filters)


def _facets_of(
    counts: dict[str, list[tuple[str, int]]], filters: dict[str, tuple[str, ...]]
) -> list[Facet]:
    display = _facet_display()
    facets = []
    for name in facet_names():
        label, formatter = display.get(name, (name, str))
        selected = set(filters.get(name, ()))
        rows = sorted(counts.get(name, ()), key=lambda row: (-row[1], row[0]))
        values = [
            FacetValue(value, formatter(value), count, value in selected) for value, count in rows
        ]
        present = {v.value for v in values}
        values += [FacetValue(v, formatter(v), 0, True) for v in sorted(selected - present)]
        if values:
            facets.append(Facet(name, str(label), values))
    return facets


_WINDOW = 220
_WORD_RE = re.compile(r"[^\W_]+")


@lru_cache(maxsize=65536)
def _folded(token: str) -> tuple[str, ...]:
    return tuple(words(token))


def snippet(document: SearchDocument, query: ParsedQuery) -> SafeString:
    """A window of the summary around the first query word, with the query words marked.

    Matching is done on folded words (so Muenchen marks München); the text is escaped first
    and only our <mark> tags are added."""
    german = (get_language() or "en").startswith("de")
    text = (document.summary_de if german and document.summary_de else document.summary_en) or ""
    if not text:
        return mark_safe("")
    targets = frozenset(query.highlight)
    prefixes = tuple(t for t in targets if len(t) >= 3)
    spans: list[tuple[int, int]] = []
    limit = len(text)
    for match in _WORD_RE.finditer(text):
        if match.start() >= limit:
            break  # past the window around the first mark: nothing more is shown
        if any(w in targets or (prefixes and w.startswith(prefixes)) for w in _folded(match[0])):
            spans.append(match.span())
            if len(spans) == 1:
                limit = match.start() + _WINDOW + 1
    first = spans[0][0] if spans else 0
    start = max(0, first - 60)
    if start:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < first else start
    end = min(len(text), start + _WINDOW)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > first else end
    pieces: list[str] = ["…" if start else ""]
    cursor = start
    for span_start, span_end in spans:
        if span_start < start or span_end > end:
            continue
        pieces.append(escape(text[cursor:span_start]))
        pieces.append(f"<mark>{escape(text[span_start:span_end])}</mark>")
        cursor = span_end
    pieces.append(escape(text[cursor:end]))
    pieces.append("…" if end < len(text) else "")
    return mark_safe("".join(pieces))  # noqa: S308


def suggest(q: str, *, limit: int = 8) -> list[dict[str, str]]:
    """Titles containing what was typed, best first: those starting with it, then shorter."""
    folded = fold(clean(q).replace('"', "")).strip()[:100]
    if len(folded) < 2:
        return []
    sql, params = get_backend().suggest_sql(folded)
    ids = [int(row[0]) for row in _fetch(f"{sql} LIMIT 200", params)]
    rows = SearchDocument.objects.filter(pk__in=ids).values_list(
        "title", "title_sort", "url_path", "doc_type"
    )
    ranked = sorted(
        rows,
        key=lambda r: (
            not r[1].startswith(folded),
            not any(w.startswith(folded) for w in r[1].split()),
            len(r[1]),
            r[1],
        ),
    )
    return [
        {"title": title, "url_path": url_path, "type": doc_type}
        for title, _sort, url_path, doc_type in ranked[:limit]
    ]
