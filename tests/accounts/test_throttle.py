"""Sign-in throttling per account and per client address, behind a proxy, and its log."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from clusterbridge.accounts.models import SignInEvent, User

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password"


def _attempt(client: Client, email: str, password: str, **headers: str) -> Any:
    return client.post(
        "/en/accounts/login/", {"login": email, "password": password}, headers=headers
    )


def _signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_five_wrong_passwords_lock_the_account_from_any_address(
    make_user: Callable[..., User],
) -> None:
    make_user(username="erin", email="erin@werft.example", password=PASSWORD)
    for n in range(5):
        _attempt(Client(REMOTE_ADDR=f"192.0.2.{n}"), "erin@werft.example", "wrong")

    client = Client(REMOTE_ADDR="198.51.100.9")
    response = _attempt(client, "erin@werft.example", PASSWORD)

    assert "Too many failed login attempts" in response.content.decode()
    assert _signed_in(client) is False


def test_a_successful_sign_in_does_not_wipe_the_count_of_failures(
    make_user: Callable[..., User],
) -> None:
    make_user(username="gus", email="gus@werft.example", password=PASSWORD)
    client = Client(REMOTE_ADDR="192.0.2.50")
    for _ in range(4):
        _attempt(client, "gus@werft.example", "wrong")
    _attempt(client, "gus@werft.example", PASSWORD)
    client.logout()

    _attempt(client, "gus@werft.example", "wrong")
    response = _attempt(client, "gus@werft.example", PASSWORD)

    assert "Too many failed login attempts" in response.content.decode()


def test_one_address_trying_many_accounts_is_throttled(
    make_user: Callable[..., User], settings: Any
) -> None:
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login_failed": "3/5m/ip"}
    make_user(username="ivy", email="ivy@werft.example", password=PASSWORD)
    attacker = Client(REMOTE_ADDR="203.0.113.7")
    for n in range(3):
        _attempt(attacker, f"someone{n}@werft.example", "guess")

    response = _attempt(attacker, "ivy@werft.example", PASSWORD)

    assert "Too many failed login attempts" in response.content.decode()
    assert _signed_in(attacker) is False


def test_behind_a_proxy_clients_are_told_apart_by_the_trusted_header(
    make_user: Callable[..., User], settings: Any
) -> None:
    settings.ALLAUTH_TRUSTED_CLIENT_IP_HEADER = "X-Real-IP"
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login_failed": "3/5m/ip"}
    make_user(username="jo", email="jo@werft.example", password=PASSWORD)
    # Everyone arrives from the proxy's address; the proxy names the real client.
    attacker = Client(REMOTE_ADDR="10.0.0.1")
    for n in range(3):
        _attempt(attacker, f"guess{n}@werft.example", "guess", X_REAL_IP="203.0.113.7")

    colleague = Client(REMOTE_ADDR="10.0.0.1")
    _attempt(colleague, "jo@werft.example", PASSWORD, X_REAL_IP="198.51.100.20")

    assert _signed_in(colleague) is True
    assert set(SignInEvent.objects.values_list("address", flat=True)) == {
        "203.0.113.7",
        "198.51.100.20",
    }


def test_forwarded_for_is_ignored_unless_proxies_are_trusted(
    make_user: Callable[..., User],
) -> None:
    client = Client(REMOTE_ADDR="192.0.2.1")

    _attempt(client, "nobody@werft.example", "guess", X_FORWARDED_FOR="203.0.113.99")

    assert list(SignInEvent.objects.values_list("address", flat=True)) == ["192.0.2.1"]


def test_sign_in_log_records_success_failure_and_throttling(
    make_user: Callable[..., User],
) -> None:
    user = make_user(username="kim", email="kim@werft.example", password=PASSWORD)
    client = Client(REMOTE_ADDR="192.0.2.8", HTTP_USER_AGENT="Firefox")
    for _ in range(5):
        _attempt(client, "kim@werft.example", "wrong")
    _attempt(client, "kim@werft.example", PASSWORD)

    events = list(
        SignInEvent.objects.order_by("pk").values_list("outcome", "identifier", "user_agent")
    )
    assert events == [("failed", "kim@werft.example", "Firefox")] * 5 + [
        ("throttled", "kim@werft.example", "Firefox")
    ]
    Client(REMOTE_ADDR="192.0.2.9").force_login(user)


def test_admin_login_goes_through_the_throttled_sign_in(make_user: Callable[..., User]) -> None:
    response = Client().get("/en/admin/login/?next=/en/admin/")

    assert response.status_code == 302
    assert response["Location"].startswith("/en/accounts/login/?next=")


def test_sign_in_log_is_readable_by_staff_only(make_user: Callable[..., User]) -> None:
    staff = make_user(username="root", is_staff=True, is_superuser=True)
    plain = make_user(username="plain")
    SignInEvent.objects.create(outcome="failed", channel="web", identifier="x@y.example")
    staff_client, plain_client = Client(), Client()
    staff_client.force_login(staff)
    plain_client.force_login(plain)

    assert staff_client.get("/en/admin/accounts/signinevent/").status_code == 200
    assert plain_client.get("/en/admin/accounts/signinevent/").status_code == 302
