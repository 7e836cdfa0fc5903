"""A newcomer's first hour, in Chromium: sign up, verify through the DEBUG outbox, claim a
cluster by an address at its web domain, receive the request that waited for it, accept it,
write in the conversation and find it all on the dashboard. In English on a desktop and in
German on a 390 px phone, with axe on every page."""

from __future__ import annotations

from typing import Any

import pytest

from clusterbridge.accounts.models import User
from clusterbridge.accounts.outbox import BACKEND
from clusterbridge.clusters.enums import ClusterKind
from clusterbridge.cooperation.models import ContactRequest, Message, Partnership
from clusterbridge.cooperation.services import contact_request_send
from tests.e2e.conftest import axe_violations

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "a-long-newcomer-passphrase"
WORDS = {
    "en": {"accept": "Accept", "conversation": "Open the conversation",
           "message": "Your message", "send": "Send message", "sent": "Your message was sent."},
    "de": {"accept": "Annehmen", "conversation": "Zum Gespräch",
           "message": "Ihre Nachricht", "send": "Nachricht senden",
           "sent": "Ihre Nachricht wurde gesendet."},
}  # fmt: skip


@pytest.fixture
def debug_outbox(settings: Any, tmp_path: Any) -> None:
    settings.DEBUG = True
    settings.EMAIL_BACKEND = BACKEND
    settings.OUTBOX_DIR = tmp_path / "outbox"


@pytest.fixture
def waiting_request(make_cluster: Any, make_user: Any) -> ContactRequest:
    werft = make_cluster(slug="werft", name="Werft Cluster", website="https://www.werft.example/")
    lyon = make_cluster(
        slug="lyon",
        name="Lyon Maritime",
        kind=ClusterKind.INTERNATIONAL_CLUSTER.value,
        country="FR",
        region="FR-ARA",
        city="Lyon",
        latitude=45.76,
        longitude=4.84,
    )
    sophie = make_user(username="sophie", email="sophie@lyon.example")
    lyon.managers.add(sophie)
    return contact_request_send(
        sender_cluster=lyon,
        receiver_cluster=werft,
        actor=sophie,
        topic="Ship recycling",
        message="We would like to explore recycling ships together with your shipyards.",
    )


def _accessible(page: Any) -> None:
    assert axe_violations(page) == []


def _submit(page: Any) -> None:
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()


def _follow_newest_mail(page: Any, base: str, lang: str) -> None:
    page.goto(f"{base}/{lang}/accounts/outbox/")
    _accessible(page)
    page.locator("main table tbody tr").first.locator("a").click()
    page.wait_for_load_state()
    _accessible(page)
    page.locator("pre.mail-body a").first.click()
    page.wait_for_load_state()


@pytest.mark.usefixtures("debug_outbox")
@pytest.mark.parametrize(("lang", "width"), [("en", 1280), ("de", 390)])
def test_newcomer_signs_up_claims_and_answers_the_waiting_request(
    live_server: Any, page: Any, waiting_request: ContactRequest, lang: str, width: int
) -> None:
    base, words = live_server.url, WORDS[lang]
    page.set_viewport_size({"width": width, "height": 900})
    assert waiting_request.status == "held"

    # Sign up.
    page.goto(f"{base}/{lang}/accounts/signup/")
    _accessible(page)
    page.fill("#id_email", "lena@private.example")
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    page.fill("#id_first_name", "Lena")
    page.fill("#id_last_name", "Vogt")
    page.select_option("#id_preferred_language", lang)
    _submit(page)
    page.wait_for_url(f"**/{lang}/accounts/confirm-email/")
    _accessible(page)

    # Verify through the outbox; the confirmation signs her in and opens her dashboard.
    _follow_newest_mail(page, base, lang)
    _accessible(page)
    _submit(page)
    page.wait_for_url(f"**/{lang}/accounts/dashboard/")
    _accessible(page)

    # Claim the cluster with her address at its web domain, and confirm that address.
    page.goto(f"{base}/{lang}/clusters/werft/")
    _accessible(page)
    page.locator(f"a[href='/{lang}/accounts/claim/werft/']").click()
    page.wait_for_url(f"**/{lang}/accounts/claim/werft/")
    _accessible(page)
    page.check("#id_route_0")
    page.fill("#id_email", "lena@werft.example")
    _submit(page)
    page.wait_for_url(f"**/{lang}/accounts/dashboard/")
    _follow_newest_mail(page, base, lang)
    _submit(page)
    page.wait_for_url(f"**/{lang}/accounts/dashboard/")
    lena = User.objects.get(email="lena@private.example")
    assert list(lena.managed_clusters.values_list("slug", flat=True)) == ["werft"]

    # The request that waited for the cluster is on her dashboard now; she accepts it.
    _accessible(page)
    page.get_by_role("link", name="Ship recycling").click()
    page.wait_for_load_state()
    _accessible(page)
    page.get_by_role("button", name=words["accept"], exact=True).click()
    page.wait_for_load_state()
    page.get_by_role("link", name=words["conversation"]).click()
    page.wait_for_load_state()
    _accessible(page)
    page.get_by_label(words["message"]).fill("Hello Sophie, shall we meet in Lyon?")
    page.get_by_role("button", name=words["send"]).click()
    page.get_by_text(words["sent"]).wait_for()
    assert list(Message.objects.values_list("body", flat=True)) == [
        "Hello Sophie, shall we meet in Lyon?"
    ]

    # The dashboard shows the partnership and the message.
    page.goto(f"{base}/{lang}/accounts/dashboard/")
    partnership = Partnership.objects.get()
    detail = f"/{lang}/cooperation/partnerships/{partnership.pk}/"
    assert page.locator(f"main a[href='{detail}']").count() == 1
    assert page.locator(f"main a[href='{detail}conversation/']").count() == 1
    assert page.get_by_text("Hello Sophie, shall we meet in Lyon?").is_visible()
    _accessible(page)
    assert page.js_errors == []
