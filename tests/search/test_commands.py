"""The management commands `reindex` and `evaluate_search`, on a small index."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from clusterbridge.clusters.models import Cluster
from clusterbridge.search.models import SearchDocument, SearchWord
from clusterbridge.search.semantic import bytes_to_vector, get_embedder
from clusterbridge.search.services import index_rebuild

pytestmark = pytest.mark.django_db

MakeCluster = Callable[..., Cluster]
SECONDS = r"\d+\.\d s"


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.fixture
def two(make_cluster: MakeCluster) -> list[Cluster]:
    return [
        make_cluster(slug="photonics-network", name="Photonics Network"),
        make_cluster(
            slug="auto-south",
            name="Auto South",
            region="DE-BW",
            technology_fields=["automotive"],
            description_en="Cars and trucks.",
        ),
    ]


def _embedders() -> list[tuple[str, bool]]:
    return [
        (row.title, row.embedding is not None and len(bytes(row.embedding)) == 1024)
        for row in SearchDocument.objects.order_by("title").only("title", "embedding")
    ]


def test_reindex_builds_the_index_with_embeddings(two: list[Cluster]) -> None:
    output = _run("reindex", "--no-progress")

    assert re.fullmatch(rf"2 documents indexed, 2 embedded in {SECONDS}\.\n", output), output
    assert _embedders() == [("Auto South", True), ("Photonics Network", True)]
    assert set(SearchDocument.objects.values_list("embedder", flat=True)) == {get_embedder().name}


def test_reindex_without_embeddings_builds_the_lexical_index(two: list[Cluster]) -> None:
    output = _run("reindex", "--no-progress", "--no-embeddings")

    assert re.fullmatch(rf"2 documents indexed, 0 embedded in {SECONDS}\.\n", output), output
    assert _embedders() == [("Auto South", False), ("Photonics Network", False)]
    assert {"photonics", "network", "auto", "south", "cars", "trucks"} <= set(
        SearchWord.objects.values_list("word", flat=True)
    )


def test_reindex_missing_embeddings_fills_only_the_gaps(two: list[Cluster]) -> None:
    _run("reindex", "--no-progress", "--no-embeddings")

    first = _run("reindex", "--no-progress", "--missing-embeddings")
    second = _run("reindex", "--no-progress", "--missing-embeddings")

    assert (first, second) == ("2 documents embedded.\n", "0 documents embedded.\n")
    assert _embedders() == [("Auto South", True), ("Photonics Network", True)]


def test_reindex_if_empty_keeps_a_filled_index_and_adds_missing_vectors(
    two: list[Cluster],
) -> None:
    _run("reindex", "--no-progress", "--no-embeddings")
    before = list(SearchDocument.objects.order_by("pk").values_list("pk", flat=True))

    output = _run("reindex", "--no-progress", "--if-empty")

    assert output == "The index holds documents; 2 missing vectors added.\n"
    assert list(SearchDocument.objects.order_by("pk").values_list("pk", flat=True)) == before
    assert _embedders() == [("Auto South", True), ("Photonics Network", True)]


def test_reindex_if_empty_with_no_embeddings_embeds_nothing(two: list[Cluster]) -> None:
    _run("reindex", "--no-progress", "--no-embeddings")

    _run("reindex", "--no-progress", "--if-empty", "--no-embeddings")

    assert _embedders() == [("Auto South", False), ("Photonics Network", False)]


def test_reindex_if_empty_on_an_empty_index_builds_it(two: list[Cluster]) -> None:
    output = _run("reindex", "--no-progress", "--if-empty", "--no-embeddings")

    assert re.fullmatch(rf"2 documents indexed, 0 embedded in {SECONDS}\.\n", output), output


def test_reindex_drops_documents_of_deleted_clusters(two: list[Cluster]) -> None:
    index_rebuild(embed=False)
    two[1].delete()

    output = _run("reindex", "--no-progress", "--no-embeddings")

    assert re.fullmatch(rf"1 documents indexed, 0 embedded in {SECONDS}\.\n", output), output
    assert list(SearchDocument.objects.values_list("title", flat=True)) == ["Photonics Network"]


# --- evaluate_search ----------------------------------------------------------------------


@pytest.fixture
def relevance_set(tmp_path: Path, two: list[Cluster]) -> Path:
    index_rebuild(embed=False)
    path = tmp_path / "relevance.json"
    path.write_text(
        json.dumps(
            [
                {
                    "id": "q1",
                    "query": "photonics",
                    "category": "english",
                    "relevant": ["photonics-network"],
                },
                {
                    "id": "q2",
                    "query": "Lastwagen",
                    "category": "german",
                    "relevant": ["auto-south"],
                },
            ]
        )
    )
    return path


def _line(mode: str, recall: str, mrr: str, ndcg: str, precision: str, engine: str = "auto") -> str:
    """The first line of a mode; `precision`: "P@10 (of shown)", then results per query."""
    return (
        rf"{connection.vendor:10} {engine:8} {mode:8} recall@10 {recall}  MRR {mrr}  "
        rf"nDCG@10 {ndcg}  {precision}  "
        r"\d+\.\d ms/query  \(2 queries\)"
    )


# "photonics" finds its one relevant cluster (P@10 1/10, of the one shown 1/1); "Lastwagen"
# finds nothing: 0.5 results per query.
PRECISION = r"P@10 0\.050 \(of shown 0\.500\)  0\.5 results/query"


def test_evaluate_search_prints_recall_lines_per_mode_and_category(relevance_set: Path) -> None:
    output = _run("evaluate_search", "--set", str(relevance_set), "--mode", "lexical")

    lines = output.splitlines()
    assert len(lines) == 3, output
    assert re.fullmatch(_line("lexical", "0.500", "0.500", "0.500", PRECISION), lines[0]), output
    assert lines[1:] == [
        "    english        recall 1.000  MRR 1.000  nDCG 1.000  P 0.100 (1.000)  results 1.0",
        "    german         recall 0.000  MRR 0.000  nDCG 0.000  P 0.000 (0.000)  results 0.0",
    ]


def test_evaluate_search_both_modes_lists_misses_and_writes_json(
    relevance_set: Path, tmp_path: Path
) -> None:
    report = tmp_path / "report.json"

    output = _run("evaluate_search", "--set", str(relevance_set), "--misses", "--json", str(report))

    lines = output.splitlines()
    assert [line.split()[2] for line in lines if line.startswith(connection.vendor)] == [
        "lexical",
        "blend",
    ]
    assert "    miss q2 'Lastwagen': ['auto-south'] got [] of 0 results" in lines
    data = json.loads(report.read_text())
    assert (data["backend"], sorted(data)) == (
        connection.vendor,
        ["backend", "blend", "engine", "lexical"],
    )
    assert data["lexical"]["overall"]["recall@10"] == 0.5
    assert data["lexical"]["overall"]["precision@10"] == 0.05
    assert data["lexical"]["overall"]["shown_precision@10"] == 0.5
    assert data["lexical"]["overall"]["mean_results"] == 0.5
    assert [q["results"] for q in data["lexical"]["queries"]] == [1, 0]


@pytest.mark.parametrize("engine", ["database", "memory"])
def test_evaluate_search_answers_by_the_engine_asked_for_and_restores_it(
    relevance_set: Path, engine: str
) -> None:
    from clusterbridge.search import facet_index

    size_from = facet_index.IN_MEMORY_FROM
    output = _run(
        "evaluate_search", "--set", str(relevance_set), "--mode", "lexical", "--engine", engine
    )

    first = output.splitlines()[0]
    assert re.fullmatch(_line("lexical", "0.500", "0.500", "0.500", PRECISION, engine), first), (
        output
    )
    assert size_from == facet_index.IN_MEMORY_FROM
    assert facet_index.facet_index_get() is None  # the small index is back on the database


def test_evaluate_search_unknown_set_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(CommandError) as error:
        call_command("evaluate_search", "--set", str(tmp_path / "none.json"))

    assert str(error.value) == f"{tmp_path / 'none.json'}: no such relevance set"


def _index_state() -> tuple[list[tuple[Any, ...]], list[tuple[str, Any]]]:
    rows = list(
        SearchDocument.objects.order_by("object_id").values_list(
            "object_id", "tokens_a", "tokens_b", "tokens_c", "words", "facets", "embedder"
        )
    )
    vectors = [
        (slug, bytes_to_vector(bytes(blob), get_embedder().dimensions))
        for slug, blob in SearchDocument.objects.order_by("object_id").values_list(
            "url_path", "embedding"
        )
    ]
    return rows, vectors


def test_rebuild_in_worker_processes_writes_what_the_caller_writes(
    two: list[Cluster], monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    from clusterbridge.search import embedding_pool

    index_rebuild(embed=True)
    inline_rows, inline_vectors = _index_state()
    monkeypatch.setattr(embedding_pool, "POOL_FROM", 0)
    settings.SEARCH_EMBED_WORKERS = 1

    report = index_rebuild(embed=True)

    pool_rows, pool_vectors = _index_state()
    assert (report.indexed, report.embedded) == (2, 2)
    assert pool_rows == inline_rows
    assert [slug for slug, _v in pool_vectors] == [slug for slug, _v in inline_vectors]
    # The same texts, embedded in batches of another size: equal up to float rounding.
    assert all(
        float(a @ b) > 0.999 for (_s, a), (_t, b) in zip(pool_vectors, inline_vectors, strict=True)
    )
