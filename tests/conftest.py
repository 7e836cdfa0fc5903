from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.core.cache import cache

from clusterbridge.accounts.models import User
from clusterbridge.clusters.enums import ClusterKind
from clusterbridge.clusters.models import Cluster
from clusterbridge.clusters.records import ClusterRecord
from clusterbridge.clusters.services import clusters_write


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    """Cached counts are dropped after commit in real use; tests roll back instead, so every
    test starts with an empty cache."""
    cache.clear()


@pytest.fixture
def make_cluster(db: None) -> Callable[..., Cluster]:
    """Builds a cluster through the same write path the import uses."""
    counter = {"n": 0}

    def make(**overrides: Any) -> Cluster:
        counter["n"] += 1
        n = counter["n"]
        values: dict[str, Any] = {
            "slug": f"cluster-{n}",
            "name": f"Cluster {n}",
            "kind": ClusterKind.CLUSTER.value,
            "country": "DE",
            "region": "DE-BY",
            "city": "München",
            "latitude": 48.14,
            "longitude": 11.58,
            "location_precision": "exact",
            "description_en": f"A test cluster number {n}.",
            "technology_fields": ["photonics"],
            "value_chain_roles": ["research"],
        }
        values.update(overrides)
        clusters_write(records=[ClusterRecord(**values)])
        return Cluster.objects.get(slug=values["slug"])

    return make


@pytest.fixture
def make_user(db: None) -> Callable[..., User]:
    counter = {"n": 0}

    def make(**overrides: Any) -> User:
        counter["n"] += 1
        values: dict[str, Any] = {"username": f"user{counter['n']}"}
        values.update(overrides)
        values.setdefault("email", f"{values['username']}@people.example")
        password = values.pop("password", "a-long-test-password")
        user = User.objects.create_user(**values)
        user.set_password(password)
        user.save()
        # Signing in asks for a verified address, as a real sign-up has one.
        if user.email:
            EmailAddress.objects.create(
                user=user, email=user.email.lower(), verified=True, primary=True
            )
        return user

    return make
