"""Who may see and do what, through the pages: a user never sees or touches a request or a
partnership history that is not theirs. (The API's matrix is in test_api.py; the services'
own checks in test_services.py.)"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from clusterbridge.accounts.models import User
from clusterbridge.cooperation.enums import ContactRequestStatus
from clusterbridge.cooperation.models import ContactRequest, Partnership
from tests.cooperation.conftest import MESSAGE, Parties

pytestmark = pytest.mark.django_db

Send = Callable[..., ContactRequest]
ROLES = ["manager_a", "manager_b", "manager_c", "admin", "anonymous"]


def _client(parties: Parties, role: str) -> Client:
    client = Client()
    if role != "anonymous":
        user: User = getattr(parties, role)
        client.force_login(user)
    return client


def _login_redirect(response: object, path: str) -> bool:
    return getattr(response, "status_code", 0) == 302 and getattr(response, "url", "").startswith(
        f"/en/accounts/login/?next={path}"
    )


@pytest.mark.parametrize(
    ("role", "status"),
    [("manager_a", 200), ("manager_b", 200), ("admin", 200), ("manager_c", 404)],
)
def test_contact_request_detail_visible_only_to_the_parties(
    parties: Parties, send: Send, role: str, status: int
) -> None:
    request = send()

    response = _client(parties, role).get(request.get_absolute_url())

    assert response.status_code == status
    if status == 200:
        assert MESSAGE in response.content.decode()


def test_contact_request_detail_anonymous_is_sent_to_login(parties: Parties, send: Send) -> None:
    path = send().get_absolute_url()

    assert _login_redirect(_client(parties, "anonymous").get(path), path)


@pytest.mark.parametrize(
    ("role", "accept_form", "withdraw_form"),
    [
        ("manager_a", False, True),
        ("manager_b", True, False),
        ("admin", False, False),
    ],
)
def test_contact_request_detail_offers_only_the_actions_of_the_role(
    parties: Parties, send: Send, role: str, accept_form: bool, withdraw_form: bool
) -> None:
    request = send()

    html = _client(parties, role).get(request.get_absolute_url()).content.decode()

    assert (
        f"/requests/{request.pk}/accept/" in html,
        f"/requests/{request.pk}/withdraw/" in html,
    ) == (
        accept_form,
        withdraw_form,
    )


@pytest.mark.parametrize(
    ("role", "status", "outcome"),
    [
        ("manager_b", 302, ContactRequestStatus.ACCEPTED),
        ("manager_a", 403, ContactRequestStatus.OPEN),
        ("admin", 403, ContactRequestStatus.OPEN),
        ("manager_c", 404, ContactRequestStatus.OPEN),
    ],
)
@pytest.mark.parametrize("action", ["accept", "decline"])
def test_contact_request_answer_only_by_the_receiving_managers(
    parties: Parties, send: Send, role: str, status: int, outcome: str, action: str
) -> None:
    request = send()

    response = _client(parties, role).post(
        reverse(f"cooperation:contact_request_{action}", kwargs={"pk": request.pk})
    )

    request.refresh_from_db()
    expected = outcome
    if outcome == ContactRequestStatus.ACCEPTED and action == "decline":
        expected = ContactRequestStatus.DECLINED
    assert (response.status_code, request.status) == (status, expected)


@pytest.mark.parametrize("action", ["accept", "decline", "withdraw"])
def test_contact_request_actions_anonymous_is_sent_to_login(
    parties: Parties, send: Send, action: str
) -> None:
    request = send()
    path = reverse(f"cooperation:contact_request_{action}", kwargs={"pk": request.pk})

    response = _client(parties, "anonymous").post(path)

    request.refresh_from_db()
    assert (_login_redirect(response, path), request.status) == (True, "open")


@pytest.mark.parametrize(
    ("role", "status", "outcome"),
    [
        ("manager_a", 302, ContactRequestStatus.WITHDRAWN),
        ("manager_b", 403, ContactRequestStatus.OPEN),
        ("admin", 403, ContactRequestStatus.OPEN),
        ("manager_c", 404, ContactRequestStatus.OPEN),
    ],
)
def test_contact_request_withdraw_only_by_the_sending_managers(
    parties: Parties, send: Send, role: str, status: int, outcome: str
) -> None:
    request = send()

    response = _client(parties, role).post(
        reverse("cooperation:contact_request_withdraw", kwargs={"pk": request.pk})
    )

    request.refresh_from_db()
    assert (response.status_code, request.status) == (status, outcome)


@pytest.mark.parametrize(
    ("role", "status"),
    [("manager_a", 200), ("manager_b", 403), ("manager_c", 403), ("admin", 403)],
)
def test_contact_request_form_only_for_managers_of_the_sending_cluster(
    parties: Parties, role: str, status: int
) -> None:
    url = reverse(
        "cooperation:contact_request_create", kwargs={"slug": "alpha", "to_slug": "bravo"}
    )
    client = _client(parties, role)

    get = client.get(url)
    post = client.post(url, {"topic": "Recycling", "message": MESSAGE})

    assert (get.status_code, post.status_code) == (status, 302 if status == 200 else status)
    assert ContactRequest.objects.count() == (1 if status == 200 else 0)


def test_contact_request_form_anonymous_is_sent_to_login(parties: Parties) -> None:
    url = reverse(
        "cooperation:contact_request_create", kwargs={"slug": "alpha", "to_slug": "bravo"}
    )

    assert _login_redirect(_client(parties, "anonymous").get(url), url)


def test_inbox_of_a_third_party_shows_nothing_of_others(parties: Parties, send: Send) -> None:
    send()

    response = _client(parties, "manager_c").get(reverse("cooperation:inbox"))

    assert (response.context["inbox"].received, response.context["inbox"].sent) == ([], [])
    assert "Carbon fibre recycling" not in response.content.decode()


@pytest.mark.parametrize(
    ("role", "history", "move_form"),
    [
        ("manager_a", True, True),
        ("manager_b", True, True),
        ("admin", True, True),
        ("manager_c", False, False),
        ("anonymous", False, False),
    ],
)
def test_partnership_page_history_and_moves_only_for_the_parties(
    parties: Parties, partnership: Partnership, role: str, history: bool, move_form: bool
) -> None:
    response = _client(parties, role).get(partnership.get_absolute_url())

    html = response.content.decode()
    assert response.status_code == 200
    assert ("Gladly" in html or "Carbon fibre recycling" in html) == history
    assert (f"/partnerships/{partnership.pk}/move/" in html) == move_form


@pytest.mark.parametrize(
    ("role", "status", "stage"),
    [
        ("manager_a", 302, "concept"),
        ("manager_b", 302, "concept"),
        ("admin", 302, "concept"),
        ("manager_c", 403, "in_talks"),
    ],
)
def test_partnership_move_only_by_the_parties(
    parties: Parties, partnership: Partnership, role: str, status: int, stage: str
) -> None:
    response = _client(parties, role).post(
        reverse("cooperation:partnership_move", kwargs={"pk": partnership.pk}), {"stage": "concept"}
    )

    partnership.refresh_from_db()
    assert (response.status_code, partnership.stage) == (status, stage)


def test_partnership_move_anonymous_is_sent_to_login(
    parties: Parties, partnership: Partnership
) -> None:
    path = reverse("cooperation:partnership_move", kwargs={"pk": partnership.pk})

    response = _client(parties, "anonymous").post(path, {"stage": "concept"})

    partnership.refresh_from_db()
    assert (_login_redirect(response, path), partnership.stage) == (True, "in_talks")


@pytest.mark.parametrize(
    ("role", "status"), [("manager_a", 200), ("admin", 200), ("manager_c", 404), ("anonymous", 404)]
)
def test_ended_partnership_visible_only_to_the_parties(
    parties: Parties, partnership: Partnership, role: str, status: int
) -> None:
    Partnership.objects.filter(pk=partnership.pk).update(stage="ended")

    response = _client(parties, role).get(partnership.get_absolute_url())

    assert response.status_code == status
