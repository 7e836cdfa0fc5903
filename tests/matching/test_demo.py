"""Matchmaking on the real demo landscape: 261 German and 321 international clusters."""

from __future__ import annotations

import pytest

from clusterbridge.demo.services import demo_load
from clusterbridge.matching import selectors
from clusterbridge.matching.services import phrase_vectors_refresh


@pytest.mark.django_db
def test_demo_german_top10_abroad_and_field_sharing_first() -> None:
    demo_load()
    phrase_vectors_refresh()
    index = selectors.landscape_get().index
    german = [a for a, p in enumerate(index.profiles) if p.country == "DE"]
    complete = 0

    for a in german:
        matches = index.partners(a, limit=10)
        sharing = [bool(m.shared_fields) for m in matches]
        abroad = index.country != index.country[a]
        abroad_with_field = int((abroad & (index.fields[a] @ index.fields.T > 0)).sum())
        abroad_related = int((abroad & (index.branches[a] @ index.branches.T > 0)).sum())

        assert len(matches) == min(10, max(abroad_with_field, abroad_related))
        assert all(m.candidate.country != "DE" for m in matches)
        # Partners sharing a field come first; a related area only fills the list where
        # fewer than ten clusters abroad share a field (30 German clusters in the demo data).
        assert sharing == sorted(sharing, reverse=True)
        assert sum(sharing) == min(10, abroad_with_field)
        complete += len(matches) == 10 and all(sharing)

    assert len(german) == 261
    assert complete == 231
