"""Held contact requests and the partners' conversation over real HTTP, against the live server
(the in-process client skips the server's request parsing and encoding)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from pytest_django.live_server_helper import LiveServer

from clusterbridge.accounts.models import User
from clusterbridge.clusters.models import Cluster
from clusterbridge.cooperation import services
from clusterbridge.cooperation.models import ContactRequest, Message, Partnership
from tests.api.conftest import http_request
from tests.cooperation.conftest import MESSAGE, Parties

pytestmark = pytest.mark.django_db(transaction=True)

TokenFor = Callable[[User], str]
BASE = "/api/v1/cooperation"
PROBLEM = "application/problem+json"


def test_http_request_to_a_cluster_without_managers_is_held_then_delivered(
    live_server: LiveServer,
    parties: Parties,
    unclaimed: Cluster,
    token_for: TokenFor,
    make_user: Callable[..., User],
) -> None:
    sent = http_request(
        live_server.url,
        "POST",
        f"{BASE}/contact-requests",
        body={"from_cluster": "alpha", "to_cluster": "echo", "topic": "Fibres", "message": MESSAGE},
        token=token_for(parties.manager_a),
        headers={"Accept-Language": "de"},
    )
    manager_e = make_user(username="elena", email="elena@echo.example")
    unclaimed.managers.add(manager_e)
    request_id = sent.json()["id"]
    before = http_request(
        live_server.url, "GET", f"{BASE}/contact-requests/{request_id}", token=token_for(manager_e)
    )
    services.contact_requests_deliver_held(cluster=unclaimed)
    after = http_request(
        live_server.url, "GET", f"{BASE}/contact-requests/{request_id}", token=token_for(manager_e)
    )

    assert (sent.status, sent.json()["status"], sent.json()["notice"]) == (
        201,
        "held",
        "Dieses Cluster ist clusterbridge noch nicht beigetreten. Wir stellen Ihre Anfrage zu, "
        "sobald es beitritt, und sagen Ihnen dann Bescheid.",
    )
    assert (before.status, before.headers["content-type"]) == (404, PROBLEM)
    delivered = ContactRequest.objects.get(pk=request_id).delivered_at
    assert delivered is not None
    assert (after.status, after.json()["status"], after.json()["notice"]) == (200, "open", "")
    assert after.json()["delivered_at"][:19] == delivered.isoformat()[:19]


def test_http_conversation_post_list_and_refusals(
    live_server: LiveServer, parties: Parties, partnership: Partnership, token_for: TokenFor
) -> None:
    path = f"{BASE}/partnerships/{partnership.pk}/messages"

    posted = http_request(
        live_server.url,
        "POST",
        path,
        body={"body": "Bonjour! <script>alert(1)</script>"},
        token=token_for(parties.manager_b),
    )
    listed = http_request(live_server.url, "GET", path, token=token_for(parties.manager_a))
    outsider_list = http_request(live_server.url, "GET", path, token=token_for(parties.manager_c))
    outsider_post = http_request(
        live_server.url, "POST", path, body={"body": "Me too"}, token=token_for(parties.manager_c)
    )
    megabyte = http_request(
        live_server.url,
        "POST",
        path,
        body={"body": "x" * (1024 * 1024)},
        token=token_for(parties.manager_a),
    )

    assert (posted.status, posted.json()["author"], posted.json()["body"]) == (
        201,
        "bruno",
        "Bonjour! <script>alert(1)</script>",
    )
    assert [(m["id"], m["author_cluster"]["slug"]) for m in listed.json()] == [
        (posted.json()["id"], "bravo")
    ]
    assert [(r.status, r.headers["content-type"]) for r in (outsider_list, outsider_post)] == [
        (404, PROBLEM),
        (404, PROBLEM),
    ]
    assert (megabyte.status, megabyte.headers["content-type"]) == (422, PROBLEM)
    assert megabyte.json()["errors"] == [
        {
            "location": "body",
            "message": "The message is too long: at most 10000 characters (it has 1048576).",
        }
    ]
    assert Message.objects.count() == 1
