from __future__ import annotations

from collections.abc import Callable

import pytest

from clusterbridge.clusters.models import Cluster
from clusterbridge.clusters.selectors import cluster_filters_parse
from clusterbridge.matching import selectors
from tests.matching.conftest import slugs


@pytest.mark.django_db
def test_partners_complement_abroad_ranks_first_and_competitor_after(
    pair: dict[str, Cluster],
) -> None:
    result = selectors.partners_for(cluster=pair["a"])

    assert slugs(result.matches) == ["composites-fr", "crash-fr"]
    first, second = result.matches
    assert first.parts["offers_sought"] > 0.9
    assert first.parts["sought_offered"] > 0.9
    assert second.parts["sameness"] > 0.9
    assert first.score > second.score


@pytest.mark.django_db
def test_partners_never_same_country_or_unrelated_field(pair: dict[str, Cluster]) -> None:
    result = selectors.partners_for(cluster=pair["a"], limit=50)

    assert "recycling-de" not in slugs(result.matches)
    assert "food-es" not in slugs(result.matches)
    assert all(m.candidate.country != "DE" for m in result.matches)


@pytest.mark.django_db
def test_partners_match_german_phrase_to_english_counterpart(pair: dict[str, Cluster]) -> None:
    match = selectors.partners_for(cluster=pair["a"]).matches[0]

    assert match.offers_sought[0].wanted == "Carbonfaser-Recycling"
    assert match.offers_sought[0].offered == "recycling of carbon fibres"
    assert match.shared_fields == ("lightweight-construction",)
    assert match.strong_roles == ("production",)


@pytest.mark.django_db
def test_partners_filter_by_country_kind_and_field(
    pair: dict[str, Cluster], make_cluster: Callable[..., Cluster]
) -> None:
    make_cluster(
        slug="composites-nl",
        country="NL",
        region="",
        technology_fields=["lightweight-construction"],
        competences_offered=[],
        competences_sought=[],
    )

    by_country = selectors.partners_for(
        cluster=pair["a"], filters=cluster_filters_parse(countries=["NL"])
    )
    by_kind = selectors.partners_for(
        cluster=pair["a"], filters=cluster_filters_parse(kinds=["innovation-region"])
    )
    by_field = selectors.partners_for(
        cluster=pair["a"], filters=cluster_filters_parse(fields=["food"])
    )

    assert slugs(by_country.matches) == ["composites-nl"]
    assert slugs(by_kind.matches) == []
    assert slugs(by_field.matches) == []


@pytest.mark.django_db
def test_partners_without_competences_say_what_to_fill_in(
    make_cluster: Callable[..., Cluster],
) -> None:
    empty = make_cluster(slug="empty", competences_offered=[], competences_sought=[])

    result = selectors.partners_for(cluster=empty)

    assert result.matches == []
    assert result.missing == ["competences"]
    assert not result.can_match


@pytest.mark.django_db
def test_similar_lists_the_competitor_first_in_any_country(pair: dict[str, Cluster]) -> None:
    similar = selectors.similar_for(cluster=pair["a"], limit=5)

    assert slugs(similar)[0] == "crash-fr"
    assert "leicht-de" not in slugs(similar)


@pytest.mark.django_db
def test_profile_panel_is_cached_and_needs_no_query_on_hit(
    pair: dict[str, Cluster], django_assert_num_queries: Callable[..., object]
) -> None:
    first = selectors.profile_panel(cluster=pair["a"])

    with django_assert_num_queries(0):  # type: ignore[attr-defined]
        again = selectors.profile_panel(cluster=pair["a"])

    assert again == first
    assert [e.slug for e in first.partners] == ["composites-fr", "crash-fr"]


@pytest.mark.django_db
def test_profile_panels_warm_fills_every_cluster(pair: dict[str, Cluster]) -> None:
    count = selectors.profile_panels_warm()

    assert count == 5
    assert selectors.profile_panel(cluster=pair["b"]).partners[0].slug == "leicht-de"


@pytest.mark.django_db
def test_index_rebuilds_after_a_change(
    pair: dict[str, Cluster], make_cluster: Callable[..., Cluster]
) -> None:
    before = selectors.landscape_get()
    make_cluster(slug="late", country="PL", region="", technology_fields=["photonics"])

    after = selectors.landscape_get()

    assert after is not before
    assert "late" in after.index.position


@pytest.mark.django_db
def test_partners_exclude_existing_partners_on_request(pair: dict[str, Cluster]) -> None:
    from clusterbridge.cooperation.enums import PartnershipStage
    from clusterbridge.cooperation.models import Partnership

    Partnership.objects.create(
        german_cluster=pair["a"], partner_cluster=pair["b"], stage=PartnershipStage.IN_TALKS
    )

    kept = selectors.partners_for(cluster=pair["a"])
    excluded = selectors.partners_for(cluster=pair["a"], exclude_partners=True)

    assert slugs(kept.matches) == ["composites-fr", "crash-fr"]
    assert slugs(excluded.matches) == ["crash-fr"]
