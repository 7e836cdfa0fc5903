"""My clusterbridge: each role sees its own work, nobody sees another's."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from clusterbridge.accounts import claims
from clusterbridge.accounts.enums import Role
from clusterbridge.accounts.models import User
from clusterbridge.accounts.services import user_grant_role
from clusterbridge.clusters.models import Cluster

pytestmark = pytest.mark.django_db


def _page(user: User, language: str = "en") -> str:
    client = Client()
    client.force_login(user)
    return client.get(f"/{language}/accounts/dashboard/").content.decode()


def test_newcomer_is_shown_how_to_claim_a_cluster(make_user: Callable[..., User]) -> None:
    html = _page(make_user())

    assert "Get started" in html
    assert "Your clusters" not in html


def test_manager_sees_their_clusters_and_no_other(
    make_cluster: Callable[..., Cluster], make_user: Callable[..., User]
) -> None:
    mine = make_cluster(slug="mine", name="Mine Cluster")
    make_cluster(slug="theirs", name="Theirs Cluster")
    manager = make_user()
    mine.managers.add(manager)

    html = _page(manager)

    assert "Mine Cluster" in html
    assert "Theirs Cluster" not in html
    assert 'href="/en/matching/mine/"' in html


def test_officer_sees_the_claim_queue(
    make_cluster: Callable[..., Cluster], make_user: Callable[..., User]
) -> None:
    cluster = make_cluster(slug="werft", name="Werft Cluster")
    officer = make_user(username="olga")
    user_grant_role(user=officer, role=Role.PROGRAMME_OFFICER)
    claims.claim_start(user=make_user(), cluster=cluster, note="Me.", base_url="http://t/")

    html = _page(officer, "de")

    assert "Zu prüfende Übernahme-Anfragen" in html
    assert "Werft Cluster" in html


def test_claimant_sees_their_open_claim(
    make_cluster: Callable[..., Cluster], make_user: Callable[..., User]
) -> None:
    cluster = make_cluster(slug="werft", name="Werft Cluster")
    user = make_user()
    claims.claim_start(user=user, cluster=cluster, note="Me.", base_url="http://t/")

    html = _page(user)

    assert "Your claims" in html
    assert "waiting for review" in html


def test_dashboard_needs_a_sign_in(client: Client) -> None:
    response = client.get("/en/accounts/dashboard/")

    assert response["Location"] == "/en/accounts/login/?next=/en/accounts/dashboard/"


def test_manager_sees_the_latest_messages_of_their_conversations(
    make_cluster: Callable[..., Cluster], make_user: Callable[..., User]
) -> None:
    from clusterbridge.cooperation.conversation import message_post
    from clusterbridge.cooperation.services import contact_request_accept, contact_request_send

    werft = make_cluster(slug="werft", name="Werft Cluster")
    lyon = make_cluster(slug="lyon", name="Lyon Maritime", country="FR", region="FR-ARA")
    anna, sophie, stranger = make_user(), make_user(), make_user()
    werft.managers.add(anna)
    lyon.managers.add(sophie)
    request = contact_request_send(
        sender_cluster=werft,
        receiver_cluster=lyon,
        actor=anna,
        topic="Ship recycling",
        message="Shall we recycle ships together in a joint project?",
    )
    partnership = contact_request_accept(contact_request=request, actor=sophie)
    message_post(partnership=partnership, actor=sophie, body="Bonjour, next week?")

    assert "Bonjour, next week?" in _page(anna)
    assert "Bonjour, next week?" not in _page(stranger)
