from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client, override_settings
from pytest_django.live_server_helper import LiveServer

from clusterbridge.accounts.models import User
from clusterbridge.cooperation import services
from clusterbridge.cooperation.models import ContactRequest, Partnership
from tests.api.conftest import http_request
from tests.cooperation.conftest import MESSAGE, Parties

pytestmark = pytest.mark.django_db

Send = Callable[..., ContactRequest]
TokenFor = Callable[[User], str]
PROBLEM = "application/problem+json"
BASE = "/api/v1/cooperation"


def _post(client: Client, path: str, body: Any, token: str | None = None) -> Any:
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    return client.post(f"{BASE}{path}", body, content_type="application/json", **headers)


def _get(client: Client, path: str, token: str | None = None) -> Any:
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    return client.get(f"{BASE}{path}", **headers)


def _new_request_body(**overrides: Any) -> dict[str, Any]:
    return {
        "from_cluster": "alpha",
        "to_cluster": "bravo",
        "topic": "Recycling",
        "message": MESSAGE,
        **overrides,
    }


# --- contact requests -------------------------------------------------------------------------


def test_contact_request_create_returns_201_with_the_request(
    client: Client, parties: Parties, token_for: TokenFor
) -> None:
    response = _post(client, "/contact-requests", _new_request_body(), token_for(parties.manager_a))

    request = ContactRequest.objects.get()
    body = response.json()
    assert response.status_code == 201
    assert {key: body[key] for key in ("id", "sent_by", "topic", "message", "status")} == {
        "id": request.pk,
        "sent_by": "anna",
        "topic": "Recycling",
        "message": MESSAGE,
        "status": "open",
    }
    assert body["receiver_cluster"] == {
        "slug": "bravo",
        "name": "Bravo Pôle",
        "country": "FR",
        "url": "http://testserver/en/clusters/bravo/",
    }


def test_contact_request_create_without_token_is_401_problem(
    client: Client, parties: Parties
) -> None:
    response = _post(client, "/contact-requests", _new_request_body())

    assert (response.status_code, response["Content-Type"], response["WWW-Authenticate"]) == (
        401,
        PROBLEM,
        "Bearer",
    )
    assert ContactRequest.objects.count() == 0


@pytest.mark.parametrize("who", ["manager_b", "manager_c", "admin", "nobody"])
def test_contact_request_create_for_a_cluster_not_managed_is_403_problem(
    client: Client, parties: Parties, token_for: TokenFor, who: str
) -> None:
    response = _post(
        client, "/contact-requests", _new_request_body(), token_for(getattr(parties, who))
    )

    assert (response.status_code, response["Content-Type"]) == (403, PROBLEM)
    assert (
        response.json()["detail"] == "You may only send contact requests for clusters you manage."
    )
    assert ContactRequest.objects.count() == 0


def test_contact_request_create_bad_text_is_422_naming_each_field(
    client: Client, parties: Parties, token_for: TokenFor
) -> None:
    response = _post(
        client,
        "/contact-requests",
        _new_request_body(topic="\x01\x02", message="x" * 4001),
        token_for(parties.manager_a),
    )

    assert (response.status_code, response["Content-Type"]) == (422, PROBLEM)
    assert response.json() == {
        "type": "about:blank",
        "title": "Invalid data",
        "status": 422,
        "detail": "The data breaks a rule.",
        "errors": [
            {"location": "topic", "message": "Name a topic of at least 3 characters (it has 0)."},
            {
                "location": "message",
                "message": "The message is too long: at most 4000 characters (it has 4001).",
            },
        ],
    }


def test_contact_request_create_to_itself_is_422(
    client: Client, parties: Parties, token_for: TokenFor
) -> None:
    response = _post(
        client,
        "/contact-requests",
        _new_request_body(to_cluster="alpha"),
        token_for(parties.manager_a),
    )

    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"location": "", "message": "A cluster cannot send a contact request to itself."}
    ]


def test_contact_request_create_unknown_key_or_cluster_is_rejected(
    client: Client, parties: Parties, token_for: TokenFor
) -> None:
    token = token_for(parties.manager_a)

    extra = _post(client, "/contact-requests", _new_request_body(status="accepted"), token)
    unknown = _post(client, "/contact-requests", _new_request_body(to_cluster="nowhere"), token)

    assert (extra.status_code, extra.json()["errors"]) == (
        422,
        [{"location": "status", "message": "Extra inputs are not permitted"}],
    )
    assert (unknown.status_code, unknown["Content-Type"]) == (404, PROBLEM)


@override_settings(COOPERATION_CONTACT_REQUESTS_PER_DAY=1)
def test_contact_request_create_over_the_limit_is_429_with_retry_after(
    client: Client, parties: Parties, token_for: TokenFor, make_cluster: Callable[..., Any]
) -> None:
    token = token_for(parties.manager_a)
    make_cluster(slug="austria", country="AT", region="")
    _post(client, "/contact-requests", _new_request_body(), token)

    response = _post(client, "/contact-requests", _new_request_body(to_cluster="austria"), token)

    assert (response.status_code, response["Content-Type"]) == (429, PROBLEM)
    assert 86_000 < int(response["Retry-After"]) <= 86_400
    assert response.json()["title"] == "Too many requests"


