"""The real measure's published facts read in German on the German programme page."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from clusterbridge.demo.programme import measure_load

pytestmark = pytest.mark.django_db


def _list_after(page: str, heading: str) -> tuple[str, list[str]]:
    """The language attribute and the items of the list that follows a heading."""
    block = page.split(f"<h3>{heading}</h3>", 1)[1]
    match = re.search(r"<(?:ol|ul)( lang=\"en\")?>(.*?)</(?:ol|ul)>", block, re.S)
    assert match is not None
    return match.group(1) or "", re.findall(r"<li>([^<]+)</li>", match.group(2))


def test_german_programme_page_gives_the_measures_facts_in_german() -> None:
    measure_load()

    page = Client().get("/de/programme/").content.decode()

    assert (
        "Gefördert vom Bundesministerium für Bildung und Forschung (BMBF), betreut vom "
        "Projektträger Jülich (PtJ)" in page
    )
    assert _list_after(page, "Auswahlschritte") == (
        "",
        [
            "Skizze oder Präsentation",
            "Empfehlung durch eine unabhängige Jury",
            "förmlicher Antrag",
            "Prüfung durch den Projektträger",
            "Bewilligung durch das Ministerium",
            "Prüfung der FuE-Projektskizzen vor der Umsetzungsphase",
        ],
    )
    assert _list_after(page, "Was Partner im Ausland mitbringen")[1][1] == (
        "ein eigenes Clustermanagement"
    )
    assert "<li>Institut für Weltwirtschaft Kiel</li>" in page


def test_english_programme_page_keeps_the_published_english() -> None:
    measure_load()

    page = Client().get("/en/programme/").content.decode()

    assert _list_after(page, "Selection steps")[1][0] == "sketch or presentation"
    assert "Funded by Federal Ministry of Education and Research (BMBF)" in page
