from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from clusterbridge.clusters.enums import Direction, Provenance
from clusterbridge.clusters.models import Cluster
from clusterbridge.clusters.services import cluster_update_profile, competences_replace

pytestmark = pytest.mark.django_db


def test_cluster_update_profile_by_manager_saves(
    make_cluster: Callable[..., Cluster], make_user: Callable[..., Any]
) -> None:
    cluster = make_cluster(name="Before")
    manager = make_user()
    cluster.managers.add(manager)

    cluster_update_profile(cluster=cluster, actor=manager, data={"name": "After"})

    cluster.refresh_from_db()
    assert cluster.name == "After"


def test_cluster_update_profile_by_other_manager_is_refused(
    make_cluster: Callable[..., Cluster], make_user: Callable[..., Any]
) -> None:
    mine, theirs = make_cluster(), make_cluster(name="Theirs")
    manager = make_user()
    mine.managers.add(manager)

    with pytest.raises(PermissionDenied):
        cluster_update_profile(cluster=theirs, actor=manager, data={"name": "Mine now"})

    theirs.refresh_from_db()
    assert theirs.name == "Theirs"


def test_cluster_update_profile_by_inactive_manager_is_refused(
    make_cluster: Callable[..., Cluster], make_user: Callable[..., Any]
) -> None:
    cluster = make_cluster()
    manager = make_user(is_active=False)
    cluster.managers.add(manager)

    with pytest.raises(PermissionDenied):
        cluster_update_profile(cluster=cluster, actor=manager, data={"name": "x"})


def test_cluster_update_profile_refuses_fields_outside_the_profile(
    make_cluster: Callable[..., Cluster], make_user: Callable[..., Any]
) -> None:
    cluster = make_cluster(slug="fixed")
    manager = make_user()
    cluster.managers.add(manager)

    with pytest.raises(ValidationError) as error:
        cluster_update_profile(cluster=cluster, actor=manager, data={"slug": "moved"})

    assert error.value.message_dict == {"slug": ["This field cannot be edited here."]}


def test_cluster_update_profile_invalid_value_changes_nothing(
    make_cluster: Callable[..., Cluster], make_user: Callable[..., Any]
) -> None:
    cluster = make_cluster(name="Kept", website="https://kept.example")
    manager = make_user()
    cluster.managers.add(manager)

    with pytest.raises(ValidationError) as error:
        cluster_update_profile(
            cluster=cluster,
            actor=manager,
            data={"name": "Changed", "website": "ftp://nope"},
            competences_offered=["new"],
        )

    assert list(error.value.message_dict) == ["website"]
    cluster.refresh_from_db()
    assert (cluster.name, cluster.website) == ("Kept", "https://kept.example")
    assert cluster.competences.filter(phrase="new").exists() is False


def test_competences_replace_keeps_existing_metadata_and_marks_new_as_manager(
    make_cluster: Callable[..., Cluster],
) -> None:
    cluster = make_cluster(
        competences_offered=[],
    )
    competences_replace(cluster=cluster, direction=Direction.OFFERS, phrases=["a", "b"])
    competences_replace(cluster=cluster, direction=Direction.OFFERS, phrases=["b", " c ", "c"])

    rows = list(
        cluster.competences.filter(direction=Direction.OFFERS)
        .order_by("position")
        .values_list("phrase", "position", "provenance")
    )
    assert rows == [("b", 0, Provenance.MANAGER), ("c", 1, Provenance.MANAGER)]
