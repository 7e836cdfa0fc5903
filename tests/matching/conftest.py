from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from clusterbridge.clusters.models import Cluster
from clusterbridge.clusters.records import CompetenceRecord
from clusterbridge.matching import selectors


@pytest.fixture(autouse=True)
def _fresh_index() -> Iterator[None]:
    """Each test builds its landscape from its own database."""
    selectors.landscape_forget()
    yield
    selectors.landscape_forget()


def competences(*phrases: str, language: str = "en") -> list[CompetenceRecord]:
    return [CompetenceRecord(phrase=p, language=language) for p in phrases]


@pytest.fixture
def pair(make_cluster: Callable[..., Cluster]) -> dict[str, Cluster]:
    """A German lightweight cluster, its French complement, a French competitor, a German
    complement (same country) and an unrelated Spanish cluster."""
    a = make_cluster(
        slug="leicht-de",
        name="Leichtbau Nord",
        technology_fields=["lightweight-construction"],
        value_chain_roles=["research"],
        competences_offered=competences("Crashsimulation von Leichtbaustrukturen", language="de"),
        competences_sought=competences("Carbonfaser-Recycling", language="de"),
    )
    b = make_cluster(
        slug="composites-fr",
        name="Composites France",
        country="FR",
        region="",
        technology_fields=["lightweight-construction"],
        value_chain_roles=["production"],
        competences_offered=competences("recycling of carbon fibres"),
        competences_sought=competences("crash simulation of lightweight structures"),
    )
    c = make_cluster(
        slug="crash-fr",
        name="Crash Lab France",
        country="FR",
        region="",
        technology_fields=["lightweight-construction"],
        value_chain_roles=["research"],
        competences_offered=competences("simulating crashes of light structures"),
        competences_sought=competences("carbon fibre recycling"),
    )
    d = make_cluster(
        slug="recycling-de",
        name="Recycling Süd",
        technology_fields=["lightweight-construction"],
        value_chain_roles=["production"],
        competences_offered=competences("Recycling von Kohlenstofffasern", language="de"),
        competences_sought=competences("Crashsimulation", language="de"),
    )
    e = make_cluster(
        slug="food-es",
        name="Food Spain",
        country="ES",
        region="",
        technology_fields=["food"],
        competences_offered=competences("plant-based meat alternatives"),
        competences_sought=competences("food safety testing"),
    )
    return {"a": a, "b": b, "competitor": c, "same_country": d, "unrelated": e}


def slugs(items: list[Any]) -> list[str]:
    return [m.candidate.slug for m in items]
