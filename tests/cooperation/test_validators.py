from __future__ import annotations

import unicodedata

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from clusterbridge.cooperation.validators import (
    MESSAGE_MAX_LENGTH,
    clean_message,
    clean_note,
    clean_reply,
    clean_text,
    clean_topic,
)

REMOVED = {"Cc", "Cs"}


def _forbidden(char: str) -> bool:
    return (
        unicodedata.category(char) in REMOVED and char not in "\n\t"
    ) or char in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\ufeff"


@given(st.text())
@settings(deadline=None)  # the machine is shared; timing is not what is tested
def test_clean_text_leaves_no_control_characters(value: str) -> None:
    cleaned = clean_text(value)

    assert [char for char in cleaned if _forbidden(char)] == []


@given(st.text())
@settings(deadline=None)  # the machine is shared; timing is not what is tested
def test_clean_text_is_idempotent(value: str) -> None:
    once = clean_text(value)

    assert clean_text(once) == once


@given(st.text())
@settings(deadline=None)  # the machine is shared; timing is not what is tested
def test_clean_text_single_line_has_no_line_breaks_or_tabs(value: str) -> None:
    cleaned = clean_text(value, multiline=False)

    assert ("\n" in cleaned, "\t" in cleaned, "\r" in cleaned) == (False, False, False)
    assert clean_text(cleaned, multiline=False) == cleaned


@given(st.text())
@settings(deadline=None)  # the machine is shared; timing is not what is tested
def test_clean_text_is_nfc_without_surrounding_space_or_three_line_breaks(value: str) -> None:
    cleaned = clean_text(value)

    assert cleaned == unicodedata.normalize("NFC", cleaned)
    assert cleaned == cleaned.strip()
    assert "\n\n\n" not in cleaned
    assert "\r" not in cleaned


@given(st.text(alphabet=st.characters(categories=["L", "N", "P", "Zs"]), max_size=300))
@settings(deadline=None)
def test_clean_text_keeps_printable_single_line_text(value: str) -> None:
    normalised = unicodedata.normalize("NFC", value).strip()

    assert clean_text(value) == normalised


def test_clean_text_keeps_markup_as_plain_text_and_drops_control_characters() -> None:
    value = "Hello\x00 <b>team</b>\u202e!\r\n\r\n\r\n\r\nBest\x07 regards\t \n"

    assert clean_text(value) == "Hello <b>team</b>!\n\nBest regards"


def test_clean_message_too_short_names_the_minimum() -> None:
    with pytest.raises(ValidationError) as caught:
        clean_message("  Hi\x00 there  ")

    assert caught.value.messages == ["Write a message of at least 20 characters (it has 8)."]


def test_clean_message_too_long_names_the_maximum() -> None:
    with pytest.raises(ValidationError) as caught:
        clean_message("x" * (MESSAGE_MAX_LENGTH + 1))

    assert caught.value.messages == [
        "The message is too long: at most 4000 characters (it has 4001)."
    ]


def test_clean_message_counts_length_after_cleaning() -> None:
    value = "x" * MESSAGE_MAX_LENGTH + "\x00" * 50 + "   "

    assert clean_message(value) == "x" * MESSAGE_MAX_LENGTH


def test_clean_topic_joins_lines_and_checks_length() -> None:
    assert clean_topic(" Carbon\nfibre \t recycling ") == "Carbon fibre recycling"
    with pytest.raises(ValidationError) as caught:
        clean_topic("ab")
    assert caught.value.messages == ["Name a topic of at least 3 characters (it has 2)."]


def test_clean_reply_and_note_may_be_empty_but_not_too_long() -> None:
    assert (clean_reply(""), clean_note("  ")) == ("", "")
    with pytest.raises(ValidationError) as caught:
        clean_note("n" * 1001)
    assert caught.value.messages == ["The note is too long: at most 1000 characters (it has 1001)."]
