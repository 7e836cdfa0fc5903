"""Whole numbers from query strings and form keys, parsed one way: through Django's IntegerField,
with bounds.

Never `str.isdigit()`: it is true for "²" and "①", which `int()` refuses, and a bare `int()` takes
numbers too large for the database. Path parameters go through URL converters and the API's
through ninja schema fields."""

from __future__ import annotations

from typing import overload

from django import forms
from django.core.exceptions import BadRequest, ValidationError
from django.http import QueryDict
from django.utils.translation import gettext as _


class InvalidParameter(BadRequest):
    """A query parameter the page cannot use; the message names it and the rule it breaks, and
    the 400 page shows it."""


def _field(min_value: int | None, max_value: int | None) -> forms.IntegerField:
    return forms.IntegerField(min_value=min_value, max_value=max_value)


def parse_int(
    value: object, *, min_value: int | None = None, max_value: int | None = None
) -> int | None:
    """`value` as a whole number within the bounds, or None (absent, not a number, out of
    range): for ids and indexes that are simply not found when they are not numbers."""
    try:
        number: int = _field(min_value, max_value).clean(value)
    except ValidationError:
        return None
    return number


@overload
def query_int(
    query: QueryDict, name: str, *, min_value: int, max_value: int, default: int
) -> int: ...


@overload
def query_int(
    query: QueryDict, name: str, *, min_value: int, max_value: int, default: None = None
) -> int | None: ...


def query_int(
    query: QueryDict, name: str, *, min_value: int, max_value: int, default: int | None = None
) -> int | None:
    """`?name=` as a whole number within [min_value, max_value]. Absent or empty gives
    `default`; anything else raises InvalidParameter (a 400 naming the parameter)."""
    raw = query.get(name, "")
    if not raw.strip():
        return default
    try:
        number: int = _field(min_value, max_value).clean(raw)
    except ValidationError as exc:
        raise InvalidParameter(
            _("The parameter “%(name)s” is not valid: %(errors)s")
            % {"name": name, "errors": " ".join(exc.messages)}
        ) from None
    return number
