"""Measures how well a search backend ranks the clusters people actually want.

Each query of a relevance set names the few clusters a person would clearly expect on the first
page of results. Comparing a backend's ranking with those sets turns "search feels better" into
numbers: backends (full text, trigram, embeddings, hybrids) can be compared on the same questions,
and a change to one can be checked against the figures it had before.

The metrics are pure functions of a ranking and a set of relevant ids, so they are exact and easy
to test; `evaluate` only adds the loop over queries and leaves it to the caller how a query runs.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable, Iterable, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# The kinds of difficulty a relevance set covers; the report gives each its own means, because a
# backend that is strong on exact English words can still fail every misspelling.
CATEGORIES: tuple[str, ...] = (
    "english",
    "german",
    "misspelled",
    "umlaut-folded",
    "compound",
    "cross-lingual",
    "multi-facet",
    "prefix",
    "acronym",
    "semantic",
)

# The facet names the search app filters on; a filter with any other name would silently match
# nothing or everything, so loading refuses it.
FACETS: frozenset[str] = frozenset(
    {"type", "field", "branch", "country", "region", "kind", "label", "member_type"}
)

# One page of results: what a person actually looks at.
DEFAULT_K = 10

_KEYS = frozenset({"id", "query", "category", "filters", "relevant", "note"})


@dataclass(frozen=True)
class RelevanceQuery:
    """One question with the answers a person would clearly accept on the first page."""

    id: str
    query: str
    category: str
    relevant: frozenset[str]
    # Facet name → accepted values, in the shape the search service takes.
    filters: dict[str, list[str]] = field(default_factory=dict)
    note: str = ""


@dataclass(frozen=True)
class Answer:
    """What a runner may return instead of the bare ranking: the ranking and how many results
    the search reported in all (a floor that drops weak matches shows in this number)."""

    ranked: Sequence[str]
    total: int


@dataclass(frozen=True)
class QueryResult:
    """How one query fared; `ranked` is the first page as the backend returned it."""

    query: RelevanceQuery
    ranked: tuple[str, ...]
    recall: float
    reciprocal_rank: float
    ndcg: float
    seconds: float
    precision: float = 0.0
    shown_precision: float = 0.0
    total: int | None = None

    @property
    def missing(self) -> list[str]:
        """The relevant ids not on the first page: where to start looking when a query fails."""
        return sorted(self.query.relevant.difference(self.ranked))


@dataclass(frozen=True)
class MetricSummary:
    """Means over a group of queries."""

    queries: int
    recall: float
    mrr: float
    ndcg: float
    seconds: float
    precision: float = 0.0
    shown_precision: float = 0.0
    # Mean number of results per query, where the runner reported totals.
    total: float | None = None

    @classmethod
    def of(cls, rows: Sequence[QueryResult]) -> MetricSummary:
        if not rows:
            raise ValueError("a summary needs at least one query")
        count = len(rows)
        totals = [row.total for row in rows if row.total is not None]
        return cls(
            queries=count,
            recall=math.fsum(row.recall for row in rows) / count,
            mrr=math.fsum(row.reciprocal_rank for row in rows) / count,
            ndcg=math.fsum(row.ndcg for row in rows) / count,
            seconds=math.fsum(row.seconds for row in rows) / count,
            precision=math.fsum(row.precision for row in rows) / count,
            shown_precision=math.fsum(row.shown_precision for row in rows) / count,
            total=math.fsum(totals) / len(totals) if totals else None,
        )


@dataclass(frozen=True)
class EvaluationReport:
    """Per-query rows and their means, overall and per category."""

    k: int
    rows: tuple[QueryResult, ...]
    overall: MetricSummary
    by_category: dict[str, MetricSummary]

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON output, so runs of different backends can be stored and diffed."""

        def summary(values: MetricSummary) -> dict[str, Any]:
            return {
                "queries": values.queries,
                f"recall@{self.k}": values.recall,
                f"mrr@{self.k}": values.mrr,
                f"ndcg@{self.k}": values.ndcg,
                f"precision@{self.k}": values.precision,
                f"shown_precision@{self.k}": values.shown_precision,
                "mean_results": values.total,
                "mean_seconds": values.seconds,
            }

        return {
            "k": self.k,
            "overall": summary(self.overall),
            "by_category": {name: summary(values) for name, values in self.by_category.items()},
            "queries": [
                {
                    "id": row.query.id,
                    "category": row.query.category,
                    "query": row.query.query,
                    "filters": row.query.filters,
                    f"recall@{self.k}": row.recall,
                    f"rr@{self.k}": row.reciprocal_rank,
                    f"ndcg@{self.k}": row.ndcg,
                    f"precision@{self.k}": row.precision,
                    f"shown_precision@{self.k}": row.shown_precision,
                    "results": row.total,
                    "seconds": row.seconds,
                    "ranked": list(row.ranked),
                    "missing": row.missing,
                }
                for row in self.rows
            ],
        }


