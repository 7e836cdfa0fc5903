"""Login throttling, against the local cache and against a real Redis (the production cache)."""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterator

import pytest
from django.core.cache import caches
from django.test import Client, override_settings

from clusterbridge.accounts import ratelimit

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def _redis_reachable() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture
def redis_cache() -> Iterator[None]:
    if not _redis_reachable():
        if os.environ.get("CI") == "true":
            pytest.fail("Redis is not reachable on 127.0.0.1:6379; CI needs it")
        pytest.skip("Redis is not reachable on 127.0.0.1:6379")
    settings = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": f"test-{uuid.uuid4().hex}",
        }
    }
    with override_settings(CACHES=settings):
        yield
        caches["default"].clear()


def test_login_blocked_after_limit_failures_per_user_name(settings: object) -> None:
    caches["default"].clear()
    for _ in range(5):
        ratelimit.login_failed(username="Alice", address="10.0.0.1")

    assert ratelimit.login_blocked(username="alice", address="10.0.0.2") is True
    assert ratelimit.login_blocked(username="bob", address="10.0.0.3") is False


def test_login_throttle_is_shared_through_redis(redis_cache: None) -> None:
    for _ in range(5):
        ratelimit.login_failed(username="carol", address="192.0.2.7")

    # A second cache connection stands for another app process.
    caches["default"].close()
    assert ratelimit.login_blocked(username="carol", address="198.51.100.1") is True
    assert ratelimit.login_blocked(username="dave", address="192.0.2.7") is True


@pytest.mark.django_db
def test_login_form_refuses_after_repeated_failures(make_user: object) -> None:
    caches["default"].clear()
    make_user(username="erin", password="a-long-test-password")  # type: ignore[operator]
    client = Client()
    for _ in range(5):
        client.post("/en/accounts/login/", {"username": "erin", "password": "wrong"})

    response = client.post(
        "/en/accounts/login/", {"username": "erin", "password": "a-long-test-password"}
    )

    assert response.status_code == 200
    assert "Too many failed attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session
