"""Two cluster managers meet: one sends a contact request from the other's profile, the other
accepts it, and both move their new partnership forward, in a real browser."""

from __future__ import annotations

from typing import Any

import pytest

from clusterbridge.accounts.models import User
from clusterbridge.clusters.enums import ClusterKind
from clusterbridge.clusters.models import Cluster
from clusterbridge.cooperation import services
from clusterbridge.cooperation.models import ContactRequest, Message, Partnership
from tests.e2e.conftest import axe_violations, log_in

PASSWORD = "a-long-test-password"
MESSAGE = (
    "Alpha Cluster works on lightweight construction and looks for partners in carbon fibre "
    "recycling. Shall we talk?"
)


@pytest.fixture
def two_clusters(
    transactional_db: None, make_cluster: Any, make_user: Any
) -> tuple[Cluster, Cluster]:
    alpha = make_cluster(slug="alpha", name="Alpha Cluster")
    bravo = make_cluster(
        slug="bravo",
        name="Bravo Pôle",
        kind=ClusterKind.INTERNATIONAL_CLUSTER.value,
        country="FR",
        region="FR-ARA",
        city="Lyon",
        latitude=45.76,
        longitude=4.84,
    )
    alpha.managers.add(make_user(username="anna", email="anna@alpha.example", password=PASSWORD))
    bravo.managers.add(make_user(username="bruno", email="bruno@bravo.example", password=PASSWORD))
    return alpha, bravo


def _accessible(page: Any) -> None:
    assert axe_violations(page) == []


def _log_in(page: Any, base: str, username: str, next_path: str) -> None:
    log_in(page, base, User.objects.get(username=username).email, PASSWORD, next_path)


def _log_out(page: Any) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/en/")


def _partnerships_panel(page: Any) -> Any:
    return page.get_by_role("region", name="Partnerships")


def test_journey_contact_request_accepted_becomes_a_partnership(
    live_server: Any, page: Any, two_clusters: tuple[Cluster, Cluster], mailoutbox: list[Any]
) -> None:
    alpha, bravo = two_clusters
    base = live_server.url

    # Anna, manager of Alpha, finds Bravo's profile and opens the contact form from it.
    _log_in(page, base, "anna", "/en/clusters/bravo/")
    panel = _partnerships_panel(page)
    assert panel.get_by_text("No partnerships yet.").is_visible()
    _accessible(page)
    panel.get_by_role("link", name="Send a contact request").click()
    page.wait_for_url("**/en/cooperation/alpha/contact/bravo/")
    assert page.locator("h1").inner_text() == "Contact Bravo Pôle"
    _accessible(page)

    # A message that is too short is refused with a clear error, and what she typed stays.
    page.get_by_label("Proposed topic").fill("Carbon fibre recycling")
    page.get_by_label("Message").fill("Hello!")
    page.get_by_role("button", name="Send contact request").click()
    page.wait_for_load_state()
    assert page.get_by_text("Write a message of at least 20 characters (it has 6).").is_visible()
    assert page.get_by_label("Proposed topic").input_value() == "Carbon fibre recycling"
    _accessible(page)

    page.get_by_label("Message").fill(MESSAGE)
    page.get_by_role("button", name="Send contact request").click()
    request = ContactRequest.objects.get()
    page.wait_for_url(f"**/en/cooperation/requests/{request.pk}/")
    assert page.get_by_text("Your contact request was sent to Bravo Pôle.").is_visible()
    assert page.locator("#request-status").inner_text() == "open"
    _accessible(page)
    assert [message.to for message in mailoutbox] == [["bruno@bravo.example"]]
    _log_out(page)

    # Bruno, manager of Bravo, finds the request through his profile's panel and accepts it.
    _log_in(page, base, "bruno", "/en/clusters/bravo/")
    panel = _partnerships_panel(page)
    assert panel.get_by_text("1 open").is_visible()
    panel.get_by_role("link", name="Contact requests").click()
    page.wait_for_url("**/en/cooperation/requests/")
    _accessible(page)
    page.get_by_role("link", name="Carbon fibre recycling").click()
    page.wait_for_url(f"**/en/cooperation/requests/{request.pk}/")
    assert page.get_by_text("Alpha Cluster works on lightweight construction").is_visible()
    _accessible(page)
    page.get_by_label("Reply (optional)").fill("Gladly, let us talk next week.")
    page.get_by_role("button", name="Accept").click()
    page.wait_for_load_state()
    assert page.get_by_text("You accepted the request; the partnership is in talks.").is_visible()
    assert page.locator("#request-status").inner_text() == "accepted"
    assert mailoutbox[-1].to == ["anna@alpha.example"]

    # Both profiles show the partnership in talks.
    partnership = Partnership.objects.get()
    for cluster, other in ((alpha, bravo), (bravo, alpha)):
        page.goto(f"{base}{cluster.get_absolute_url()}")
        panel = _partnerships_panel(page)
        assert panel.get_by_role("link", name=other.name).is_visible()
        assert panel.get_by_role("link", name="in talks").is_visible()
    _accessible(page)

    # Bruno moves it to the concept stage; the history tells who did what.
    _partnerships_panel(page).get_by_role("link", name="in talks").click()
    page.wait_for_url(f"**/en/cooperation/partnerships/{partnership.pk}/")
    _accessible(page)
    page.get_by_label("New stage").select_option("concept")
    page.get_by_label("Note (optional)").fill("We start on the concept.")
    page.get_by_role("button", name="Save stage").click()
    page.wait_for_load_state()
    assert page.get_by_text("The partnership is now “concept”.").is_visible()
    assert page.locator("#partnership-stage").inner_text() == "concept"
    rows = page.locator("table tbody tr")
    assert rows.count() == 3
    assert rows.nth(2).locator("td").nth(4).inner_text() == "We start on the concept."
    _accessible(page)

    # In the concept stage the partners work out project ideas together.
    page.get_by_label("Title").fill("Recycled fibre for car parts")
    page.get_by_label("Summary").fill("Alpha's recycling process meets Bravo's part makers.")
    page.get_by_role("button", name="Add project idea").click()
    page.wait_for_load_state()
    ideas = page.get_by_role("region", name="Project ideas")
    assert ideas.get_by_role("heading", name="Recycled fibre for car parts").is_visible()
    _accessible(page)

    page.goto(f"{base}{alpha.get_absolute_url()}")
    assert _partnerships_panel(page).get_by_role("link", name="concept").is_visible()
    partnership.refresh_from_db()
    assert partnership.stage == "concept"
    assert page.js_errors == []


