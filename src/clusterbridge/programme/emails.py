"""E-mails to the people a programme decision affects. Services call `notify_on_commit` inside
their transaction: the mail goes out only once the decision is committed, and each recipient
reads it in their own language."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import translation
from django.utils.functional import Promise

from clusterbridge.accounts.models import User


def _render(text: str | Promise, params: Mapping[str, Any]) -> str:
    rendered = {key: str(value) for key, value in params.items()}
    return str(text) % rendered if rendered else str(text)


def _send(
    recipients: list[tuple[str, str]],
    subject: str | Promise,
    body: str | Promise,
    params: Mapping[str, Any],
) -> None:
    for address, language in recipients:
        with translation.override(language or settings.LANGUAGE_CODE):
            send_mail(
                subject=_render(subject, params),
                message=_render(body, params),
                from_email=None,
                recipient_list=[address],
            )


def notify_on_commit(
    *,
    users: Iterable[User],
    subject: str | Promise,
    body: str | Promise,
    params: Mapping[str, Any] | None = None,
) -> None:
    """Sends `subject`/`body` (lazy translations with %(name)s placeholders) to every user with
    an address, after the surrounding transaction commits; nothing is sent on rollback.
    Recipients are read now, so the mail goes to the people affected at decision time."""
    seen: set[str] = set()
    recipients = []
    for user in users:
        if user.email and user.is_active and user.email not in seen:
            seen.add(user.email)
            recipients.append((user.email, user.preferred_language))
    if not recipients:
        return
    values = dict(params or {})
    transaction.on_commit(lambda: _send(recipients, subject, body, values))
