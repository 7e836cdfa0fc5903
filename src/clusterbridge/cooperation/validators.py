"""Plain-text input of contact requests: cleaned the same way by the form, the API and the
service. Texts are stored as plain text and escaped on output, never rendered as HTML."""

from __future__ import annotations

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MESSAGE_MIN_LENGTH = 20
MESSAGE_MAX_LENGTH = 4000
TOPIC_MIN_LENGTH = 3
TOPIC_MAX_LENGTH = 200
REPLY_MAX_LENGTH = 2000
NOTE_MAX_LENGTH = 1000
# A message in the partners' conversation: long enough for an agenda or minutes.
BODY_MAX_LENGTH = 10_000

# Bidirectional overrides and isolates can make a text read differently from what it is
# ("Trojan source"); they are format characters (Cf), but so are joiners that emoji and some
# scripts need, so only these are removed.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f")
_BLANK_LINES = re.compile(r"\n{3,}")


def clean_text(value: str, *, multiline: bool = True) -> str:
    """NFC text without control characters (tabs and, in multi-line text, line breaks stay),
    with unified line breaks, no trailing spaces and at most one blank line in a row."""
    text = value.replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u2028", "\n").replace("\u2029", "\n")
    text = "".join(
        char
        for char in text
        if char in "\n\t"
        or not (
            unicodedata.category(char) in {"Cc", "Cs"} or char in _BIDI_CONTROLS or char == "\ufeff"
        )
    )
    # Normalised after the removal, so that a mark left next to its letter is composed too.
    text = unicodedata.normalize("NFC", text)
    if multiline:
        text = "\n".join(line.rstrip() for line in text.split("\n"))
        text = _BLANK_LINES.sub("\n\n", text)
    else:
        text = " ".join(text.split())
    return text.strip()


def _check_length(text: str, *, minimum: int, maximum: int, too_short: str, too_long: str) -> str:
    if len(text) < minimum:
        raise ValidationError(too_short % {"min": minimum, "n": len(text)}, code="too_short")
    if len(text) > maximum:
        raise ValidationError(too_long % {"max": maximum, "n": len(text)}, code="too_long")
    return text


def clean_message(value: str) -> str:
    return _check_length(
        clean_text(value),
        minimum=MESSAGE_MIN_LENGTH,
        maximum=MESSAGE_MAX_LENGTH,
        too_short=_("Write a message of at least %(min)d characters (it has %(n)d)."),
        too_long=_("The message is too long: at most %(max)d characters (it has %(n)d)."),
    )


def clean_topic(value: str) -> str:
    return _check_length(
        clean_text(value, multiline=False),
        minimum=TOPIC_MIN_LENGTH,
        maximum=TOPIC_MAX_LENGTH,
        too_short=_("Name a topic of at least %(min)d characters (it has %(n)d)."),
        too_long=_("The topic is too long: at most %(max)d characters (it has %(n)d)."),
    )


def clean_reply(value: str) -> str:
    return _check_length(
        clean_text(value),
        minimum=0,
        maximum=REPLY_MAX_LENGTH,
        too_short="",
        too_long=_("The reply is too long: at most %(max)d characters (it has %(n)d)."),
    )


def clean_note(value: str) -> str:
    return _check_length(
        clean_text(value),
        minimum=0,
        maximum=NOTE_MAX_LENGTH,
        too_short="",
        too_long=_("The note is too long: at most %(max)d characters (it has %(n)d)."),
    )


def clean_body(value: str) -> str:
    """A message of the partners' conversation: not empty, at most `BODY_MAX_LENGTH`."""
    too_long = _("The message is too long: at most %(max)d characters (it has %(n)d).")
    # Cleaning removes a character here and there, never most of a text: one far over the limit
    # is refused as it came, without walking through every character of it first.
    if len(value) > 4 * BODY_MAX_LENGTH:
        raise ValidationError(too_long % {"max": BODY_MAX_LENGTH, "n": len(value)}, code="too_long")
    return _check_length(
        clean_text(value),
        minimum=1,
        maximum=BODY_MAX_LENGTH,
        too_short=_("Write a message first."),
        too_long=too_long,
    )
