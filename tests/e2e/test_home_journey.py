"""A visitor's first minute: the home page's search box, the legal pages, on a desktop and a
phone, in English and German."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from clusterbridge.clusters.models import Cluster
from clusterbridge.search.services import index_rebuild
from tests.e2e.conftest import axe_violations


@pytest.fixture
def landscape(transactional_db: None, make_cluster: Callable[..., Cluster]) -> None:
    make_cluster(slug="photonics-bw", name="Photonics BW", description_en="Optical technologies.")
    make_cluster(
        slug="optitec",
        name="OptecNet Optics Network",
        country="FR",
        region="",
        city="Marseille",
        kind="international-cluster",
        description_en="Photonics cluster in the south of France.",
    )
    make_cluster(
        slug="fuel-cells",
        name="Fuel Cell Cluster",
        technology_fields=["renewable-energy"],
        description_en="Hydrogen and fuel cells.",
    )
    index_rebuild(embed=False)


def test_home_search_box_suggests_and_leads_to_results(
    live_server: Any, page: Any, landscape: None
) -> None:
    page.goto(f"{live_server.url}/")
    assert page.url == f"{live_server.url}/en/"
    assert axe_violations(page) == []

    box = page.get_by_role("search").get_by_label(
        "Search for clusters, regions, fields and competences"
    )
    box.press_sequentially("Photon", delay=20)
    suggestion = page.locator("#home-suggestions a").first
    suggestion.wait_for()
    assert suggestion.inner_text() == "Photonics BW"
    assert axe_violations(page) == []

    box.fill("photonics")
    box.press("Enter")
    page.wait_for_url("**/en/search/?q=photonics")
    titles = page.locator("ol.results > li h2 a").all_inner_texts()
    assert sorted(titles) == ["OptecNet Optics Network", "Photonics BW"]
    assert page.js_errors == []


@pytest.mark.parametrize("language", ["en", "de"])
def test_legal_pages_from_the_footer(
    live_server: Any, page: Any, transactional_db: None, language: str
) -> None:
    names = {"en": ("Imprint", "Privacy"), "de": ("Impressum", "Datenschutz")}[language]
    page.goto(f"{live_server.url}/{language}/")

    for name, path in zip(names, ("imprint", "privacy"), strict=True):
        page.locator("footer").get_by_role("link", name=name, exact=True).click()
        page.wait_for_url(f"**/{language}/{path}/")
        assert page.locator("h1").inner_text() == name
        assert axe_violations(page) == []
    assert page.js_errors == []


@pytest.mark.parametrize("language", ["en", "de"])
@pytest.mark.parametrize("path", ["", "imprint/", "privacy/"])
def test_pages_fit_a_phone_screen(
    live_server: Any, browser: Any, transactional_db: None, language: str, path: str
) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, bypass_csp=True)
    page = context.new_page()
    page.goto(f"{live_server.url}/{language}/{path}")

    # Nothing wider than the screen: German compounds in headings once pushed the page sideways.
    assert page.evaluate("document.documentElement.scrollWidth") == 390
    # The content keeps its distance from the header (`.wrap` once zeroed main's padding).
    assert page.evaluate("getComputedStyle(document.querySelector('main')).paddingTop") == "24px"
    assert axe_violations(page) == []
    context.close()