def _check(relevant: AbstractSet[str], k: int | None = None) -> None:
    # A query without relevant items would score 0 (or 1) for any ranking: it measures nothing.
    if not relevant:
        raise ValueError("relevant must name at least one item")
    if k is not None and k < 1:
        raise ValueError(f"k must be at least 1, not {k}")


def _gains(ranked: Sequence[str], relevant: AbstractSet[str], k: int | None = None) -> list[bool]:
    """For each of the first k positions, whether it brings a relevant item not seen before.

    A repeated cluster keeps its place on the page (a person sees it twice and the result it
    pushed down is gone) but earns nothing the second time, so a backend cannot score by
    repeating its one good answer.
    """
    seen: set[str] = set()
    gains: list[bool] = []
    for item in ranked if k is None else ranked[:k]:
        gains.append(item in relevant and item not in seen)
        seen.add(item)
    return gains


def recall_at_k(ranked: Sequence[str], relevant: AbstractSet[str], k: int) -> float:
    """The share of the relevant items found in the first k results.

    Recall is the headline figure because the relevance sets are small and every item in them is
    something a person clearly wants: missing one from the first page is a failure, whatever the
    order.
    """
    _check(relevant, k)
    return sum(_gains(ranked, relevant, k)) / len(relevant)


def precision_at_k(ranked: Sequence[str], relevant: AbstractSet[str], k: int) -> float:
    """The share of the first k places that hold a relevant item (a place left empty counts as
    not relevant, as in trec_eval's P@k).

    With one to six relevant items per query it is at most their number / k, so it moves with
    recall; `shown_precision_at_k` is the one that sees weak matches padding a page.
    """
    _check(relevant, k)
    return sum(_gains(ranked, relevant, k)) / k


def shown_precision_at_k(ranked: Sequence[str], relevant: AbstractSet[str], k: int) -> float:
    """The share of the results shown among the first k that are relevant; an empty page
    scores 0. A search that stops at its relevant results instead of filling the page with
    weak matches scores higher here, at the same recall."""
    _check(relevant, k)
    gains = _gains(ranked, relevant, k)
    return sum(gains) / len(gains) if gains else 0.0


def reciprocal_rank(ranked: Sequence[str], relevant: AbstractSet[str]) -> float:
    """1 / the position of the first relevant result, or 0 when there is none.

    It rewards getting one good answer to the very top, which is what a person who knows what
    they are looking for (a name, an acronym) notices first. Cut the ranking to measure MRR@k.
    """
    _check(relevant)
    for position, gain in enumerate(_gains(ranked, relevant), start=1):
        if gain:
            return 1.0 / position
    return 0.0


def ndcg_at_k(ranked: Sequence[str], relevant: AbstractSet[str], k: int) -> float:
    """Normalised discounted cumulative gain over the first k results, with binary relevance.

    Unlike recall it cares about order within the page: a relevant result at position 1 counts
    more than one at position 9. It is divided by the best possible score for this query, so a
    perfect ranking scores 1 however many items are relevant.
    """
    _check(relevant, k)
    gain = math.fsum(
        1.0 / math.log2(position + 1)
        for position, hit in enumerate(_gains(ranked, relevant, k), start=1)
        if hit
    )
    ideal = math.fsum(
        1.0 / math.log2(position + 1) for position in range(1, min(k, len(relevant)) + 1)
    )
    return gain / ideal


