"""The development outbox: with EMAIL_URL=outbox: (the DEBUG default) mails are kept as .eml
files under VAR_DIR/outbox, and /<lang>/accounts/outbox/ lists them, so a newcomer can follow a
verification link without a mail server. Never used in production (the page is DEBUG only)."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage as ParsedMessage
from email.parser import BytesParser
from email.utils import parsedate_to_datetime
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.message import EmailMessage

BACKEND = "clusterbridge.accounts.outbox.OutboxBackend"
_NAME = re.compile(r"^[0-9]{8}T[0-9]{12}-[0-9a-f]{32}\.eml$")


def _outbox_dir() -> Path:
    path = Path(settings.OUTBOX_DIR)
    path.mkdir(parents=True, exist_ok=True)
    return path


class OutboxBackend(BaseEmailBackend):
    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        folder = _outbox_dir()
        for message in email_messages:
            stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%f")
            name = f"{stamp}-{uuid.uuid4().hex}.eml"
            (folder / name).write_bytes(message.message().as_bytes())
        return len(email_messages)


@dataclass(frozen=True)
class OutboxMail:
    key: str
    subject: str
    sender: str
    to: str
    sent_at: dt.datetime | None
    body: str


def _text_body(message: ParsedMessage) -> str:
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    return str(part.get_content())


def _read(path: Path) -> OutboxMail:
    message = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
    assert isinstance(message, ParsedMessage)
    date = message.get("Date")
    return OutboxMail(
        key=path.stem,
        subject=str(message.get("Subject", "")),
        sender=str(message.get("From", "")),
        to=str(message.get("To", "")),
        sent_at=parsedate_to_datetime(str(date)) if date else None,
        body=_text_body(message),
    )


def outbox_list(*, limit: int = 100) -> list[OutboxMail]:
    """The newest mails first."""
    files = sorted((p for p in _outbox_dir().iterdir() if _NAME.match(p.name)), reverse=True)
    return [_read(path) for path in files[:limit]]


def outbox_get(*, key: str) -> OutboxMail | None:
    path = _outbox_dir() / f"{key}.eml"
    if not _NAME.match(path.name) or not path.exists():
        return None
    return _read(path)
