from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from clusterbridge.matching import evaluation
from clusterbridge.matching.lexical import tokenizer
from clusterbridge.search.semantic import get_embedder
from clusterbridge.search.services import analyzer_get


@pytest.mark.django_db
def test_planted_pairs_meet_targets_with_fixed_seed() -> None:
    embedder = get_embedder()
    phrases = evaluation.bank_phrases()
    vectors = dict(zip(phrases, embedder.embed(phrases), strict=True))
    landscape = evaluation.plant(pairs=40, seed=7)

    metrics = evaluation.run(
        landscape=landscape,
        vectors=vectors,
        tokenize=tokenizer(analyzer_get()),
        dims=embedder.dimensions,
    )

    assert metrics.recall_at_10 >= 0.9
    assert metrics.above_competitors >= 0.95
    assert metrics.cross_lingual_recall_at_10 >= 0.9
    assert metrics.never_same_country is True


def test_plant_is_reproducible_and_mixes_languages() -> None:
    first = evaluation.plant(pairs=20, seed=3)
    second = evaluation.plant(pairs=20, seed=3)

    assert first.profiles == second.profiles
    assert 0 < sum(p.cross_lingual for p in first.planted) < 20


@pytest.mark.django_db
def test_evaluate_matching_command_prints_metrics() -> None:
    out = StringIO()

    call_command("evaluate_matching", "--pairs", "16", stdout=out)

    text = out.getvalue()
    assert "recall_at_10" in text
    assert "above_competitors" in text
    assert "MISSED" not in text
