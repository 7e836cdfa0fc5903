"""Sign-up, verification, sign-in by e-mail, reset and address change, through the pages."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.test import Client
from freezegun import freeze_time

from clusterbridge.accounts.models import User

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery-staple"


def _signup(client: Client, email: str = "lena@hafen.example", **extra: str) -> Any:
    data = {
        "email": email,
        "password1": PASSWORD,
        "password2": PASSWORD,
        "first_name": "Lena",
        "last_name": "Vogt",
        "organisation": "Hafen Cluster e.V.",
        "preferred_language": "de",
        **extra,
    }
    return client.post("/en/accounts/signup/", data)


def _link(mail: Any) -> str:
    match = re.search(r"https?://[^/\s]+(/\S+)", mail.body)
    assert match is not None, mail.body
    return match.group(1)


def test_signup_sends_a_verification_mail_in_the_chosen_language(
    client: Client, mailoutbox: list[Any]
) -> None:
    response = _signup(client)

    user = User.objects.get(email="lena@hafen.example")
    assert (response.status_code, response["Location"]) == (302, "/en/accounts/confirm-email/")
    assert (user.get_full_name(), user.organisation, user.preferred_language) == (
        "Lena Vogt",
        "Hafen Cluster e.V.",
        "de",
    )
    assert [m.to for m in mailoutbox] == [["lena@hafen.example"]]
    assert (
        mailoutbox[0].subject == "[clusterbridge] Bitte bestätigen Sie Ihre E-Mail-Adresse"
    )  # formal German


def test_sign_in_before_verification_is_refused(client: Client, mailoutbox: list[Any]) -> None:
    _signup(client)
    client.logout()

    response = client.post(
        "/en/accounts/login/", {"login": "lena@hafen.example", "password": PASSWORD}
    )

    assert response["Location"] == "/en/accounts/confirm-email/"
    assert "_auth_user_id" not in client.session


def test_verification_link_signs_in_and_leads_to_the_dashboard(
    client: Client, mailoutbox: list[Any]
) -> None:
    _signup(client)
    link = _link(mailoutbox[0])

    assert client.get(link).status_code == 200
    response = client.post(link)

    assert response["Location"] == "/de/accounts/dashboard/"
    assert EmailAddress.objects.get(email="lena@hafen.example").verified is True
    assert client.get("/de/accounts/dashboard/").status_code == 200


def test_reused_verification_link_is_refused(client: Client, mailoutbox: list[Any]) -> None:
    _signup(client)
    link = _link(mailoutbox[0])
    client.post(link)
    client.logout()

    page = client.get(link).content.decode()
    response = client.post(link)

    # The address stays verified; the spent link confirms nothing new and says so.
    assert "expired or is invalid" in page
    assert response.status_code == 404
    assert EmailAddress.objects.filter(email="lena@hafen.example", verified=True).count() == 1


def test_expired_verification_link_is_refused(client: Client, mailoutbox: list[Any]) -> None:
    with freeze_time("2026-12-01 10:00"):
        _signup(client)
    link = _link(mailoutbox[0])

    with freeze_time("2026-12-05 10:00"):
        page = client.get(link).content.decode()
        client.post(link)

    assert "expired or is invalid" in page
    assert EmailAddress.objects.get(email="lena@hafen.example").verified is False


def test_signup_with_a_taken_address_answers_like_success(
    client: Client, make_user: Callable[..., User], mailoutbox: list[Any]
) -> None:
    make_user(username="taken", email="taken@hafen.example")

    taken = _signup(client, email="taken@hafen.example")
    client.logout()
    fresh = _signup(Client(), email="fresh@hafen.example")

    assert (taken.status_code, taken["Location"]) == (fresh.status_code, fresh["Location"])
    assert User.objects.filter(email="taken@hafen.example").count() == 1
    # The owner of the taken address learns that someone tried; nobody else learns anything.
    assert sorted(m.to[0] for m in mailoutbox) == ["fresh@hafen.example", "taken@hafen.example"]


def test_failed_signup_keeps_what_was_typed(client: Client) -> None:
    response = _signup(client, password2="something-else-entirely")

    html = response.content.decode()
    assert response.status_code == 200
    assert 'value="lena@hafen.example"' in html
    assert 'value="Hafen Cluster e.V."' in html
    assert User.objects.count() == 0


def test_sign_in_by_email_address(client: Client, make_user: Callable[..., User]) -> None:
    user = make_user(username="mira", email="Mira@Werft.example", password=PASSWORD)

    response = client.post(
        "/en/accounts/login/", {"login": "mira@werft.example", "password": PASSWORD}
    )

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_password_reset_sets_a_new_password(
    client: Client, make_user: Callable[..., User], mailoutbox: list[Any]
) -> None:
    make_user(username="piet", email="piet@werft.example", password=PASSWORD)

    client.post("/en/accounts/password/reset/", {"email": "piet@werft.example"})
    link = _link(mailoutbox[0])
    form_page = client.get(link, follow=True)
    client.post(
        form_page.redirect_chain[-1][0] if form_page.redirect_chain else link,
        {"password1": "a-brand-new-passphrase", "password2": "a-brand-new-passphrase"},
    )

    assert User.objects.get(email="piet@werft.example").check_password("a-brand-new-passphrase")


def test_email_change_is_verified_before_it_replaces_the_old_address(
    client: Client, make_user: Callable[..., User], mailoutbox: list[Any]
) -> None:
    user = make_user(username="ole", email="ole@old.example", password=PASSWORD)
    client.force_login(user)

    client.post("/en/accounts/email/", {"action_add": "", "email": "ole@new.example"})
    user.refresh_from_db()
    assert user.email == "ole@old.example"

    client.post(_link(mailoutbox[-1]))
    user.refresh_from_db()
    assert user.email == "ole@new.example"
    assert list(EmailAddress.objects.filter(user=user).values_list("email", flat=True)) == [
        "ole@new.example"
    ]
