"""Explanations: each partner's sentences name what sets it apart from the others of its list."""

from __future__ import annotations

import numpy as np
import pytest
from django.utils import translation

from clusterbridge.matching import explain
from clusterbridge.matching.engine import ClusterProfile, MatchIndex, MatchWeights, Phrase
from clusterbridge.matching.selectors import Labels

LABELS = Labels(
    fields={
        "photonics": ("Photonics", "Photonik"),
        "lasers": ("Laser technology", "Lasertechnik"),
        "quantum": ("Quantum technologies", "Quantentechnologien"),
    },
    roles={"production": ("Production", "Produktion"), "research": ("Research", "Forschung")},
)


def _vector(*weights: float) -> np.ndarray:
    v = np.zeros(8, dtype=np.float32)
    v[: len(weights)] = weights
    return v / np.linalg.norm(v)


# Cosines: "fibre lasers" answers "laser sources" (1.0); "laser optics" comes near it (0.5,
# calibrated 0.375: related, not evidence); the rest are unrelated (0).
VECTORS = {
    "laser sources": _vector(1),
    "fibre lasers": _vector(1),
    "laser optics": _vector(0.5, np.sqrt(0.75)),
    "optical coatings": _vector(0, 0, 1),
    "photonics training": _vector(0, 0, 0, 1),
    "wafer testing": _vector(0, 0, 0, 0, 1),
}


def _profile(
    i: int, country: str, offers: tuple[str, ...], seeks: tuple[str, ...], **kw: object
) -> ClusterProfile:
    return ClusterProfile(
        id=i,
        slug=f"c{i}",
        name=f"Cluster {i}",
        country=country,
        fields=kw.pop("fields", ("photonics",)),  # type: ignore[arg-type]
        branches=("optics-photonics",),
        offers=tuple(Phrase(t) for t in offers),
        seeks=tuple(Phrase(t) for t in seeks),
        **kw,  # type: ignore[arg-type]
    )


def _index(*profiles: ClusterProfile) -> MatchIndex:
    return MatchIndex(profiles, vectors=VECTORS, tokenize=lambda t: [], dims=8)


def test_two_partners_with_the_same_field_and_roles_get_different_sentences() -> None:
    index = _index(
        _profile(1, "DE", ("optical coatings",), ("laser sources",), roles=("research",)),
        _profile(2, "FR", ("fibre lasers",), ("wafer testing",), roles=("production",)),
        _profile(
            3,
            "NL",
            ("laser optics", "photonics training"),
            ("wafer testing",),
            roles=("production",),
            fields=("photonics", "lasers"),
        ),
    )

    with translation.override("en"):
        first, second = (explain.sentences(m, LABELS) for m in index.partners(0))

    assert first == [
        "Cluster 2 offers “fibre lasers”, which matches what Cluster 1 seeks: “laser sources”.",
        "It shares Cluster 1's field Photonics and is strong in Production, where Cluster 1 is "
        "weak.",
    ]
    assert second == [
        "Of what Cluster 3 offers, “laser optics” comes closest to what Cluster 1 seeks: "
        "“laser sources”.",
        "It shares Cluster 1's field Photonics, also works in Laser technology, and is strong in "
        "Production, where Cluster 1 is weak.",
    ]
    assert explain.repetition([[first, second]]) == explain.Repetition(sentences=4, repeated=0)


def test_sentences_in_german_quote_with_german_marks() -> None:
    index = _index(
        _profile(1, "DE", ("optical coatings",), ("laser sources",)),
        _profile(2, "FR", ("laser optics", "photonics training"), ("optical coatings",)),
    )

    with translation.override("de"):
        said = explain.sentences(index.score_pair(0, 1), LABELS)

    assert said == [
        "Von dem, was Cluster 2 bietet, kommt „laser optics“ dem am nächsten, was Cluster 1 "
        "sucht: „laser sources“.",
        "Cluster 2 sucht „optical coatings“, und Cluster 1 bietet „optical coatings“.",
        "Es teilt das Feld Photonik mit Cluster 1.",
    ]


def test_without_any_related_offer_the_partner_own_offers_are_quoted() -> None:
    index = _index(
        _profile(1, "DE", ("optical coatings",), ("laser sources",)),
        _profile(2, "FR", ("wafer testing", "photonics training"), ("laser sources",)),
    )

    with translation.override("en"):
        said = explain.sentences(index.score_pair(0, 1), LABELS)

    assert said[0] == "Cluster 2 offers “wafer testing” and “photonics training”."


def test_feasibility_sentence_names_the_stated_facts_only() -> None:
    index = _index(
        _profile(1, "DE", ("optical coatings",), ("laser sources",)),
        _profile(2, "FR", ("fibre lasers",), ("wafer testing",), has_management=True),
        _profile(3, "FR", ("fibre lasers",), ("wafer testing",), states_funding=True),
        _profile(4, "FR", ("fibre lasers",), ("wafer testing",)),
    )

    with translation.override("en"):
        said = [explain.sentences(index.score_pair(0, b), LABELS) for b in (1, 2, 3)]

    assert said[0][-1] == "For the programme, it has a management organisation."
    assert said[1][-1] == "For the programme, it states funding of its own."
    assert said[2][-1] == "It shares Cluster 1's field Photonics."


def test_part_effects_add_up_to_the_score_and_sameness_lowers_it() -> None:
    index = _index(
        _profile(1, "DE", ("fibre lasers",), ("optical coatings",)),
        _profile(2, "FR", ("fibre lasers", "optical coatings"), ("photonics training",)),
    )
    weights = MatchWeights()
    match = index.score_pair(0, 1)

    rows = {row.name: row for row in explain.part_rows(match, weights)}

    assert rows["sameness"].penalty is True
    assert rows["sameness"].effect == pytest.approx(-0.30 / 0.9, abs=1e-4)
    assert [name for name, row in rows.items() if row.penalty] == ["sameness"]
    assert all(row.effect >= 0 for name, row in rows.items() if name != "sameness")
    assert sum(row.effect for row in rows.values()) == pytest.approx(match.score, abs=1e-3)


def test_repetition_counts_sentences_another_partner_of_the_list_has() -> None:
    lists = [
        [["a", "shared"], ["b", "shared"], ["c"]],
        [["shared"], ["d"]],  # another list: "shared" here is no repetition
    ]

    assert explain.repetition(lists) == explain.Repetition(sentences=7, repeated=2)
    assert explain.repetition(lists).share == pytest.approx(2 / 7, abs=1e-4)
