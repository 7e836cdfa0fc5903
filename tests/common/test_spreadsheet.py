"""The one CSV writer of the platform: no cell a spreadsheet would run as a formula (OWASP: = + -
@ tab and carriage return at the start get an apostrophe), numbers as they are, and a byte-order
mark on downloads so that Excel reads UTF-8 umlauts right."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from clusterbridge.common.spreadsheet import (
    FORMULA_START,
    Writer,
    cell,
    csv_download,
    escape_reversibly,
    unescape,
)

formula_like = st.builds(
    lambda start, rest: start + rest, st.sampled_from((*FORMULA_START, "'")), st.text()
)
texts = st.one_of(st.text(), formula_like)


@given(texts)
@example('\t=HYPERLINK("http://evil.example")')
@example("\r=1+1")
@example("@SUM(A1)")
def test_no_text_cell_starts_a_formula(text: str) -> None:
    written = cell(text)

    assert not written.startswith(FORMULA_START)
    assert written in {text, "'" + text}


@given(st.lists(st.lists(st.one_of(texts, st.integers(), st.none(), st.booleans()), max_size=5)))
def test_writer_rows_read_back_as_the_neutralised_cells(rows: list[list[Any]]) -> None:
    stream = io.StringIO(newline="")
    writer = Writer(stream)
    for row in rows:
        writer.writerow(row)

    read = list(csv.reader(io.StringIO(stream.getvalue(), newline="")))

    assert read == [[cell(value) for value in row] for row in rows]


@given(texts)
def test_reversible_escape_reads_back_exactly_and_never_starts_a_formula(text: str) -> None:
    escaped = escape_reversibly(text)

    assert (unescape(escaped), escaped.startswith(FORMULA_START)) == (text, False)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, ""),
        (True, "yes"),
        (False, "no"),
        (-3, "-3"),
        (-3.5, "-3.5"),
        (Decimal("-1200.50"), "-1200.50"),
        ("-3", "'-3"),
        ("Düsseldorf", "Düsseldorf"),
    ],
)
def test_numbers_are_data_and_text_that_looks_like_one_is_text(value: Any, expected: str) -> None:
    assert cell(value) == expected


def test_download_is_utf8_with_a_byte_order_mark() -> None:
    response = csv_download("clusters.csv")
    Writer(response).writerow(["München", "Düsseldorf"])

    assert (response["Content-Type"], response["Content-Disposition"], response.content) == (
        "text/csv; charset=utf-8",
        'attachment; filename="clusters.csv"',
        b"\xef\xbb\xbfM\xc3\xbcnchen,D\xc3\xbcsseldorf\r\n",
    )