@pytest.mark.parametrize(
    ("who", "visible"),
    [("manager_a", True), ("manager_b", True), ("admin", True), ("manager_c", False)],
)
def test_contact_request_read_only_by_the_parties(
    client: Client, parties: Parties, send: Send, token_for: TokenFor, who: str, visible: bool
) -> None:
    request = send()
    token = token_for(getattr(parties, who))

    listed = _get(client, "/contact-requests", token)
    one = _get(client, f"/contact-requests/{request.pk}", token)

    assert [row["id"] for row in listed.json()] == ([request.pk] if visible else [])
    assert one.status_code == (200 if visible else 404)


def test_contact_request_read_without_token_is_401(
    client: Client, parties: Parties, send: Send
) -> None:
    request = send()

    assert (
        _get(client, "/contact-requests").status_code,
        _get(client, f"/contact-requests/{request.pk}").status_code,
    ) == (401, 401)


@pytest.mark.parametrize(
    ("who", "status"),
    [("manager_b", 200), ("manager_a", 403), ("admin", 403), ("manager_c", 404)],
)
def test_contact_request_accept_only_by_the_receiving_side(
    client: Client, parties: Parties, send: Send, token_for: TokenFor, who: str, status: int
) -> None:
    request = send()

    response = _post(
        client,
        f"/contact-requests/{request.pk}/accept",
        {"reply": "Yes"},
        token_for(getattr(parties, who)),
    )

    assert (response.status_code, response["Content-Type"].split(";")[0]) == (
        status,
        "application/json" if status == 200 else PROBLEM,
    )
    assert Partnership.objects.count() == (1 if status == 200 else 0)
    if status == 200:
        partnership = Partnership.objects.get()
        assert (response.json()["status"], response.json()["partnership_id"]) == (
            "accepted",
            partnership.pk,
        )


def test_contact_request_decline_and_withdraw_over_the_api(
    client: Client,
    parties: Parties,
    send: Send,
    token_for: TokenFor,
    make_cluster: Callable[..., Any],
) -> None:
    declined = send()
    withdrawn = send(receiver_cluster=make_cluster(slug="austria", country="AT", region=""))

    decline = _post(
        client,
        f"/contact-requests/{declined.pk}/decline",
        {"reply": "No"},
        token_for(parties.manager_b),
    )
    withdraw = _post(
        client, f"/contact-requests/{withdrawn.pk}/withdraw", None, token_for(parties.manager_a)
    )
    again = _post(
        client, f"/contact-requests/{declined.pk}/decline", {}, token_for(parties.manager_b)
    )

    assert (decline.json()["status"], decline.json()["reply"], withdraw.json()["status"]) == (
        "declined",
        "No",
        "withdrawn",
    )
    assert (again.status_code, again.json()["errors"]) == (
        422,
        [{"location": "", "message": "This contact request is no longer open (it was declined)."}],
    )


# --- partnerships -----------------------------------------------------------------------------


def test_partnership_list_by_cluster_is_public(
    client: Client, parties: Parties, partnership: Partnership
) -> None:
    response = _get(client, "/partnerships?cluster=bravo")

    assert response.status_code == 200
    [row] = response.json()
    assert {key: row[key] for key in ("id", "stage", "stage_label", "url")} == {
        "id": partnership.pk,
        "stage": "in_talks",
        "stage_label": "in talks",
        "url": f"http://testserver/en/cooperation/partnerships/{partnership.pk}/",
    }
    assert (row["german_cluster"]["slug"], row["partner_cluster"]["slug"]) == ("alpha", "bravo")


def test_partnership_list_unknown_or_missing_cluster_is_problem(
    client: Client, parties: Parties
) -> None:
    unknown = _get(client, "/partnerships?cluster=nowhere")
    missing = _get(client, "/partnerships")

    assert (unknown.status_code, unknown["Content-Type"]) == (404, PROBLEM)
    assert (missing.status_code, missing.json()["errors"]) == (
        422,
        [{"location": "query.cluster", "message": "Field required"}],
    )


def test_partnership_list_invalid_token_is_401(client: Client, parties: Parties) -> None:
    response = _get(client, "/partnerships?cluster=alpha", token="not-a-token")

    assert (response.status_code, response["Content-Type"]) == (401, PROBLEM)


