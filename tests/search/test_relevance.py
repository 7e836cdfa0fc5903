"""The search on the real demo data, scored on the relevance set (tests/search/relevance.json).

The demo data and the full index (with embeddings) are built once for this module, inside a
transaction that is rolled back afterwards, so other modules see an empty database.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction

from clusterbridge.clusters.models import Cluster
from clusterbridge.demo.services import demo_load
from clusterbridge.search.evaluation import EvaluationReport
from clusterbridge.search.management.commands.evaluate_search import DEFAULT_SET, run_relevance_set
from clusterbridge.search.models import SearchDocument
from clusterbridge.search.selectors import SearchRequest, search
from clusterbridge.search.semantic import get_embedder
from clusterbridge.search.services import index_rebuild

pytestmark = pytest.mark.django_db

ANY_WORDS_NOTICE = "No result contains all the words; showing results with some of them."


@pytest.fixture(scope="module")
def demo_index(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    with django_db_blocker.unblock(), transaction.atomic():
        demo_load()
        index_rebuild(embed=True)
        yield
        transaction.set_rollback(True)


def _figures(report: EvaluationReport) -> str:
    lines = [
        f"recall@10 {report.overall.recall:.3f} MRR {report.overall.mrr:.3f} "
        f"nDCG@10 {report.overall.ndcg:.3f} ({report.overall.queries} queries)"
    ]
    lines += [
        f"  {category}: recall {summary.recall:.3f}"
        for category, summary in sorted(report.by_category.items())
    ]
    lines += [
        f"  miss {row.query.id} {row.query.query!r}: {row.missing}"
        for row in report.rows
        if row.missing
    ]
    return "\n".join(lines)


def test_demo_index_holds_every_cluster_with_a_vector(demo_index: None) -> None:
    clusters = Cluster.objects.count()

    documents = SearchDocument.objects.filter(doc_type="cluster", embedder=get_embedder().name)

    assert (clusters, documents.count()) == (582, 582)


def test_relevance_blend_recall_at_10_is_at_least_0_9(demo_index: None, engine: str) -> None:
    report = run_relevance_set(DEFAULT_SET, "blend")

    assert report.overall.recall >= 0.9, _figures(report)


def test_relevance_lexical_recall_at_10_is_at_least_0_85(demo_index: None, engine: str) -> None:
    report = run_relevance_set(DEFAULT_SET, "lexical")

    assert report.overall.recall >= 0.85, _figures(report)


# Descriptive queries no document answers word for word: before the floor, the fallback to
# any of the words found 580, 419 and 540 of the 582 documents (the query's common words,
# "clusters", "companies", "Unternehmen", are in nearly every profile).
DESCRIPTIVE = {
    "clusters that help small companies develop batteries for electric cars": (35, 71),
    "network of companies working on hydrogen for heavy trucks": (44, 58),
    "Unternehmen, die Software für die Industrie entwickeln": (14, 24),
}


@pytest.mark.parametrize("q", sorted(DESCRIPTIVE))
def test_descriptive_query_keeps_only_partial_matches_above_the_floor(
    demo_index: None, engine: str, q: str
) -> None:
    lexical = search(SearchRequest(q=q, mode="lexical"))
    blend = search(SearchRequest(q=q, mode="blend"))

    # The same totals on every engine: both paths apply the same floor.
    assert (lexical.total, blend.total) == DESCRIPTIVE[q]
    assert lexical.notice == ANY_WORDS_NOTICE