def test_journey_third_party_cannot_open_the_request(
    live_server: Any,
    page: Any,
    two_clusters: tuple[Cluster, Cluster],
    make_cluster: Any,
    make_user: Any,
) -> None:
    alpha, bravo = two_clusters
    request = ContactRequest.objects.create(
        sender_cluster=alpha, receiver_cluster=bravo, topic="Secret topic", message=MESSAGE
    )
    other = make_cluster(slug="charlie", name="Charlie Cluster", country="NL", region="")
    other.managers.add(make_user(username="carla", password=PASSWORD))

    _log_in(page, live_server.url, "carla", "/en/cooperation/requests/")
    assert page.get_by_text("No requests received yet.").is_visible()
    _accessible(page)
    response = page.goto(f"{live_server.url}{request.get_absolute_url()}")

    assert response.status == 404
    assert page.get_by_text("Secret topic").count() == 0


HELD_NOTICE = (
    "This cluster has not joined clusterbridge yet. We will deliver your request when it does, "
    "and tell you."
)


def _log_out_any_language(page: Any) -> None:
    page.locator("form[action$='/logout/'] button").click()
    page.wait_for_load_state()


def test_journey_request_to_a_cluster_without_managers_is_held_then_delivered_and_talked_over(
    live_server: Any,
    page: Any,
    two_clusters: tuple[Cluster, Cluster],
    make_cluster: Any,
    make_user: Any,
    mailoutbox: list[Any],
) -> None:
    base = live_server.url
    charlie = make_cluster(
        slug="charlie",
        name="Charlie Cluster",
        kind=ClusterKind.INTERNATIONAL_CLUSTER.value,
        country="NL",
        region="",
        city="Eindhoven",
        latitude=51.44,
        longitude=5.48,
    )

    # Anna writes to Charlie, which nobody manages yet: she is told before and after sending
    # that the request waits, and nobody is mailed.
    _log_in(page, base, "anna", "/en/clusters/charlie/")
    _partnerships_panel(page).get_by_role("link", name="Send a contact request").click()
    page.wait_for_url("**/en/cooperation/alpha/contact/charlie/")
    assert page.locator("#held-notice").inner_text() == HELD_NOTICE
    _accessible(page)
    page.get_by_label("Proposed topic").fill("Photonics for recycling")
    page.get_by_label("Message").fill(MESSAGE)
    page.get_by_role("button", name="Send contact request").click()
    request = ContactRequest.objects.get()
    page.wait_for_url(f"**/en/cooperation/requests/{request.pk}/")
    assert page.get_by_text("Your contact request to Charlie Cluster is held.").is_visible()
    assert page.get_by_text("was sent").count() == 0
    assert page.locator("#request-status").inner_text() == "held"
    assert page.locator("#request-notice").inner_text() == HELD_NOTICE
    _accessible(page)
    assert mailoutbox == []
    _log_out(page)

    # Carla joins for Charlie (the claim calls the delivery): she and Anna are mailed.
    carla = make_user(
        username="carla", email="carla@charlie.example", password=PASSWORD, preferred_language="de"
    )
    charlie.managers.add(carla)
    assert services.contact_requests_deliver_held(cluster=charlie, base_url=base) == 1
    assert [(m.to, m.subject) for m in mailoutbox] == [
        (["carla@charlie.example"], "Kontaktanfrage von Alpha Cluster: Photonics for recycling"),
        (
            ["anna@alpha.example"],
            "Your contact request was delivered to Charlie Cluster: Photonics for recycling",
        ),
    ]

    # Carla works in German: she accepts and opens the conversation.
    _log_in(page, base, "carla", f"/de/cooperation/requests/{request.pk}/")
    assert page.locator("#request-status").inner_text() == "offen"
    _accessible(page)
    page.get_by_label("Antwort (optional)").fill("Gern!")
    page.get_by_role("button", name="Annehmen").click()
    page.wait_for_load_state()
    page.get_by_role("link", name="Zum Gespräch").click()
    partnership = Partnership.objects.get(partner_cluster=charlie)
    conversation_path = f"/de/cooperation/partnerships/{partnership.pk}/conversation/"
    page.wait_for_url(f"**{conversation_path}")
    assert page.get_by_text("Noch keine Nachrichten.").is_visible()
    _accessible(page)

    # Her message is posted with htmx: the conversation is swapped in place, no page load.
    page.get_by_label("Ihre Nachricht").fill("Hallo Anna, wann passt es Ihnen?")
    page.get_by_role("button", name="Nachricht senden").click()
    page.get_by_text("Ihre Nachricht wurde gesendet.").wait_for()
    assert page.url == f"{base}{conversation_path}"
    assert page.locator(".conversation-body").all_inner_texts() == [
        "Hallo Anna, wann passt es Ihnen?"
    ]
    assert page.get_by_label("Ihre Nachricht").input_value() == ""
    _accessible(page)
    assert (mailoutbox[-1].to, mailoutbox[-1].subject) == (
        ["anna@alpha.example"],
        "New message from Charlie Cluster: Alpha Cluster and Charlie Cluster",
    )

    # A message that is too long is refused under the field, and nothing is saved.
    page.get_by_label("Ihre Nachricht").evaluate("(el) => el.removeAttribute('maxlength')")
    page.get_by_label("Ihre Nachricht").fill("x" * 10_001)
    page.get_by_role("button", name="Nachricht senden").click()
    page.get_by_text(
        "Die Nachricht ist zu lang: höchstens 10000 Zeichen (sie hat 10001)."
    ).wait_for()
    assert Message.objects.count() == 1
    _accessible(page)

    # She agrees to share Charlie's addresses; nothing is shown until Alpha agrees too.
    page.get_by_role("button", name="Unsere E-Mail-Adressen mit dem Partner teilen").click()
    page.wait_for_load_state()
    assert page.locator("a[href^='mailto:']").count() == 0
    _accessible(page)
    _log_out_any_language(page)

    # Anna, in English, reads and answers; once she shares too, both see the addresses.
    _log_in(page, base, "anna", conversation_path.replace("/de/", "/en/"))
    assert page.get_by_text("Hallo Anna, wann passt es Ihnen?").is_visible()
    page.get_by_label("Your message").fill("Next Tuesday at ten works for us.")
    page.get_by_role("button", name="Send message").click()
    page.get_by_text("Your message was sent.").wait_for()
    assert page.locator(".conversation-body").count() == 2
    page.get_by_role("button", name="Share our e-mail addresses with the partner").click()
    page.wait_for_load_state()
    assert page.locator("a[href^='mailto:']").all_inner_texts() == [
        "anna@alpha.example",
        "carla@charlie.example",
    ]
    _accessible(page)
    assert page.js_errors == []
