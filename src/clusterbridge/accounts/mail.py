"""Mails from the accounts app: one per person, in that person's language, after commit."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from clusterbridge.accounts.models import User
from clusterbridge.common import mail as common_mail


def person(user: User) -> tuple[str, str]:
    return user.email, user.preferred_language if user.preferred_language == "de" else "en"


def mail_after_commit(
    *,
    to: Iterable[tuple[str, str]],
    template: str,
    context: dict[str, Any],
    path: Callable[[], str],
) -> None:
    """Renders accounts/mail/<template>.txt and <template>_subject.txt for each (address,
    language); `path()` gives the page the mail links to, in the recipient's language."""
    common_mail.mail_after_commit(
        recipients=[(address, language) for address, language in to if address],
        template=f"accounts/mail/{template}",
        context=context,
        path=path,
        subject_prefix="[clusterbridge] ",
    )