@pytest.mark.parametrize(
    ("who", "listed"), [("manager_a", True), ("admin", True), ("manager_c", False), (None, False)]
)
def test_partnership_list_ended_only_for_the_parties(
    client: Client,
    parties: Parties,
    partnership: Partnership,
    token_for: TokenFor,
    who: str | None,
    listed: bool,
) -> None:
    services.partnership_move(partnership=partnership, actor=parties.manager_a, stage="ended")
    token = token_for(getattr(parties, who)) if who else None

    response = _get(client, "/partnerships?cluster=alpha", token)

    assert [row["id"] for row in response.json()] == ([partnership.pk] if listed else [])


def test_partnership_list_query_count_does_not_grow(
    client: Client,
    parties: Parties,
    send: Send,
    make_cluster: Callable[..., Any],
    django_assert_num_queries: Any,
) -> None:
    services.contact_request_accept(contact_request=send(), actor=parties.manager_b)
    with django_assert_num_queries(2):
        one = _get(client, "/partnerships?cluster=alpha")
    for n in range(2):
        other = make_cluster(slug=f"abroad-{n}", country="AT", region="")
        other.managers.add(parties.manager_b)
        services.contact_request_accept(
            contact_request=send(receiver_cluster=other), actor=parties.manager_b
        )

    with django_assert_num_queries(2):
        three = _get(client, "/partnerships?cluster=alpha")

    assert (len(one.json()), len(three.json())) == (1, 3)


@pytest.mark.parametrize(
    ("who", "history"),
    [
        ("manager_a", True),
        ("manager_b", True),
        ("admin", True),
        ("manager_c", False),
        (None, False),
    ],
)
def test_partnership_detail_history_only_for_the_parties(
    client: Client,
    parties: Parties,
    partnership: Partnership,
    token_for: TokenFor,
    who: str | None,
    history: bool,
) -> None:
    token = token_for(getattr(parties, who)) if who else None

    body = _get(client, f"/partnerships/{partnership.pk}", token).json()

    if history:
        assert [(h["from_stage"], h["to_stage"], h["by"]) for h in body["history"]] == [
            ("", "contacted", "anna"),
            ("contacted", "in_talks", "bruno"),
        ]
    else:
        assert body["history"] is None


@pytest.mark.parametrize(
    ("who", "status", "stage"),
    [
        ("manager_a", 200, "concept"),
        ("manager_b", 200, "concept"),
        ("admin", 200, "concept"),
        ("manager_c", 403, "in_talks"),
        ("nobody", 403, "in_talks"),
    ],
)
def test_partnership_transition_only_by_the_parties(
    client: Client,
    parties: Parties,
    partnership: Partnership,
    token_for: TokenFor,
    who: str,
    status: int,
    stage: str,
) -> None:
    response = _post(
        client,
        f"/partnerships/{partnership.pk}/transitions",
        {"stage": "concept", "note": "Go"},
        token_for(getattr(parties, who)),
    )

    partnership.refresh_from_db()
    assert (response.status_code, partnership.stage) == (status, stage)
    if status == 200:
        assert response.json()["history"][-1] == {
            "from_stage": "in_talks",
            "to_stage": "concept",
            "by": getattr(parties, who).username,
            "note": "Go",
            "at": response.json()["history"][-1]["at"],
        }


def test_partnership_transition_not_allowed_or_unknown_stage_is_422(
    client: Client, parties: Parties, partnership: Partnership, token_for: TokenFor
) -> None:
    token = token_for(parties.manager_a)

    backwards = _post(
        client, f"/partnerships/{partnership.pk}/transitions", {"stage": "contacted"}, token
    )
    unknown = _post(
        client, f"/partnerships/{partnership.pk}/transitions", {"stage": "married"}, token
    )

    assert (backwards.status_code, backwards.json()["errors"][0]["location"]) == (422, "stage")
    assert (unknown.status_code, unknown.json()["errors"][0]["location"]) == (422, "stage")


def test_partnership_transition_without_token_is_401(
    client: Client, parties: Parties, partnership: Partnership
) -> None:
    response = _post(client, f"/partnerships/{partnership.pk}/transitions", {"stage": "concept"})

    assert (response.status_code, response["Content-Type"]) == (401, PROBLEM)


@pytest.mark.django_db(transaction=True)
def test_cooperation_over_http_send_accept_and_move(
    live_server: LiveServer, parties: Parties, token_for: TokenFor
) -> None:
    sent = http_request(
        live_server.url,
        "POST",
        f"{BASE}/contact-requests",
        body=_new_request_body(),
        token=token_for(parties.manager_a),
    )
    accepted = http_request(
        live_server.url,
        "POST",
        f"{BASE}/contact-requests/{sent.json()['id']}/accept",
        body={},
        token=token_for(parties.manager_b),
    )
    partnership_id = accepted.json()["partnership_id"]
    moved = http_request(
        live_server.url,
        "POST",
        f"{BASE}/partnerships/{partnership_id}/transitions",
        body={"stage": "concept"},
        token=token_for(parties.manager_b),
    )

    assert (sent.status, accepted.status, moved.status, moved.json()["stage"]) == (
        201,
        200,
        200,
        "concept",
    )
