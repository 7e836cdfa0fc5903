from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import translation

from clusterbridge.accounts.models import User
from clusterbridge.accounts.services import api_token_create
from clusterbridge.clusters.enums import ClusterKind
from clusterbridge.clusters.models import Cluster, ManagementOrganisation
from clusterbridge.cooperation import services
from clusterbridge.cooperation.models import ContactRequest, Partnership

MESSAGE = "We would like to explore joint projects on carbon fibre recycling."


@pytest.fixture(autouse=True)
def _english_after_each_test() -> Iterator[None]:
    """A page requested in German leaves German active in the test's thread; the next test's
    `reverse` would then build German URLs."""
    yield
    translation.activate("en")


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    """Each party has a password; the production hasher would spend most of the test time."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@dataclass
class Parties:
    """A German cluster A, a French cluster B and a third cluster C, each with a manager, plus
    an administrator and a user without any role."""

    a: Cluster
    b: Cluster
    c: Cluster
    manager_a: User
    manager_b: User
    manager_c: User
    admin: User
    nobody: User


@pytest.fixture
def parties(make_cluster: Callable[..., Cluster], make_user: Callable[..., User]) -> Parties:
    a = make_cluster(slug="alpha", name="Alpha Cluster")
    b = make_cluster(
        slug="bravo",
        name="Bravo Pôle",
        kind=ClusterKind.INTERNATIONAL_CLUSTER.value,
        country="FR",
        region="FR-ARA",
        city="Lyon",
    )
    c = make_cluster(slug="charlie", name="Charlie Cluster", country="NL", region="")
    b.management_organisation = ManagementOrganisation.objects.create(
        name="Bravo Management", email="office@bravo.example"
    )
    b.save()
    manager_a = make_user(username="anna", email="anna@alpha.example", preferred_language="de")
    manager_b = make_user(username="bruno", email="bruno@bravo.example", preferred_language="en")
    manager_c = make_user(username="carla", email="carla@charlie.example")
    a.managers.add(manager_a)
    b.managers.add(manager_b)
    c.managers.add(manager_c)
    admin = make_user(username="root", is_superuser=True, is_staff=True)
    nobody = make_user(username="nobody")
    return Parties(a, b, c, manager_a, manager_b, manager_c, admin, nobody)


@pytest.fixture
def send(parties: Parties) -> Callable[..., ContactRequest]:
    """Sends a request from A to B (or as told) through the service."""

    def make(**overrides: Any) -> ContactRequest:
        values: dict[str, Any] = {
            "sender_cluster": parties.a,
            "receiver_cluster": parties.b,
            "actor": parties.manager_a,
            "topic": "Carbon fibre recycling",
            "message": MESSAGE,
        }
        values.update(overrides)
        return services.contact_request_send(**values)

    return make


@pytest.fixture
def partnership(parties: Parties, send: Callable[..., ContactRequest]) -> Partnership:
    """A partnership of A and B in talks, opened by an accepted request."""
    request = send()
    return services.contact_request_accept(contact_request=request, actor=parties.manager_b)


@pytest.fixture
def token_for(db: None) -> Callable[[User], str]:
    """The raw bearer key of a new token for `user`."""

    def make(user: User) -> str:
        _token, raw = api_token_create(user=user, name="test")
        return raw

    return make


@pytest.fixture
def unclaimed(parties: Parties, make_cluster: Callable[..., Cluster]) -> Cluster:
    """A Spanish cluster nobody manages on the platform yet, whose management organisation
    publishes an address."""
    echo = make_cluster(slug="echo", name="Echo Clúster", country="ES", region="")
    echo.management_organisation = ManagementOrganisation.objects.create(
        name="Echo Management", email="info@echo.example"
    )
    echo.save()
    return echo
