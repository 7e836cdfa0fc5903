"""Reading the search index: one query across every registered domain, with facets.

Lexical matches come from the backend; semantic neighbours come from the embedder; the two
rankings are blended by reciprocal rank fusion. Facet counts are disjunctive: the counts of one
facet ignore that facet's own selection, so unchosen values keep showing what choosing them adds.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from django.db import connection
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from clusterbridge.search import registry
from clusterbridge.search.analysis import fold, words
from clusterbridge.search.backends import get_backend
from clusterbridge.search.models import SearchDocument, SearchWord
from clusterbridge.search.query import ParsedQuery, clean, parse
from clusterbridge.search.services import analyzer_get

Sort = Literal["relevance", "name", "newest"]
Mode = Literal["blend", "lexical"]
SORTS: tuple[str, ...] = ("relevance", "name", "newest")
LEXICAL_LIMIT = 5000
SEMANTIC_CANDIDATES = 50
# Cosine similarity from which a semantic neighbour counts as a hit of its own (calibrated on
# the relevance set; below it, neighbours only reorder lexical hits).
SEMANTIC_THRESHOLD = 0.42
MAX_PAGE_SIZE = 100
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


def _filter_sql(
    filters: dict[str, tuple[str, ...]], *, column: str, skip: str | None = None
) -> tuple[str, list[object]]:
    clauses: list[str] = []
    params: list[object] = []
    for name, values in sorted(filters.items()):
        if name == skip or not values:
            continue
        marks = ", ".join(["%s"] * len(values))
        clauses.append(
            f"{column} IN (SELECT document_id FROM search_searchfacetvalue "  # noqa: S608
            f"WHERE facet = %s AND value IN ({marks}))"
        )
        params.extend([name, *values])
    return (" AND ".join(clauses), params)


def _fetch(sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, list(params))
        return list(cursor.fetchall())


def _lexical(query: ParsedQuery, filters: dict[str, tuple[str, ...]]) -> list[tuple[int, float]]:
    match_sql, match_params = get_backend().match_sql(query)
    where, params = _filter_sql(filters, column="m.id")
    # MATERIALIZED makes the full-text match run once; inlined, SQLite would re-run it for
    # every candidate row of the facet filter (a join on an FTS5 table's rowid).
    sql = (
        f"WITH m AS MATERIALIZED ({match_sql}) "  # noqa: S608
        f"SELECT m.id, m.score FROM m JOIN search_searchdocument d ON d.id = m.id "
        f"{'WHERE ' + where if where else ''} ORDER BY m.score DESC, m.id LIMIT {LEXICAL_LIMIT}"
    )
    return [(int(row[0]), float(row[1] or 0)) for row in _fetch(sql, [*match_params, *params])]


def _allowed_ids(filters: dict[str, tuple[str, ...]]) -> list[int] | None:
    where, params = _filter_sql(filters, column="d.id")
    if not where:
        return None
    sql = f"SELECT d.id FROM search_searchdocument d WHERE {where}"  # noqa: S608
    return [int(row[0]) for row in _fetch(sql, params)]


def _semantic(text: str, filters: dict[str, tuple[str, ...]]) -> list[tuple[int, float]]:
    from clusterbridge.search.semantic_index import semantic_neighbours

    return semantic_neighbours(text, allowed_ids=_allowed_ids(filters), k=SEMANTIC_CANDIDATES)


def _all_ids(filters: dict[str, tuple[str, ...]]) -> list[int]:
    allowed = _allowed_ids(filters)
    if allowed is not None:
        return allowed
    return list(SearchDocument.objects.values_list("pk", flat=True))


def search(request: SearchRequest) -> SearchResults:
    request = validate(request)
    analyzer = analyzer_get()
    query = parse(request.q, analyzer, known_words, as_you_type=request.as_you_type)
    notice = ""
    matched_by: dict[int, str] = {}
    if query.is_empty:
        ranked_ids = _all_ids(request.filters)
        sort: Sort = "name" if request.sort == "relevance" else request.sort
    else:
        sort = request.sort
        lexical = _lexical(query, request.filters)
        if not lexical and len(query.clauses) > 1:
            lexical = _lexical(replace(query, any_words=True), request.filters)
            if lexical:
                notice = _("No result contains all the words; showing results with some of them.")
        for doc_id, _score in lexical:
            matched_by[doc_id] = "words"
        ranking = [doc_id for doc_id, _score in lexical]
        # Meaning helps with descriptive queries and where words find little; a short keyword
        # query that matches well is answered by the words alone (embedding a query costs
        # about 50 ms).
        content_words = len(query.clauses) + sum(len(p) for p in query.phrases)
        if request.mode == "blend" and (
            content_words >= SEMANTIC_MIN_WORDS or len(lexical) < request.page_size
        ):
            semantic = _semantic(query.text, request.filters)
            from clusterbridge.search.semantic import reciprocal_rank_fusion

            strong = [doc_id for doc_id, score in semantic if score >= SEMANTIC_THRESHOLD]
            for doc_id in strong:
                matched_by[doc_id] = "both" if doc_id in matched_by else "meaning"
            semantic_ranking = [d for d, _s in semantic if d in matched_by]
            fused = reciprocal_rank_fusion([ranking[:200], semantic_ranking])
            head = [doc_id for doc_id, _score in fused]
            seen = set(head)
            ranking = head + [d for d in ranking if d not in seen]
        ranked_ids = ranking
    total = len(ranked_ids)
    if sort != "relevance" and ranked_ids:
        ranked_ids = _sorted(ranked_ids, sort)
    start = (request.page - 1) * request.page_size
    page_ids = ranked_ids[start : start + request.page_size]
    documents = SearchDocument.objects.in_bulk(page_ids)
    positions = {doc_id: index for index, doc_id in enumerate(ranked_ids)}
    hits = [
        Hit(
            document_id=doc.pk,
            doc_type=doc.doc_type,
            object_id=doc.object_id,
            title=doc.title,
            url_path=doc.url_path,
            snippet=snippet(doc, query),
            score=round(1.0 / (1 + positions[doc.pk]), 6),
            matched_by=matched_by.get(doc.pk, "filter"),
            facets=doc.facets,
        )
        for doc in (documents[i] for i in page_ids if i in documents)
    ]
    # Facet counts are taken over the matches before filtering, so that each facet can ignore
    # its own selection (documents found by meaning alone count within the current filters).
    facet_ids: list[int] | None = None
    if not query.is_empty:
        base = replace(query, any_words=True) if notice else query
        facet_ids = [doc_id for doc_id, _score in _lexical(base, {})]
        facet_ids += [d for d, how in matched_by.items() if how == "meaning"]
    facets = facet_counts(facet_ids, request.filters)
    return SearchResults(request, query, hits, total, facets, notice)


def _sorted(ids: list[int], sort: Sort) -> list[int]:
    rows = SearchDocument.objects.filter(pk__in=ids).values_list("pk", "title_sort", "published_at")
    if sort == "name":
        return [pk for pk, _t, _p in sorted(rows, key=lambda r: (r[1], r[0]))]
    dated = sorted(rows, key=lambda r: (r[2] is None, -(r[2].timestamp() if r[2] else 0), r[0]))
    return [pk for pk, _t, _p in dated]


def facet_counts(matched_ids: list[int] | None, filters: dict[str, tuple[str, ...]]) -> list[Facet]:
    """Counts per facet value over the matches, each facet ignoring its own selection."""
    display = _facet_display()
    facets = []
    id_filter = ""
    id_params: list[object] = []
    if matched_ids is not None:
        # The matched ids travel as one parameter: an array on PostgreSQL, JSON on SQLite.
        if connection.vendor == "postgresql":
            id_filter = "AND f.document_id = ANY(%s)"
            id_params = [matched_ids]
        else:
            id_filter = "AND f.document_id IN (SELECT value FROM json_each(%s))"
            id_params = [json.dumps(matched_ids)]
    for name in facet_names():
        where, params = _filter_sql(filters, column="f.document_id", skip=name)
        sql = (
            "SELECT f.value, COUNT(*) FROM search_searchfacetvalue f "  # noqa: S608
            f"WHERE f.facet = %s {id_filter} {'AND ' + where if where else ''} "
            "GROUP BY f.value ORDER BY COUNT(*) DESC, f.value"
        )
        rows = _fetch(sql, [name, *id_params, *params])
        label, formatter = display.get(name, (name, str))
        selected = set(filters.get(name, ()))
        values = [
            FacetValue(str(value), formatter(str(value)), int(count), str(value) in selected)
            for value, count in rows
        ]
        present = {v.value for v in values}
        values += [FacetValue(v, formatter(v), 0, True) for v in sorted(selected - present)]
        if values:
            facets.append(Facet(name, str(label), values))
    return facets


_WINDOW = 220


def snippet(document: SearchDocument, query: ParsedQuery) -> SafeString:
    """A window of the summary around the first query word, with the query words marked.

    Matching is done on folded words (so Muenchen marks München); the text is escaped first
    and only our <mark> tags are added."""
    german = (get_language() or "en").startswith("de")
    text = (document.summary_de if german and document.summary_de else document.summary_en) or ""
    if not text:
        return mark_safe("")
    targets = set(query.highlight)
    spans: list[tuple[int, int]] = []
    for match in re.finditer(r"[^\W_]+", text):
        folded = words(match.group(0))
        if folded and any(
            w in targets or any(len(t) >= 3 and w.startswith(t) for t in targets) for w in folded
        ):
            spans.append(match.span())
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
