"""CSV that spreadsheet programs open safely, written one way by every export.

A cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage return is read as a formula by
Excel, LibreOffice and Google Sheets (CSV injection: `=HYPERLINK(...)`, `=cmd|...`); such text gets
a leading apostrophe, as OWASP advises. Numbers are written as they are: "-3.5" is data, never a
formula. Downloads start with a byte-order mark, without which Excel reads UTF-8 in its local code
page and breaks every umlaut."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from decimal import Decimal
from typing import Any, Protocol

from django.http import HttpResponse

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
BYTE_ORDER_MARK = "\ufeff"


class Stream(Protocol):
    """Where CSV goes: a text file, io.StringIO or an HttpResponse."""

    def write(self, text: str, /) -> Any: ...


def neutralise(text: str) -> str:
    """`text` with a leading apostrophe if a spreadsheet would read it as a formula."""
    return "'" + text if text.startswith(FORMULA_START) else text


def cell(value: Any) -> str:
    """One value as a cell: empty for None, yes/no for booleans, numbers as written, any other
    text neutralised."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float | Decimal):
        return str(value)
    return neutralise(str(value))


# The clusters' exchange format (export, then import) must read back exactly, so there a cell
# that already begins with an apostrophe gets one more, and the import takes exactly one off.
_REVERSIBLE_START = (*FORMULA_START, "'")


def escape_reversibly(text: str) -> str:
    return "'" + text if text.startswith(_REVERSIBLE_START) else text


def unescape(text: str) -> str:
    """Undoes `escape_reversibly` (a lone apostrophe, or one before other text, is kept)."""
    if len(text) > 1 and text[0] == "'" and text.startswith(_REVERSIBLE_START, 1):
        return text[1:]
    return text


class Writer:
    """`csv.writer` whose every cell goes through `cell`, so no export can forget it."""

    def __init__(self, stream: Stream) -> None:
        self._writer = csv.writer(stream)

    def writerow(self, values: Iterable[Any]) -> None:
        self._writer.writerow([cell(value) for value in values])


def csv_download(filename: str) -> HttpResponse:
    """An empty CSV attachment, UTF-8 with a byte-order mark, for a `Writer` to fill."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write(BYTE_ORDER_MARK)
    return response
