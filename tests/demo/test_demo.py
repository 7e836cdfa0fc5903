"""The demo data: every real record loaded, nothing invented, and loading twice changes nothing."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command

from clusterbridge.accounts.models import ClusterClaim, User
from clusterbridge.clusters.enums import Direction, LocationPrecision, Provenance
from clusterbridge.clusters.models import (
    Cluster,
    Competence,
    FundingSource,
    Label,
    ManagementOrganisation,
    MemberCount,
)
from clusterbridge.clusters.records import ClusterRecord
from clusterbridge.cooperation.models import ContactRequest, Partnership
from clusterbridge.demo.convert import demo_records, load_raw
from clusterbridge.demo.services import DemoResult, demo_load
from clusterbridge.matching.models import PhraseVector
from clusterbridge.programme.models import Application
from clusterbridge.taxonomy.models import TechnologyField

pytestmark = pytest.mark.django_db


def _raw_records() -> list[dict[str, Any]]:
    german, international = load_raw()
    return german + international


def _records() -> list[ClusterRecord]:
    """The converted records, in the order of the raw ones, described as demo_load does."""
    fields = list(TechnologyField.objects.select_related("branch"))
    return demo_records(
        labels={f.slug: f.label_en for f in fields},
        synonyms={f.slug: [f.label_en, *f.synonyms_en] for f in fields},
        branch_of={f.slug: f.branch.slug for f in fields},
    )


def _counts() -> dict[str, int]:
    return {
        "clusters": Cluster.objects.count(),
        "competences": Competence.objects.count(),
        "member_counts": MemberCount.objects.count(),
        "labels": Label.objects.count(),
        "funding_sources": FundingSource.objects.count(),
        "organisations": ManagementOrganisation.objects.count(),
        "field_links": Cluster.technology_fields.through.objects.count(),
        "branch_links": Cluster.branches.through.objects.count(),
        "role_links": Cluster.value_chain_roles.through.objects.count(),
        "label_links": Cluster.labels.through.objects.count(),
        "funding_links": Cluster.funding_sources.through.objects.count(),
    }


def test_demo_load_creates_every_record_of_both_files() -> None:
    german, international = load_raw()

    result = demo_load()

    assert result == DemoResult(created=len(german) + len(international), updated=0)
    assert Cluster.objects.count() == len(german) + len(international)
    assert Cluster.objects.filter(country="DE").count() == sum(
        raw["country"] == "DE" for raw in german + international
    )


def test_demo_load_names_match_the_data() -> None:
    demo_load()

    assert sorted(Cluster.objects.values_list("name", flat=True)) == sorted(
        raw["name"].strip() for raw in _raw_records()
    )


def test_demo_load_twice_updates_instead_of_duplicating() -> None:
    first = demo_load()
    counts = _counts()

    second = demo_load()

    assert second == DemoResult(created=0, updated=first.created)
    assert _counts() == counts


def test_demo_load_if_empty_skips_loaded_database() -> None:
    demo_load()

    result = demo_load(only_if_empty=True)

    assert result == DemoResult(0, 0, skipped=True)


def test_demo_command_reports_created_then_skips() -> None:
    total = len(_raw_records())
    first, second = io.StringIO(), io.StringIO()

    call_command("demo", no_progress=True, stdout=first)
    call_command("demo", if_empty=True, no_progress=True, stdout=second)

    # Inside the test's transaction the index is not written (it follows commits), so the
    # demo finds no document to embed.
    lines = first.getvalue().splitlines()
    embedded = PhraseVector.objects.count()
    logins = [
        "Demo logins (password: clusterbridge-demo):",
        "  manager.de@demo.example        manager of a German cluster",
        "  manager.abroad@demo.example    manager of a cluster abroad",
        "  juror@demo.example             jury member",
        "  officer@demo.example           programme officer",
        "  admin@demo.example             administrator",
    ]
    assert lines == [
        f"Demo data loaded: {total} clusters created, 0 updated.",
        "0 search documents embedded.",
        f"{embedded} competence phrases embedded for matchmaking.",
        *logins,
    ]
    assert embedded > 1000
    assert second.getvalue().splitlines() == [
        "The database already holds clusters; demo data not loaded.",
        *logins,
    ]
    _assert_demo_story()


def _assert_demo_story() -> None:
    """Each role's dashboard has something on it, made once however often `demo` runs."""
    anna = User.objects.get(email="manager.de@demo.example")
    louise = User.objects.get(email="manager.abroad@demo.example")
    juror = User.objects.get(email="juror@demo.example")
    assert User.objects.count() == 5
    assert list(anna.managed_clusters.values_list("slug", flat=True)) == ["photonics-bw"]
    assert sorted(louise.managed_clusters.values_list("slug", flat=True)) == [
        "optonique",
        "photonics-bretagne",
    ]
    assert sorted(ContactRequest.objects.values_list("receiver_cluster__slug", "status")) == [
        ("fpc", "held"),
        ("photonics-bretagne", "accepted"),
        ("photonics-bw", "open"),
    ]
    assert Partnership.objects.count() == 1
    assert ClusterClaim.objects.filter(state="awaiting_review").count() == 1
    sketch = Application.objects.get(cluster__slug="photonics-bw")
    assert (sketch.is_sample, list(sketch.assignments.values_list("juror", flat=True))) == (
        True,
        [juror.pk],
    )
    assert all(u.has_usable_password() for u in User.objects.all())


