"""Search evaluation: exact metric values, their properties, the relevance-set loader, the report,
and the shipped relevance set checked against the demo data.

No database is needed: the demo records are converted straight from the data files.
"""

from __future__ import annotations

import functools
import json
import math
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clusterbridge.clusters.records import ClusterRecord
from clusterbridge.demo.convert import demo_records
from clusterbridge.search.evaluation import (
    CATEGORIES,
    Answer,
    RelevanceQuery,
    evaluate,
    load_relevance_set,
    ndcg_at_k,
    parse_relevance_set,
    precision_at_k,
    recall_at_k,
    reciprocal_rank,
    shown_precision_at_k,
)
from clusterbridge.taxonomy.services import DATA_DIR as TAXONOMY_DATA

RELEVANCE_SET = Path(__file__).resolve().parent / "relevance.json"


# --- exact values -------------------------------------------------------------------------------


def test_recall_is_the_share_of_relevant_items_in_the_first_k() -> None:
    ranked = ["a", "x", "b", "y"]
    relevant = {"a", "b", "c", "d"}
    assert recall_at_k(ranked, relevant, 1) == 0.25
    assert recall_at_k(ranked, relevant, 2) == 0.25
    assert recall_at_k(ranked, relevant, 3) == 0.5
    assert recall_at_k(ranked, relevant, 10) == 0.5


def test_a_repeat_takes_a_place_on_the_page_but_earns_nothing() -> None:
    assert recall_at_k(["a", "a", "b"], {"a", "b"}, 2) == 0.5
    assert recall_at_k(["a", "a", "b"], {"a", "b"}, 3) == 1.0
    assert ndcg_at_k(["a", "a"], {"a", "b"}, 2) == pytest.approx(1 / (1 + 1 / math.log2(3)))


def test_recall_of_an_empty_ranking_is_zero() -> None:
    assert recall_at_k([], {"a"}, 10) == 0.0


def test_precision_is_the_share_of_the_k_places_holding_a_relevant_item() -> None:
    assert precision_at_k(["a", "x", "b", "y"], {"a", "b", "c"}, 4) == 0.5
    assert precision_at_k(["a", "x"], {"a", "b"}, 10) == 0.1  # empty places count
    assert precision_at_k(["a", "a"], {"a"}, 2) == 0.5  # a repeat earns nothing
    assert precision_at_k([], {"a"}, 10) == 0.0


def test_shown_precision_counts_only_the_results_on_the_page() -> None:
    assert shown_precision_at_k(["a", "x", "b", "y"], {"a", "b", "c"}, 4) == 0.5
    assert shown_precision_at_k(["a", "x"], {"a", "b"}, 10) == 0.5
    assert shown_precision_at_k(["a"], {"a", "b"}, 10) == 1.0
    assert shown_precision_at_k(["x", "y", "a"], {"a"}, 2) == 0.0
    assert shown_precision_at_k([], {"a"}, 10) == 0.0


def test_reciprocal_rank_is_one_over_the_first_relevant_position() -> None:
    assert reciprocal_rank(["a", "b"], {"a"}) == 1.0
    assert reciprocal_rank(["x", "a"], {"a", "b"}) == 0.5
    assert reciprocal_rank(["x", "y", "z", "b"], {"a", "b"}) == 0.25
    assert reciprocal_rank(["x", "y"], {"a"}) == 0.0


def test_reciprocal_rank_counts_a_repeat_as_a_place() -> None:
    assert reciprocal_rank(["x", "x", "a"], {"a"}) == pytest.approx(1 / 3)


def test_ndcg_discounts_a_relevant_item_by_its_position() -> None:
    assert ndcg_at_k(["x", "a"], {"a"}, 2) == pytest.approx(1 / math.log2(3))
    assert ndcg_at_k(["x", "a"], {"a"}, 2) == pytest.approx(0.6309297535714575)


def test_ndcg_compares_with_the_best_possible_page() -> None:
    # DCG = 1 + 1/log2(4) = 1.5; ideal DCG = 1 + 1/log2(3).
    expected = 1.5 / (1 + 1 / math.log2(3))
    assert ndcg_at_k(["a", "x", "b"], {"a", "b"}, 3) == pytest.approx(expected)
    assert ndcg_at_k(["a", "x", "b"], {"a", "b"}, 3) == pytest.approx(0.9197207891481876)