def _parse_query(raw: Any, where: str) -> RelevanceQuery:
    if not isinstance(raw, dict):
        raise ValueError(f"{where}: expected an object")
    unknown = set(raw) - _KEYS
    if unknown:
        raise ValueError(f"{where}: unknown keys {sorted(unknown)}")
    for key in ("id", "query", "category"):
        if not isinstance(raw.get(key), str) or not raw[key].strip():
            raise ValueError(f"{where}: {key!r} must be a non-empty string")
    if raw["category"] not in CATEGORIES:
        raise ValueError(f"{where}: unknown category {raw['category']!r}")
    relevant = raw.get("relevant")
    if (
        not isinstance(relevant, list)
        or not relevant
        or not all(isinstance(item, str) and item for item in relevant)
    ):
        raise ValueError(f"{where}: 'relevant' must be a non-empty list of ids")
    if len(set(relevant)) != len(relevant):
        raise ValueError(f"{where}: 'relevant' names an id twice")
    filters = raw.get("filters", {})
    if not isinstance(filters, dict):
        raise ValueError(f"{where}: 'filters' must be an object")
    for name, values in filters.items():
        if name not in FACETS:
            raise ValueError(f"{where}: unknown facet {name!r}")
        if (
            not isinstance(values, list)
            or not values
            or not all(isinstance(value, str) and value for value in values)
        ):
            raise ValueError(f"{where}: facet {name!r} needs a non-empty list of values")
    note = raw.get("note", "")
    if not isinstance(note, str):
        raise ValueError(f"{where}: 'note' must be a string")
    return RelevanceQuery(
        id=raw["id"],
        query=raw["query"],
        category=raw["category"],
        relevant=frozenset(relevant),
        filters={name: list(values) for name, values in filters.items()},
        note=note,
    )


def parse_relevance_set(data: Any, *, source: str = "relevance set") -> list[RelevanceQuery]:
    """Validates already-decoded JSON; strict, because a typo in a hand-written set (a misspelt
    key, an unknown facet) would otherwise quietly turn into a query that cannot succeed."""
    if not isinstance(data, list):
        raise ValueError(f"{source}: expected a list of queries")
    queries: list[RelevanceQuery] = []
    seen: set[str] = set()
    for index, raw in enumerate(data):
        where = f"{source}: query {raw.get('id', index) if isinstance(raw, dict) else index}"
        query = _parse_query(raw, where)
        if query.id in seen:
            raise ValueError(f"{where}: duplicate id")
        seen.add(query.id)
        queries.append(query)
    return queries


def load_relevance_set(path: str | Path) -> list[RelevanceQuery]:
    """Reads a relevance set: a JSON list of {id, query, category, filters, relevant, note}."""
    path = Path(path)
    return parse_relevance_set(json.loads(path.read_text(encoding="utf-8")), source=str(path))


def evaluate(
    run: Callable[[RelevanceQuery], Sequence[str] | Answer],
    queries: Iterable[RelevanceQuery],
    *,
    k: int = DEFAULT_K,
    clock: Callable[[], float] = time.perf_counter,
) -> EvaluationReport:
    """Runs every query through `run` (which returns ranked ids, or an `Answer` with the total
    too) and scores the first k results.

    All three metrics look at the same first page, so MRR here is MRR@k: a relevant result on
    page three helps nobody. `clock` is injectable so that timings can be tested; the mean time
    per query is reported because a backend that ranks well but answers slowly is no use for
    search-as-you-type.
    """
    if k < 1:
        raise ValueError(f"k must be at least 1, not {k}")
    rows: list[QueryResult] = []
    for query in queries:
        started = clock()
        answer = run(query)
        seconds = clock() - started
        ranked, total = (
            (answer.ranked, answer.total) if isinstance(answer, Answer) else (answer, None)
        )
        top = list(ranked[:k])
        rows.append(
            QueryResult(
                query=query,
                ranked=tuple(top),
                recall=recall_at_k(top, query.relevant, k),
                reciprocal_rank=reciprocal_rank(top, query.relevant),
                ndcg=ndcg_at_k(top, query.relevant, k),
                seconds=seconds,
                precision=precision_at_k(top, query.relevant, k),
                shown_precision=shown_precision_at_k(top, query.relevant, k),
                total=total,
            )
        )
    if not rows:
        raise ValueError("no queries to evaluate")
    names = [name for name in CATEGORIES if any(row.query.category == name for row in rows)]
    names += sorted({row.query.category for row in rows} - set(CATEGORIES))
    return EvaluationReport(
        k=k,
        rows=tuple(rows),
        overall=MetricSummary.of(rows),
        by_category={
            name: MetricSummary.of([row for row in rows if row.query.category == name])
            for name in names
        },
    )
