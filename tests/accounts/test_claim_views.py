"""The claim, review and managers pages: who may see and do what."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from clusterbridge.accounts import claims
from clusterbridge.accounts.enums import Role
from clusterbridge.accounts.models import ClusterClaim, User
from clusterbridge.accounts.services import user_grant_role
from clusterbridge.clusters.models import Cluster

pytestmark = pytest.mark.django_db


@pytest.fixture
def werft(make_cluster: Callable[..., Cluster]) -> Cluster:
    return make_cluster(slug="werft", name="Werft Cluster", website="https://www.werft.example/")


def _client(user: User | None = None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_unclaimed_profile_invites_its_managers_to_claim(client: Client, werft: Cluster) -> None:
    html = client.get("/en/clusters/werft/").content.decode()

    assert "Not yet claimed" in html
    assert 'href="/en/accounts/claim/werft/"' in html


def test_claimed_profile_says_so(
    client: Client, werft: Cluster, make_user: Callable[..., User]
) -> None:
    werft.managers.add(make_user())

    html = client.get("/de/clusters/werft/").content.decode()

    assert "Auf clusterbridge verwaltet" in html
    assert "/accounts/claim/werft/" not in html


def test_claim_page_asks_visitors_to_sign_in(client: Client, werft: Cluster) -> None:
    response = client.get("/en/accounts/claim/werft/")

    assert response["Location"] == "/en/accounts/login/?next=/en/accounts/claim/werft/"


def test_claim_form_keeps_input_and_names_the_field(
    werft: Cluster, make_user: Callable[..., User]
) -> None:
    response = _client(make_user()).post(
        "/en/accounts/claim/werft/", {"route": "domain", "email": "me@gmail.com"}
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert 'value="me@gmail.com"' in html
    assert 'id="id_email_errors"' in html
    assert ClusterClaim.objects.count() == 0


def test_claim_by_review_lands_in_the_officers_queue(
    werft: Cluster, make_user: Callable[..., User]
) -> None:
    officer = make_user(username="olga")
    user_grant_role(user=officer, role=Role.PROGRAMME_OFFICER)
    _client(make_user(username="dora")).post(
        "/en/accounts/claim/werft/", {"route": "review", "note": "Managing director."}
    )

    queue = _client(officer).get("/en/accounts/claims/").content.decode()

    assert "Werft Cluster" in queue
    assert "Managing director." in queue


@pytest.mark.parametrize("role", ["anonymous", "plain", "manager", "juror"])
def test_claim_queue_is_closed_to_others(
    role: str, werft: Cluster, make_user: Callable[..., User]
) -> None:
    claim = claims.claim_start(
        user=make_user(username="x"), cluster=werft, note="Me.", base_url="http://t/"
    )
    user = None if role == "anonymous" else make_user(username=role)
    if role == "manager":
        werft.managers.add(user)
    if role == "juror":
        user_grant_role(user=user, role=Role.JURY_MEMBER)  # type: ignore[arg-type]
    client = _client(user)

    listing = client.get("/en/accounts/claims/")
    decision = client.post(f"/en/accounts/claims/{claim.pk}/decide/", {"decision": "approve"})

    claim.refresh_from_db()
    expected = 302 if role == "anonymous" else 403
    assert (listing.status_code, decision.status_code, claim.state) == (
        expected,
        expected,
        "awaiting_review",
    )
    assert list(werft.managers.all()) == ([user] if role == "manager" else [])


def test_managers_page_is_for_the_clusters_managers_only(
    werft: Cluster, make_user: Callable[..., User]
) -> None:
    manager, outsider = make_user(username="m"), make_user(username="o")
    werft.managers.add(manager)

    assert _client(manager).get("/en/accounts/clusters/werft/managers/").status_code == 200
    assert _client(outsider).get("/en/accounts/clusters/werft/managers/").status_code == 403
    response = _client(outsider).post(f"/en/accounts/clusters/werft/managers/{manager.pk}/remove/")
    assert response.status_code == 403
    assert list(werft.managers.all()) == [manager]


def test_invitation_to_oneself_is_refused_on_the_page(
    werft: Cluster, make_user: Callable[..., User]
) -> None:
    manager = make_user(username="m2")
    werft.managers.add(manager)

    response = _client(manager).post(
        "/en/accounts/clusters/werft/managers/", {"email": "m2@people.example"}
    )

    assert response.status_code == 400
    assert "You cannot invite yourself." in response.content.decode()


def test_last_manager_sees_why_they_cannot_leave(
    werft: Cluster, make_user: Callable[..., User]
) -> None:
    manager = make_user(username="solo")
    werft.managers.add(manager)
    client = _client(manager)

    response = client.post(
        f"/en/accounts/clusters/werft/managers/{manager.pk}/remove/", follow=True
    )

    assert "A cluster needs at least one manager." in response.content.decode()
    assert list(werft.managers.all()) == [manager]


def test_confirm_link_needs_a_post(
    werft: Cluster,
    make_user: Callable[..., User],
    mailoutbox: list[Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    user = make_user(username="lu")
    with django_capture_on_commit_callbacks(execute=True):
        claims.claim_start(user=user, cluster=werft, email="lu@werft.example", base_url="http://t/")
    path = mailoutbox[0].body.split("http://t")[1].split()[0]
    client = _client(user)

    client.get(path)
    assert list(werft.managers.all()) == []
    client.post(path)
    assert list(werft.managers.all()) == [user]


def test_officer_decides_on_the_page_and_a_rejection_without_reason_keeps_the_claim(
    werft: Cluster, make_user: Callable[..., User]
) -> None:
    officer = make_user(username="olga")
    user_grant_role(user=officer, role=Role.PROGRAMME_OFFICER)
    first = claims.claim_start(user=make_user(), cluster=werft, note="A.", base_url="http://t/")
    second = claims.claim_start(user=make_user(), cluster=werft, note="B.", base_url="http://t/")
    client = _client(officer)

    listing = client.get("/en/accounts/claims/").content.decode()
    refused = client.post(
        f"/en/accounts/claims/{first.pk}/decide/", {f"claim-{first.pk}-decision": "reject"}
    )
    approved = client.post(
        f"/en/accounts/claims/{second.pk}/decide/", {f"claim-{second.pk}-decision": "approve"}
    )

    # Each claim's form has its own field ids.
    ids = re.findall(r'id="([^"]+)"', listing)
    assert len(ids) == len(set(ids))
    assert f"id_claim-{first.pk}-note" in ids
    assert refused.status_code == 400
    assert "Say why, so that the person knows what to do." in refused.content.decode()
    assert approved.status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.state, second.state) == ("awaiting_review", "approved")
