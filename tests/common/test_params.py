"""Whole numbers from query strings: one parser (Django's IntegerField with bounds) that takes
what `int()` takes and refuses the rest, including the characters `str.isdigit()` lets through."""

from __future__ import annotations

import pytest
from django.http import QueryDict
from hypothesis import example, given
from hypothesis import strategies as st

from clusterbridge.common.params import InvalidParameter, parse_int, query_int


def _query(value: str) -> QueryDict:
    query = QueryDict(mutable=True)
    query["round"] = value
    return query


def _read(text: str) -> tuple[int | None, str]:
    """What `?round=<text>` reads as, or the error it raises."""
    try:
        return query_int(_query(text), "round", min_value=1, max_value=9999), ""
    except InvalidParameter as exc:
        return None, str(exc)


@given(st.text(max_size=30))
@example("²")
@example("①")
@example("1²")
@example("9" * 5000)  # more digits than int() converts
@example("99999999999999999999")
def test_query_int_gives_a_number_in_range_or_names_the_parameter(text: str) -> None:
    number, error = _read(text)

    if error:
        assert error.startswith("The parameter “round” is not valid: ")
    else:
        assert number is None or 1 <= number <= 9999
        assert (number is None) == (text.strip() == "")


@given(st.integers())
def test_query_int_reads_every_number_it_writes(number: int) -> None:
    inside = 1 <= number <= 9999

    read, _error = _read(str(number))

    assert (read == number) == inside


@pytest.mark.parametrize(
    ("text", "expected"),
    [("²", None), ("①", None), ("٣", 3), (" 12 ", 12), ("12.0", 12), ("1e3", None), ("", None)],
)
def test_parse_int_takes_real_digits_only(text: str, expected: int | None) -> None:
    assert parse_int(text) == expected


def test_query_int_absent_or_empty_is_the_default() -> None:
    assert (
        query_int(QueryDict(""), "page", min_value=1, max_value=10, default=2),
        query_int(QueryDict("page="), "page", min_value=1, max_value=10, default=2),
    ) == (2, 2)
