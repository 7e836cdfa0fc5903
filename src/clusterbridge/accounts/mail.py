"""Mails from the accounts app: one per person, in that person's language, after commit."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

from clusterbridge.accounts.models import User


def person(user: User) -> tuple[str, str]:
    return user.email, user.preferred_language if user.preferred_language == "de" else "en"


def mail_after_commit(
    *, to: Iterable[tuple[str, str]], template: str, context: dict[str, Any]
) -> None:
    """Renders accounts/mail/<template>.txt and <template>_subject.txt per (address, language)
    once the transaction has committed; a rolled-back step mails nobody. `context["path"]`,
    when given, is a callable that returns the page's path in the active language."""
    recipients = [(address, language) for address, language in to if address]
    if not recipients:
        return

    def send() -> None:
        for address, language in recipients:
            with translation.override(language):
                values = dict(context)
                if callable(values.get("path")):
                    values["url"] = values["base_url"].rstrip("/") + values["path"]()
                body = render_to_string(f"accounts/mail/{template}.txt", values)
                subject = " ".join(
                    render_to_string(f"accounts/mail/{template}_subject.txt", values).split()
                )
            EmailMessage(
                subject=f"[clusterbridge] {subject}"[:200], body=body.strip() + "\n", to=[address]
            ).send()

    transaction.on_commit(send, robust=True)
