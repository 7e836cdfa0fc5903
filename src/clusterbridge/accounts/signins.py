"""The sign-in log: every sign-in and failed attempt, with the client address, for staff.

Written from Django's authentication signals, so sign-ins through the pages and the admin
(which signs in through the same page) are recorded alike; the API's token check and the
throttle write their own rows. Rows older than SIGN_IN_LOG_DAYS go when a sign-in is recorded.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
from typing import Any

from allauth.account.adapter import get_adapter
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils import timezone

from clusterbridge.accounts.models import SignInEvent, User


def client_address(request: HttpRequest) -> str | None:
    """The client's address: from the trusted proxy header where one is configured."""
    try:
        address = get_adapter().get_client_ip(request)
    except PermissionDenied:
        return None
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


def _channel(request: HttpRequest | None) -> str:
    if request is None:
        return SignInEvent.Channel.WEB
    if request.path.startswith("/api/"):
        return SignInEvent.Channel.API
    next_path = request.POST.get("next", "") if request.method == "POST" else ""
    if "/admin/" in request.path or next_path.startswith(("/admin/", "/en/admin/", "/de/admin/")):
        return SignInEvent.Channel.ADMIN
    return SignInEvent.Channel.WEB


def sign_in_record(
    *,
    request: HttpRequest | None,
    outcome: str,
    user: User | None = None,
    identifier: str = "",
    channel: str | None = None,
) -> SignInEvent:
    event = SignInEvent.objects.create(
        user=user if user is not None and user.pk else None,
        identifier=identifier.strip()[:254],
        address=client_address(request) if request is not None else None,
        user_agent=(request.headers.get("user-agent", "") if request is not None else "")[:300],
        outcome=outcome,
        channel=channel or _channel(request),
    )
    if outcome == SignInEvent.Outcome.SUCCEEDED:
        cutoff = timezone.now() - dt.timedelta(days=settings.SIGN_IN_LOG_DAYS)
        SignInEvent.objects.filter(at__lt=cutoff).delete()
    return event


def on_user_logged_in(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    sign_in_record(
        request=request, outcome=SignInEvent.Outcome.SUCCEEDED, user=user, identifier=user.email
    )


def on_user_login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    identifier = str(credentials.get("email") or credentials.get("username") or "")
    sign_in_record(request=request, outcome=SignInEvent.Outcome.FAILED, identifier=identifier)
