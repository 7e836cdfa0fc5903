from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from django.test import Client

from clusterbridge.accounts.outbox import BACKEND

pytestmark = pytest.mark.django_db


@pytest.fixture
def outbox(settings: Any, tmp_path: Any) -> None:
    settings.DEBUG = True
    settings.EMAIL_BACKEND = BACKEND
    settings.OUTBOX_DIR = tmp_path / "outbox"


@pytest.mark.usefixtures("outbox")
def test_outbox_lists_sent_mails_with_their_links(client: Client) -> None:
    mail.send_mail(
        "Bitte bestätigen",
        "Folgen Sie https://cb.example/de/x/ <b>",
        "a@b.example",
        ["c@d.example"],
    )

    listing = client.get("/en/accounts/outbox/").content.decode()
    key = re.findall(r'href="/en/accounts/outbox/([0-9T]+-[0-9a-f]{32})/"', listing)[0]
    page = client.get(f"/en/accounts/outbox/{key}/").content.decode()

    assert "Bitte bestätigen" in listing
    assert '<a href="https://cb.example/de/x/" rel="nofollow">https://cb.example/de/x/</a>' in page
    assert "&lt;b&gt;" in page


@pytest.mark.usefixtures("outbox")
def test_outbox_is_gone_without_debug(client: Client, settings: Any) -> None:
    settings.DEBUG = False

    assert client.get("/en/accounts/outbox/").status_code == 404


@pytest.mark.usefixtures("outbox")
def test_outbox_refuses_paths_outside_it(client: Client) -> None:
    assert client.get("/en/accounts/outbox/..%2Fsecret_key/").status_code == 404


def test_signup_page_lists_no_demo_logins_without_debug(client: Client) -> None:
    assert "Demo logins" not in client.get("/en/accounts/login/").content.decode()
