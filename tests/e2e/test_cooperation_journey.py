"""Two cluster managers meet: one sends a contact request from the other's profile, the other
accepts it, and both move their new partnership forward, in a real browser."""

from __future__ import annotations

from typing import Any

import pytest

from clusterbridge.accounts.models import User
from clusterbridge.clusters.enums import ClusterKind
from clusterbridge.clusters.models import Cluster
from clusterbridge.cooperation.models import ContactRequest, Partnership
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
