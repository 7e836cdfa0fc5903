"""Countries and subdivisions from pycountry, with names in the active language from Babel."""

from __future__ import annotations

from functools import cache

import pycountry
from babel import Locale
from django.utils.translation import get_language


def _locale() -> Locale:
    return Locale.parse("de" if (get_language() or "en").startswith("de") else "en")


@cache
def country_codes() -> frozenset[str]:
    return frozenset(country.alpha_2 for country in pycountry.countries)


def is_country(code: str) -> bool:
    return code in country_codes()


def country_name(code: str) -> str:
    name = _locale().territories.get(code)
    if name:
        return str(name)
    country = pycountry.countries.get(alpha_2=code)
    return country.name if country else code


@cache
def subdivision_codes(country: str) -> frozenset[str]:
    return frozenset(s.code for s in pycountry.subdivisions.get(country_code=country) or [])


def is_subdivision(code: str) -> bool:
    country = code.split("-", 1)[0]
    return code in subdivision_codes(country)


# pycountry names subdivisions in the local language only; these states have English exonyms.
_ENGLISH_STATE_NAMES = {
    "DE-BY": "Bavaria",
    "DE-HE": "Hesse",
    "DE-MV": "Mecklenburg-Western Pomerania",
    "DE-NI": "Lower Saxony",
    "DE-NW": "North Rhine-Westphalia",
    "DE-RP": "Rhineland-Palatinate",
    "DE-SN": "Saxony",
    "DE-ST": "Saxony-Anhalt",
    "DE-TH": "Thuringia",
}


def subdivision_name(code: str) -> str:
    subdivision = pycountry.subdivisions.get(code=code)
    if subdivision is None:
        return code
    if not (get_language() or "en").startswith("de") and code in _ENGLISH_STATE_NAMES:
        return _ENGLISH_STATE_NAMES[code]
    return str(subdivision.name)


def german_federal_states() -> list[tuple[str, str]]:
    states = pycountry.subdivisions.get(country_code="DE") or []
    return sorted(((s.code, subdivision_name(s.code)) for s in states), key=lambda item: item[1])


def country_numeric(code: str) -> str:
    country = pycountry.countries.get(alpha_2=code)
    return str(country.numeric) if country else ""
