"""Searching as a person does: typing, live results, facets, suggestions, in both languages."""

from __future__ import annotations

import re
from typing import Any

import pytest

from clusterbridge.demo.services import demo_load
from clusterbridge.search.services import index_rebuild
from tests.e2e.conftest import axe_violations


@pytest.fixture
def indexed_landscape(transactional_db: None) -> None:
    demo_load()
    index_rebuild(embed=True)


def test_search_as_you_type_with_facets_and_suggestions(
    live_server: Any, page: Any, indexed_landscape: None
) -> None:
    page.goto(f"{live_server.url}/de/search/")
    assert axe_violations(page) == []

    # Typing a German compound finds fuel-cell clusters described in English, live.
    box = page.get_by_label("Suche nach Clustern, Regionen, Technologiefeldern und Kompetenzen")
    box.press_sequentially("Brennstoffzelle", delay=20)
    page.wait_for_url("**/de/search/?q=Brennstoffzelle**")
    first = page.locator("#search-results ol.results > li h2 a").first
    first.filter(has_text="Cluster Brennstoffzelle BW").wait_for()
    assert page.locator("#search-results mark").count() > 0

    # Suggestions list titles containing what was typed.
    suggestions = page.locator("#search-suggestions a")
    suggestions.first.wait_for()
    assert "Brennstoffzelle" in suggestions.first.inner_text()

    # A facet narrows the results; counts of other countries stay visible.
    page.wait_for_load_state("networkidle")
    count_before = int(page.locator("#search-count").inner_text().split()[0])
    page.get_by_role("checkbox", name=re.compile(r"^Deutschland\b")).check()
    page.wait_for_url("**country=DE**")
    count_after = int(page.locator("#search-count").inner_text().split()[0])
    assert 0 < count_after < count_before
    assert page.get_by_role("checkbox", name=re.compile(r"^Norwegen\b")).count() in {0, 1}
    assert axe_violations(page) == []
    assert page.js_errors == []


def test_search_form_works_without_javascript(
    live_server: Any, browser: Any, indexed_landscape: None
) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/en/search/?q=photnics")
    titles = page.locator("ol.results > li h2 a").all_inner_texts()
    assert any("Photonics" in title for title in titles)
    page.get_by_role("checkbox", name=re.compile(r"^Germany\b")).check()
    page.get_by_role("button", name="Apply filters").click()
    assert "country=DE" in page.url
    context.close()
