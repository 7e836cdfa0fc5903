from __future__ import annotations

import numpy as np
import pytest

from clusterbridge.matching.engine import ClusterProfile, MatchIndex, MatchWeights, Phrase


def _index(profiles: list[ClusterProfile], weights: MatchWeights | None = None) -> MatchIndex:
    # One-hot vectors: a phrase is semantically identical to its synonym ("x-de") only.
    topics = sorted({p.text.removesuffix("-de") for c in profiles for p in (*c.offers, *c.seeks)})
    vectors = {}
    for i, topic in enumerate(topics):
        v = np.zeros(8, dtype=np.float32)
        v[i] = 1.0
        vectors[topic] = vectors[f"{topic}-de"] = v
    return MatchIndex(profiles, vectors=vectors, tokenize=lambda t: [], dims=8, weights=weights)


def _cluster(i: int, country: str, offers: str, seeks: str, **kw: object) -> ClusterProfile:
    return ClusterProfile(
        id=i,
        slug=f"c{i}",
        name=f"C{i}",
        country=country,
        fields=("photonics",),
        branches=("optics-photonics",),
        offers=(Phrase(offers),),
        seeks=(Phrase(seeks),),
        **kw,  # type: ignore[arg-type]
    )


def test_score_parts_of_perfect_complement() -> None:
    index = _index(
        [
            _cluster(1, "DE", "a", "b", roles=("research",)),
            _cluster(2, "FR", "b-de", "a", roles=("production",)),
        ]
    )

    match = index.score_pair(0, 1)

    assert match.parts["shared_domain"] == pytest.approx(1.0)
    assert match.parts["offers_sought"] == pytest.approx(1.0)
    assert match.parts["sought_offered"] == pytest.approx(1.0)
    assert match.parts["sameness"] == pytest.approx(0.0)
    assert match.parts["value_chain"] == pytest.approx(0.25)
    assert match.parts["feasibility"] == pytest.approx(0.5)


def test_sameness_penalises_competitor() -> None:
    index = _index([_cluster(1, "DE", "a", "b"), _cluster(2, "FR", "a", "b")])

    match = index.score_pair(0, 1)

    assert match.parts["sameness"] == pytest.approx(1.0)
    # 0.25 domain + 0.05 x 0.5 feasibility - 0.30 sameness is below zero: the floor is 0.
    assert match.parts["value_chain"] == pytest.approx(0.0)
    assert match.score == 0.0


def test_feasibility_unknown_counts_half_and_stated_counts_full() -> None:
    index = _index(
        [
            _cluster(1, "DE", "a", "b"),
            _cluster(
                2, "FR", "b", "a", has_management=True, states_funding=True, international=True
            ),
        ]
    )

    assert index.score_pair(0, 1).parts["feasibility"] == pytest.approx(1.0)
    assert index.score_pair(1, 0).parts["feasibility"] == pytest.approx(0.5)


def test_weights_reject_unknown_and_negative() -> None:
    with pytest.raises(ValueError, match="unknown matching weights: bogus"):
        MatchWeights.from_mapping({"bogus": 1})
    with pytest.raises(ValueError, match="must be a finite number"):
        MatchWeights(sameness=-1)


def test_weights_change_ranking() -> None:
    profiles = [
        _cluster(1, "DE", "a", "b"),
        _cluster(2, "FR", "b", "z"),  # offers what 1 seeks
        _cluster(3, "FR", "y", "a"),  # seeks what 1 offers
    ]

    offer_first = _index(profiles, MatchWeights(offers_sought=1, sought_offered=0.1))
    seek_first = _index(profiles, MatchWeights(offers_sought=0.1, sought_offered=1))

    assert [m.candidate.slug for m in offer_first.partners(0)] == ["c2", "c3"]
    assert [m.candidate.slug for m in seek_first.partners(0)] == ["c3", "c2"]
