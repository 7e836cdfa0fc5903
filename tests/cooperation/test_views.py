from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from clusterbridge.accounts.models import User
from clusterbridge.cooperation import services
from clusterbridge.cooperation.enums import ContactRequestStatus
from clusterbridge.cooperation.models import ContactRequest, Partnership
from tests.cooperation.conftest import MESSAGE, Parties

pytestmark = pytest.mark.django_db

Send = Callable[..., ContactRequest]


def _client(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _create_url(slug: str = "alpha", to_slug: str = "bravo") -> str:
    return reverse("cooperation:contact_request_create", kwargs={"slug": slug, "to_slug": to_slug})


def test_contact_request_create_url_matches_the_contract() -> None:
    assert _create_url() == "/en/cooperation/alpha/contact/bravo/"


def test_contact_request_create_form_sends_and_redirects(parties: Parties) -> None:
    client = _client(parties.manager_a)

    response = client.post(_create_url(), {"topic": "Recycling", "message": MESSAGE})

    request = ContactRequest.objects.get()
    assert (response.status_code, response["Location"]) == (302, request.get_absolute_url())
    assert (request.sender, request.topic, request.message) == (
        parties.manager_a,
        "Recycling",
        MESSAGE,
    )


def test_contact_request_create_form_keeps_input_on_error(parties: Parties) -> None:
    client = _client(parties.manager_a)

    response = client.post(_create_url(), {"topic": "Recycling <b>now</b>", "message": "Too short"})

    html = response.content.decode()
    assert response.status_code == 200
    assert 'value="Recycling &lt;b&gt;now&lt;/b&gt;"' in html
    assert ">\nToo short</textarea>" in html
    assert "Write a message of at least 20 characters (it has 9)." in html
    assert ContactRequest.objects.count() == 0


def test_contact_request_create_form_shows_a_broken_pair_rule_above_the_form(
    parties: Parties, send: Send
) -> None:
    send()
    client = _client(parties.manager_a)

    response = client.post(_create_url(), {"topic": "Recycling", "message": MESSAGE})

    assert response.status_code == 200
    assert (
        "There is already an open contact request between Alpha Cluster and Bravo Pôle."
        in response.content.decode()
    )


@override_settings(COOPERATION_CONTACT_REQUESTS_PER_DAY=0)
def test_contact_request_create_form_over_the_limit_is_429(parties: Parties) -> None:
    response = _client(parties.manager_a).post(
        _create_url(), {"topic": "Recycling", "message": MESSAGE}
    )

    assert response.status_code == 429
    assert "the most allowed" in response.content.decode()
    assert ContactRequest.objects.count() == 0


def test_contact_request_create_unknown_cluster_is_404(parties: Parties) -> None:
    response = _client(parties.manager_a).get(_create_url(to_slug="nowhere"))

    assert response.status_code == 404


def test_contact_request_detail_escapes_the_message(parties: Parties, send: Send) -> None:
    request = send(message="<script>alert(1)</script> and a long enough text\nsecond line")

    response = _client(parties.manager_b).get(request.get_absolute_url())

    html = response.content.decode()
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; and a long enough text<br>second line" in html


def test_inbox_lists_received_and_sent_requests_of_own_clusters(
    parties: Parties, send: Send, make_cluster: Callable[..., Any]
) -> None:
    received = send(sender_cluster=parties.b, receiver_cluster=parties.a, actor=parties.manager_b)
    austria = make_cluster(slug="austria", name="Austria Cluster", country="AT", region="")
    sent = send(receiver_cluster=austria, topic="Sent topic")
    send(
        sender_cluster=parties.c,
        receiver_cluster=make_cluster(slug="delta", name="Delta"),
        actor=parties.manager_c,
        topic="Not ours",
    )

    response = _client(parties.manager_a).get(reverse("cooperation:inbox"))

    inbox = response.context["inbox"]
    assert (inbox.received, inbox.sent) == ([received], [sent])
    assert "Not ours" not in response.content.decode()


def test_inbox_query_count_does_not_grow_with_requests(
    parties: Parties,
    send: Send,
    make_cluster: Callable[..., Any],
    django_assert_max_num_queries: Any,
) -> None:
    client = _client(parties.manager_a)
    send()
    client.get(reverse("cooperation:inbox"))  # warm the session and the caches
    with django_assert_max_num_queries(8) as one:
        client.get(reverse("cooperation:inbox"))
    for n in range(3):
        send(receiver_cluster=make_cluster(slug=f"abroad-{n}", country="AT", region=""))

    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(reverse("cooperation:inbox"))

    assert len(response.context["inbox"].sent) == 4


def test_accept_form_opens_partnership_and_profile_panels_show_it(
    parties: Parties, send: Send
) -> None:
    request = send()
    client = _client(parties.manager_b)

    response = client.post(
        reverse("cooperation:contact_request_accept", kwargs={"pk": request.pk}),
        {"reply": "Welcome!"},
    )

    partnership = Partnership.objects.get()
    assert (response.status_code, partnership.stage) == (302, "in_talks")
    for cluster, other in ((parties.a, parties.b), (parties.b, parties.a)):
        page = Client().get(cluster.get_absolute_url()).content.decode()
        assert f'<a href="{other.get_absolute_url()}">{other.name}</a>' in page
        assert f'<a href="{partnership.get_absolute_url()}">in talks</a>' in page


def test_decline_form_with_overlong_reply_is_400_and_keeps_request_open(
    parties: Parties, send: Send
) -> None:
    request = send()

    response = _client(parties.manager_b).post(
        reverse("cooperation:contact_request_decline", kwargs={"pk": request.pk}),
        {"reply": "r" * 2001},
    )

    request.refresh_from_db()
    assert (response.status_code, request.status) == (400, ContactRequestStatus.OPEN)


def test_partnership_move_form_changes_stage(parties: Parties, partnership: Partnership) -> None:
    response = _client(parties.manager_b).post(
        reverse("cooperation:partnership_move", kwargs={"pk": partnership.pk}),
        {"stage": "concept", "note": "Let us write it"},
    )

    partnership.refresh_from_db()
    assert (response.status_code, partnership.stage) == (302, "concept")


def test_partnership_move_form_refuses_a_stage_not_offered(
    parties: Parties, partnership: Partnership
) -> None:
    response = _client(parties.manager_b).post(
        reverse("cooperation:partnership_move", kwargs={"pk": partnership.pk}),
        {"stage": "contacted"},
    )

    partnership.refresh_from_db()
    assert (response.status_code, partnership.stage) == (400, "in_talks")


def test_profile_panel_offers_contact_to_managers_of_a_possible_partner(parties: Parties) -> None:
    page = _client(parties.manager_a).get(parties.b.get_absolute_url()).content.decode()

    assert f'href="{_create_url()}"' in page
    assert "Send a contact request" in page


@pytest.mark.parametrize("who", ["manager_c", "nobody", None])
def test_profile_panel_offers_no_contact_to_others(parties: Parties, who: str | None) -> None:
    user = getattr(parties, who) if who else None

    page = _client(user).get(parties.b.get_absolute_url()).content.decode()

    assert "Send a contact request" not in page
    assert "/cooperation/requests/" not in page


def test_profile_panel_links_own_managers_to_their_requests(parties: Parties, send: Send) -> None:
    send()

    page = _client(parties.manager_b).get(parties.b.get_absolute_url()).content.decode()

    assert f'<a href="{reverse("cooperation:inbox")}">Contact requests</a>' in page
    assert '<span class="tag">1 open</span>' in page
    assert "Send a contact request" not in page


def test_profile_panel_hides_ended_partnerships_from_the_public(
    parties: Parties, partnership: Partnership
) -> None:
    services.partnership_move(partnership=partnership, actor=parties.manager_a, stage="ended")

    public = Client().get(parties.a.get_absolute_url()).content.decode()
    own = _client(parties.manager_a).get(parties.a.get_absolute_url()).content.decode()

    assert ("No partnerships yet." in public, "No partnerships yet." in own) == (True, False)


@pytest.mark.parametrize("who", [None, "manager_a"])
def test_profile_panel_query_count_does_not_grow_with_partnerships(
    parties: Parties,
    send: Send,
    make_cluster: Callable[..., Any],
    django_assert_max_num_queries: Any,
    who: str | None,
) -> None:
    client = _client(getattr(parties, who) if who else None)
    services.contact_request_accept(contact_request=send(), actor=parties.manager_b)
    client.get(parties.a.get_absolute_url())
    with django_assert_max_num_queries(100) as one:
        client.get(parties.a.get_absolute_url())
    for n in range(2):
        other = make_cluster(slug=f"abroad-{n}", name=f"Abroad {n}", country="AT", region="")
        other.managers.add(parties.manager_b)
        services.contact_request_accept(
            contact_request=send(receiver_cluster=other), actor=parties.manager_b
        )

    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(parties.a.get_absolute_url())

    assert response.content.decode().count('href="/en/cooperation/partnerships/') == 3


def test_contact_request_form_names_a_broken_rule_before_anything_is_typed(
    parties: Parties, send: Send
) -> None:
    request = send()

    response = _client(parties.manager_a).get(_create_url())

    html = response.content.decode()
    assert response.status_code == 200
    assert (
        "<li>There is already an open contact request between Alpha Cluster and Bravo Pôle.</li>"
        in html
    )
    assert f'<a href="{request.get_absolute_url()}">Show the request</a>' in html


def test_contact_request_form_for_an_allowed_pair_shows_no_rule(parties: Parties) -> None:
    response = _client(parties.manager_a).get(_create_url())

    assert (response.status_code, response.context["blocked"]) == (200, [])


def test_contact_request_form_help_text_follows_the_page_language(parties: Parties) -> None:
    html = _client(parties.manager_a).get("/de/cooperation/alpha/contact/bravo/").content.decode()

    assert (
        "Stellen Sie Ihr Cluster vor und sagen Sie, warum Sie Kontakt aufnehmen "
        "(20 bis 4000 Zeichen, reiner Text)." in html
    )
