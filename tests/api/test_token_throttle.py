"""Wrong API tokens are throttled per client address, over real HTTP."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from clusterbridge.accounts.models import SignInEvent, User
from tests.api.conftest import http_request

pytestmark = pytest.mark.django_db(transaction=True)


def test_wrong_tokens_are_throttled_then_answered_429(
    live_server: Any,
    make_user: Callable[..., User],
    make_cluster: Callable[..., Any],
    token_for: Callable[[User], str],
    settings: Any,
) -> None:
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "api_token_failed": "3/5m/ip"}
    cluster = make_cluster(slug="werft")
    owner = make_user(username="owner")
    cluster.managers.add(owner)
    good = token_for(owner)
    path = f"/api/v1/clusters/{cluster.slug}"
    body = {"competences_sought": ["ship recycling"]}

    statuses = [
        http_request(live_server.url, "PATCH", path, body=body, token=f"wrong-{n}").status
        for n in range(3)
    ]
    blocked = http_request(live_server.url, "PATCH", path, body=body, token=good)

    assert statuses == [401, 401, 401]
    assert (blocked.status, blocked.headers["content-type"]) == (429, "application/problem+json")
    assert list(SignInEvent.objects.order_by("pk").values_list("outcome", "channel")) == [
        ("failed", "api")
    ] * 3 + [("throttled", "api")]