def test_no_login_is_created_outside_the_demo_command() -> None:
    demo_load()
    call_command("reindex", no_embeddings=True, stdout=io.StringIO())
    call_command("match_refresh", stdout=io.StringIO())

    assert User.objects.count() == 0


def test_demo_load_every_cluster_cites_a_source() -> None:
    demo_load()

    assert [c.slug for c in Cluster.objects.all() if not c.sources] == []


def test_demo_load_sources_as_published() -> None:
    demo_load()

    assert sorted(
        sorted(sources) for sources in Cluster.objects.values_list("sources", flat=True)
    ) == sorted(sorted(set(raw["sources"])) for raw in _raw_records())


def test_demo_load_every_german_cluster_has_its_region() -> None:
    demo_load()

    german = Cluster.objects.filter(country="DE")
    assert [c.slug for c in german if not c.region.startswith("DE-")] == []
    assert sorted(german.values_list("region", flat=True)) == sorted(
        raw["federal_state"] for raw in _raw_records() if raw["country"] == "DE"
    )


def test_demo_load_sought_competences_are_derived() -> None:
    demo_load()

    sought = Competence.objects.filter(direction=Direction.SEEKS)
    assert sought.count() > 0
    assert set(sought.values_list("provenance", flat=True)) == {Provenance.DERIVED}
    assert sought.filter(technology_field=None).count() == 0
    assert sought.filter(value_chain_role=None).count() == 0


def test_demo_load_offered_competences_come_from_sources() -> None:
    demo_load()

    offered = Competence.objects.filter(direction=Direction.OFFERS)
    assert set(offered.values_list("provenance", flat=True)) == {Provenance.SOURCE}
    assert offered.count() == sum(
        len(dict.fromkeys(p.strip()[:200] for p in raw.get("competences_offered") or []))
        for raw in _raw_records()
    )


def test_demo_load_coordinates_within_range() -> None:
    demo_load()

    located = Cluster.objects.exclude(latitude=None)
    assert located.count() > 0
    assert [
        c.slug
        for c in located
        if c.longitude is None or not (-90 <= c.latitude <= 90 and -180 <= c.longitude <= 180)
    ] == []


def test_demo_load_published_coordinates_kept_exact() -> None:
    demo_load()
    clusters = {c.slug: c for c in Cluster.objects.all()}

    mismatched = [
        record.slug
        for raw, record in zip(_raw_records(), _records(), strict=True)
        if raw.get("latitude") is not None
        and (
            clusters[record.slug].latitude,
            clusters[record.slug].longitude,
            clusters[record.slug].location_precision,
        )
        != (raw["latitude"], raw["longitude"], LocationPrecision.EXACT)
    ]

    assert mismatched == []


def test_demo_load_missing_coordinates_only_approximate() -> None:
    demo_load()
    clusters = {c.slug: c for c in Cluster.objects.all()}

    placed = [
        (clusters[record.slug].location_precision, clusters[record.slug].latitude is None)
        for raw, record in zip(_raw_records(), _records(), strict=True)
        if raw.get("latitude") is None
    ]

    assert placed != []
    assert [
        (precision, unplaced)
        for precision, unplaced in placed
        if not (
            (precision in {LocationPrecision.CITY, LocationPrecision.REGION} and not unplaced)
            or (precision == "" and unplaced)
        )
    ] == []


def test_demo_load_german_records_without_coordinates_placed_in_their_state() -> None:
    demo_load()
    clusters = {c.slug: c for c in Cluster.objects.all()}

    unplaced = [
        record.slug
        for raw, record in zip(_raw_records(), _records(), strict=True)
        if raw["country"] == "DE" and clusters[record.slug].latitude is None
    ]

    assert unplaced == []
