"""E-mails to the people a programme decision affects. Services call `notify_on_commit` inside
their transaction: the mail goes out only once the decision is committed, and each recipient
reads it in their own language."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import formats, timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext

from clusterbridge.accounts.models import User


def _display(value: Any) -> str:
    """A parameter as the recipient reads it: dates and amounts in their language's format."""
    if isinstance(value, dt.datetime):
        return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")
    if isinstance(value, dt.date):
        return formats.date_format(value, "DATE_FORMAT")
    if isinstance(value, Decimal):
        return formats.number_format(value, 2, use_l10n=True, force_grouping=True)
    return str(value)


@dataclass(frozen=True)
class Period:
    """A grant's or phase's dates and amount, written out only when the mail is rendered, so
    each recipient reads them in their own language."""

    starts_on: dt.date
    ends_on: dt.date
    amount_eur: Decimal

    def __str__(self) -> str:
        return gettext("%(start)s to %(end)s, %(amount)s EUR") % {
            "start": _display(self.starts_on),
            "end": _display(self.ends_on),
            "amount": _display(self.amount_eur),
        }


def _render(text: str | Promise, params: Mapping[str, Any]) -> str:
    rendered = {key: _display(value) for key, value in params.items()}
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