def test_ndcg_ideal_is_cut_at_k_when_more_items_are_relevant() -> None:
    assert ndcg_at_k(["a", "b"], {"a", "b", "c"}, 2) == 1.0
    assert ndcg_at_k(["x"], {"a"}, 1) == 0.0


def test_ndcg_looks_only_at_the_first_k() -> None:
    assert ndcg_at_k(["x", "y", "a"], {"a"}, 2) == 0.0


@pytest.mark.parametrize(
    ("metric", "message"),
    [
        (lambda: recall_at_k(["a"], set(), 1), "relevant must name"),
        (lambda: reciprocal_rank(["a"], set()), "relevant must name"),
        (lambda: ndcg_at_k(["a"], set(), 1), "relevant must name"),
        (lambda: recall_at_k(["a"], {"a"}, 0), "k must be at least 1"),
        (lambda: ndcg_at_k(["a"], {"a"}, -1), "k must be at least 1"),
    ],
    ids=["recall-empty", "rr-empty", "ndcg-empty", "recall-k0", "ndcg-negative-k"],
)
def test_metrics_refuse_questions_that_measure_nothing(
    metric: Callable[[], float], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        metric()


# --- properties ---------------------------------------------------------------------------------

_IDS = [f"c{n}" for n in range(12)]
_rankings = st.lists(st.sampled_from(_IDS), max_size=20)
_relevant_sets = st.sets(st.sampled_from(_IDS), min_size=1)
_ks = st.integers(min_value=1, max_value=15)


@given(ranked=_rankings, relevant=_relevant_sets, k=_ks)
def test_metrics_lie_between_zero_and_one(ranked: list[str], relevant: set[str], k: int) -> None:
    for value in (
        recall_at_k(ranked, relevant, k),
        reciprocal_rank(ranked, relevant),
        ndcg_at_k(ranked, relevant, k),
    ):
        assert 0.0 <= value <= 1.0


@given(relevant=_relevant_sets, k=_ks, data=st.data())
def test_a_perfect_ranking_scores_one(relevant: set[str], k: int, data: st.DataObject) -> None:
    others = [item for item in _IDS if item not in relevant]
    ranked = data.draw(st.permutations(sorted(relevant))) + data.draw(st.permutations(others))
    assert recall_at_k(ranked, relevant, max(k, len(relevant))) == 1.0
    assert reciprocal_rank(ranked, relevant) == 1.0
    assert ndcg_at_k(ranked, relevant, k) == pytest.approx(1.0)


@given(ranked=_rankings, relevant=_relevant_sets, k=_ks)
def test_recall_never_falls_as_k_grows(ranked: list[str], relevant: set[str], k: int) -> None:
    assert recall_at_k(ranked, relevant, k) <= recall_at_k(ranked, relevant, k + 1)


@given(ranked=_rankings, relevant=_relevant_sets, k=_ks)
def test_repeating_the_ranking_changes_nothing(
    ranked: list[str], relevant: set[str], k: int
) -> None:
    doubled = ranked + ranked
    assert recall_at_k(doubled, relevant, k) == recall_at_k(ranked, relevant, k)
    assert reciprocal_rank(doubled, relevant) == reciprocal_rank(ranked, relevant)
    assert ndcg_at_k(doubled, relevant, k) == ndcg_at_k(ranked, relevant, k)


@given(ranked=_rankings, relevant=_relevant_sets, k=_ks)
def test_only_a_perfect_page_reaches_full_ndcg(
    ranked: list[str], relevant: set[str], k: int
) -> None:
    # Full marks need as many distinct relevant items as fit, in the first places of the page.
    best = min(k, len(relevant))
    top = ranked[:best]
    perfect = len(top) == best and len(set(top)) == best and set(top) <= relevant
    assert (ndcg_at_k(ranked, relevant, k) == pytest.approx(1.0)) == perfect


# --- loading ------------------------------------------------------------------------------------


def _entry(**overrides: Any) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "id": "q1",
        "query": "photonics",
        "category": "english",
        "filters": {"country": ["DE"]},
        "relevant": ["a", "b"],
        "note": "why",
    }
    entry.update(overrides)
    return entry


