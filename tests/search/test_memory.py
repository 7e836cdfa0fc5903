"""Matching and ranking in memory from the backend's postings (large indexes), on SQLite and
PostgreSQL: per-token postings by column, the posting cache and its bound, the ranking."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import pytest

from clusterbridge.clusters.models import Cluster
from clusterbridge.search import facet_index, memory
from clusterbridge.search.backends import get_backend
from clusterbridge.search.facet_index import FacetIndex, facet_index_get, full_text_row, parse_ids
from clusterbridge.search.models import SearchDocument
from clusterbridge.search.query import parse
from clusterbridge.search.selectors import SearchRequest, known_words, search
from clusterbridge.search.services import analyzer_get, index_rebuild

pytestmark = pytest.mark.django_db

MakeCluster = Callable[..., Cluster]


@pytest.fixture
def large(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every index counts as large: searches match and rank in memory."""
    facet_index.forget()
    monkeypatch.setattr(facet_index, "IN_MEMORY_FROM", 0)
    yield
    facet_index.forget()


@pytest.fixture
def three(make_cluster: MakeCluster) -> None:
    make_cluster(slug="titled", name="Photonics Hub", description_en="Optics and more.")
    make_cluster(
        slug="texted",
        name="Optics Valley",
        description_en="Photonics for industry, lasers and sensors.",
    )
    make_cluster(slug="other", name="Auto South", technology_fields=["automotive"])
    index_rebuild(embed=False)


def _index() -> FacetIndex:
    index = facet_index_get()
    assert index is not None
    return index


def _id(slug: str) -> int:
    return SearchDocument.objects.get(url_path__endswith=f"/{slug}/").pk


def test_token_postings_name_the_documents_and_titles_holding_the_token(
    three: None, large: None
) -> None:
    row = full_text_row(*get_backend().token_postings_sql("photon")) or ()

    holding, titles = (set(parse_ids(ids).tolist()) for ids in row)

    assert holding == {_id("titled"), _id("texted")}
    assert titles == {_id("titled")}


def test_a_posting_weighs_title_over_text(three: None, large: None) -> None:
    index = _index()

    found = memory.posting(index, ("token", "photon"))

    weights = dict(zip(index.ids[found.rows].tolist(), found.weights.tolist(), strict=True))
    assert weights[_id("titled")] == memory.TITLE_WEIGHT + memory.MATCH_WEIGHT
    assert weights[_id("texted")] == memory.MATCH_WEIGHT
    assert _id("other") not in weights


def test_words_postings_serve_prefixes_and_phrases(three: None, large: None) -> None:
    index = _index()

    prefix = memory.posting(index, ("prefix", "photo"))
    phrase = memory.posting(index, ("phrase", ("lasers", "and", "sensors")))
    reversed_phrase = memory.posting(index, ("phrase", ("sensors", "and", "lasers")))

    assert set(index.ids[prefix.rows].tolist()) == {_id("titled"), _id("texted")}
    assert index.ids[phrase.rows].tolist() == [_id("texted")]
    assert reversed_phrase.rows.size == 0


def test_title_matches_rank_first(three: None, large: None) -> None:
    results = search(SearchRequest(q="photonics", mode="lexical"))

    assert [hit.url_path.strip("/").split("/")[-1] for hit in results.hits] == [
        "titled",
        "texted",
    ]


def test_matches_follow_the_query_logic(three: None, large: None) -> None:
    index = _index()

    def slugs(q: str) -> set[str]:
        query = parse(q, analyzer_get(), known_words, as_you_type=False)
        rows = memory.matches(query, index)
        return {
            path.strip("/").split("/")[-1]
            for path in SearchDocument.objects.filter(pk__in=index.ids[rows].tolist()).values_list(
                "url_path", flat=True
            )
        }

    assert slugs("photonics lasers") == {"texted"}
    assert slugs("photonics") == {"titled", "texted"}
    assert slugs('"lasers and sensors" optics') == {"texted"}
    assert slugs("zeppelin") == set()


def test_the_posting_cache_stays_within_its_bound(
    three: None, large: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    index = _index()
    one = memory.posting(index, ("token", "photon"))
    monkeypatch.setattr(memory, "CACHE_BYTES", one.nbytes)

    for token in ("optic", "laser", "sensor", "photon"):
        memory.posting(index, ("token", token))
    results = search(SearchRequest(q="photonics optics", mode="lexical"))

    assert sum(p.nbytes for p in index.postings.values()) <= one.nbytes
    assert results.total == 2


def test_a_new_index_version_starts_with_no_postings(
    three: None, large: None, make_cluster: MakeCluster
) -> None:
    first = _index()
    search(SearchRequest(q="photonics", mode="lexical"))
    assert first.postings

    make_cluster(slug="late", name="Late Photonics", country="FR", region="", city="Lyon")
    index_rebuild(embed=False)
    results = search(SearchRequest(q="photonics", mode="lexical"))

    assert _index() is not first
    assert results.total == 3


def test_ranked_orders_by_name_and_newest_as_the_database_does(
    make_cluster: MakeCluster, large: None
) -> None:
    for slug, name in (("b", "Beta Photonics"), ("a", "Alpha Photonics"), ("c", "Gamma Photonics")):
        make_cluster(slug=slug, name=name)
    index_rebuild(embed=False)
    index = _index()
    query = parse("photonics", analyzer_get(), known_words)
    rows = memory.matches(query, index)

    by_name = memory.ranked(query, index, rows, sort="name", limit=2)
    everything = memory.ranked(query, index, rows, sort="name", limit=10)

    assert by_name == everything[:2]
    names = dict(SearchDocument.objects.values_list("pk", "title"))
    assert [names[i] for i in everything] == [
        "Alpha Photonics",
        "Beta Photonics",
        "Gamma Photonics",
    ]
    assert memory.ranked(query, index, np.empty(0, dtype=np.int64), sort="name", limit=5) == []


def test_a_query_fetches_its_unseen_postings_in_one_statement(
    three: None, large: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    index = _index()
    statements: list[str] = []
    original = memory.full_text_row

    def counted(sql: str, params: Any) -> Any:
        statements.append(sql)
        return original(sql, params)

    monkeypatch.setattr(memory, "full_text_row", counted)
    query = parse('photonics lasers "optics and more" sen', analyzer_get(), known_words)

    first = memory.matches(query, index).size
    fetched = len(statements)
    again = memory.matches(query, index).size

    assert len(memory.query_keys(query)) > 5
    assert (fetched, len(statements)) == (1, 1)
    assert first == again
