"""Mail after commit, one per recipient, each in the recipient's language: the one sending step
behind every app's notifications (a rolled-back change never mails anyone)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation


def mail_after_commit(
    *,
    recipients: Iterable[tuple[str, str]],
    template: str,
    context: dict[str, Any],
    path: Callable[[], str],
    subject_prefix: str = "",
) -> None:
    """Renders `<template>.txt` and `<template>_subject.txt` for each (address, language) once
    the transaction has committed. `path()` is called under the recipient's language, so the
    link in the mail (`url` in the body's context, after `context["base_url"]`) opens the page
    in that language."""
    recipients = list(recipients)
    if not recipients:
        return

    def send() -> None:
        for address, language in recipients:
            with translation.override(language):
                url = context["base_url"].rstrip("/") + path()
                body = render_to_string(f"{template}.txt", {**context, "url": url})
                subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
            EmailMessage(
                subject=f"{subject_prefix}{subject}"[:200], body=body.strip() + "\n", to=[address]
            ).send()

    # Robust: a mail server that is down is logged, and does not turn a change that was saved
    # into an error page.
    transaction.on_commit(send, robust=True)