def test_parse_builds_queries() -> None:
    [query] = parse_relevance_set([_entry()])
    assert query == RelevanceQuery(
        id="q1",
        query="photonics",
        category="english",
        relevant=frozenset({"a", "b"}),
        filters={"country": ["DE"]},
        note="why",
    )


def test_filters_and_note_may_be_left_out() -> None:
    entry = _entry()
    del entry["filters"], entry["note"]
    [query] = parse_relevance_set([entry])
    assert query.filters == {}
    assert query.note == ""


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"queries": []}, "expected a list"),
        (["q1"], "expected an object"),
        ([_entry(category="poetry")], "unknown category"),
        ([_entry(filters={"colour": ["red"]})], "unknown facet"),
        ([_entry(filters={"country": []})], "non-empty list of values"),
        ([_entry(filters={"country": "DE"})], "non-empty list of values"),
        ([_entry(filters=["DE"])], "'filters' must be an object"),
        ([_entry(relevant=[])], "non-empty list of ids"),
        ([_entry(relevant="a")], "non-empty list of ids"),
        ([_entry(relevant=["a", "a"])], "names an id twice"),
        ([_entry(query="  ")], "'query' must be a non-empty string"),
        ([_entry(id=7)], "'id' must be a non-empty string"),
        ([_entry(note=None)], "'note' must be a string"),
        ([_entry(relevent=["a"])], "unknown keys"),
        ([_entry(), _entry()], "duplicate id"),
    ],
)
def test_parse_refuses_malformed_sets(data: Any, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_relevance_set(data)


def test_load_reads_a_file(tmp_path: Path) -> None:
    path = tmp_path / "set.json"
    path.write_text(json.dumps([_entry(), _entry(id="q2", category="german")]), encoding="utf-8")
    queries = load_relevance_set(path)
    assert [query.id for query in queries] == ["q1", "q2"]


def test_load_names_the_file_in_errors(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text(json.dumps([_entry(category="poetry")]), encoding="utf-8")
    with pytest.raises(ValueError, match=r"broken\.json"):
        load_relevance_set(str(path))


# --- evaluate -----------------------------------------------------------------------------------


def _query(id: str, category: str, relevant: set[str]) -> RelevanceQuery:
    return RelevanceQuery(id=id, query=id, category=category, relevant=frozenset(relevant))


def _ticks(*values: float) -> Callable[[], float]:
    ticks: Iterator[float] = iter(values)
    return lambda: next(ticks)


def test_evaluate_scores_each_query_and_averages_per_category() -> None:
    queries = [
        _query("q1", "english", {"a", "b"}),
        _query("q2", "english", {"c"}),
        _query("q3", "acronym", {"d"}),
    ]
    answers = {"q1": ["a", "x", "b"], "q2": ["x", "c"], "q3": ["d", "d", "e"]}
    report = evaluate(
        lambda query: answers[query.id],
        queries,
        k=2,
        clock=_ticks(0.0, 0.5, 1.0, 1.25, 2.0, 2.0),
    )

    assert report.k == 2
    first, second, third = report.rows
    assert first.ranked == ("a", "x")
    assert first.recall == 0.5
    assert first.reciprocal_rank == 1.0
    assert first.ndcg == pytest.approx(1 / (1 + 1 / math.log2(3)))
    assert first.missing == ["b"]
    assert second.recall == 1.0
    assert second.reciprocal_rank == 0.5
    assert third.ranked == ("d", "d")
    assert third.ndcg == 1.0
    assert [row.seconds for row in report.rows] == [0.5, 0.25, 0.0]

    assert report.overall.queries == 3
    assert report.overall.recall == pytest.approx(2.5 / 3)
    assert report.overall.mrr == pytest.approx(2.5 / 3)
    assert report.overall.seconds == pytest.approx(0.25)
    assert list(report.by_category) == ["english", "acronym"]
    assert report.by_category["english"].queries == 2
    assert report.by_category["english"].recall == 0.75
    assert report.by_category["english"].mrr == 0.75
    assert report.by_category["acronym"].ndcg == 1.0


def test_evaluate_takes_totals_from_answers_and_averages_them() -> None:
    queries = [_query("q1", "english", {"a"}), _query("q2", "english", {"b"})]
    answers = {"q1": Answer(["a", "x"], 40), "q2": Answer(["b"], 2)}

    report = evaluate(lambda query: answers[query.id], queries, k=10)

    assert [row.total for row in report.rows] == [40, 2]
    assert [row.precision for row in report.rows] == [0.1, 0.1]
    assert [row.shown_precision for row in report.rows] == [0.5, 1.0]
    assert (report.overall.total, report.overall.shown_precision) == (21.0, 0.75)
    assert evaluate(lambda query: ["a"], queries[:1]).overall.total is None


def test_evaluate_passes_the_whole_query_to_the_runner() -> None:
    seen: list[RelevanceQuery] = []
    query = RelevanceQuery(
        id="q1",
        query="batteries",
        category="multi-facet",
        relevant=frozenset({"a"}),
        filters={"country": ["PT"]},
    )

    def run(asked: RelevanceQuery) -> list[str]:
        seen.append(asked)
        return ["a"]

    evaluate(run, [query])
    assert seen == [query]


def test_report_turns_into_json() -> None:
    report = evaluate(lambda query: ["a", "b"], [_query("q1", "prefix", {"b"})], k=10)
    data = json.loads(json.dumps(report.to_dict()))
    assert data["overall"]["recall@10"] == 1.0
    assert data["overall"]["mrr@10"] == 0.5
    assert data["by_category"]["prefix"]["queries"] == 1
    assert data["queries"][0]["id"] == "q1"
    assert data["queries"][0]["ranked"] == ["a", "b"]
    assert data["queries"][0]["missing"] == []


def test_evaluate_refuses_an_empty_set_or_a_bad_k() -> None:
    with pytest.raises(ValueError, match="no queries"):
        evaluate(lambda query: [], [])
    with pytest.raises(ValueError, match="k must be"):
        evaluate(lambda query: [], [_query("q1", "english", {"a"})], k=0)


# --- the shipped relevance set ------------------------------------------------------------------


@functools.cache
def _demo_clusters() -> dict[str, ClusterRecord]:
    """The demo clusters by slug, converted from the data files as the demo command does."""
    fields = json.loads((TAXONOMY_DATA / "technology_fields.json").read_text(encoding="utf-8"))
    records = demo_records(
        labels={f["slug"]: f["label_en"] for f in fields},
        synonyms={f["slug"]: [f["label_en"], *f["synonyms_en"]] for f in fields},
        branch_of={f["slug"]: f["branch"] for f in fields},
    )
    return {record.slug: record for record in records}


def _facet_values(record: ClusterRecord, facet: str) -> list[str]:
    """The values the cluster index gives a record for a facet. Labels and member types are left
    out on purpose: the index files them under database slugs this record does not carry."""
    values = {
        "country": [record.country],
        "region": [record.region] if record.region else [],
        "kind": [record.kind],
        "field": record.technology_fields,
        "branch": record.branches,
    }
    if facet not in values:
        pytest.fail(f"this test does not know how to check the facet {facet!r}")
    return values[facet]


def test_relevance_set_is_large_and_covers_every_category() -> None:
    queries = load_relevance_set(RELEVANCE_SET)
    assert len(queries) >= 70
    counts = Counter(query.category for query in queries)
    assert set(counts) == set(CATEGORIES)
    assert min(counts.values()) >= 8
    assert all(1 <= len(query.relevant) <= 6 for query in queries)


def test_relevance_set_names_real_clusters_that_pass_its_filters() -> None:
    clusters = _demo_clusters()
    problems: list[str] = []
    for query in load_relevance_set(RELEVANCE_SET):
        for facet, accepted in query.filters.items():
            known = {
                value for record in clusters.values() for value in _facet_values(record, facet)
            }
            unknown = sorted(set(accepted) - known)
            problems += [f"{query.id}: no cluster has {facet}={value}" for value in unknown]
        for slug in sorted(query.relevant):
            record = clusters.get(slug)
            if record is None:
                problems.append(f"{query.id}: unknown cluster {slug}")
                continue
            # Values within a facet are alternatives; different facets must all match.
            for facet, accepted in query.filters.items():
                if not set(_facet_values(record, facet)) & set(accepted):
                    problems.append(f"{query.id}: {slug} is excluded by its own {facet} filter")
    assert problems == []
