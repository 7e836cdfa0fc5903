"""The interface as a newcomer meets it, in German and on a phone: no English left in the
chrome, filters folded behind a button below 768px, the schedule scrolling inside its frame.
Screenshots of every page at 1280 and 390px land in E2E_SCREENSHOTS (or the test's tmp dir)."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest

from clusterbridge.demo.services import demo_load
from clusterbridge.matching import selectors as matching_selectors
from clusterbridge.matching.services import matching_refresh
from clusterbridge.search.services import index_rebuild
from tests.e2e.conftest import axe_violations

PHONE = {"width": 390, "height": 800}
DESKTOP = {"width": 1280, "height": 900}

GERMAN_PAGES = (
    "/de/",
    "/de/clusters/",
    "/de/clusters/clib2021/",
    "/de/search/?q=Photonik",
    "/de/matching/3dsensation/",
    "/de/programme/",
    "/de/programme/rounds/2015/",
    "/de/programme/schedule/",
    "/de/about/",
    "/de/accounts/login/",
)
# The parts of a page that are the interface, not content: navigation, header and footer,
# buttons, disclosure summaries, form labels and legends (the facet headings and values),
# table headings and captions.
CHROME = (
    "header, footer, nav, button, summary, legend, label, caption, th[scope=col], h1, "
    "input[type=submit], .legend"
)
# English words of the interface that are not German words too (names such as "Cluster" or
# "API" are the same in both languages).
ENGLISH = re.compile(
    r"\b(Home|Search|Filters|Apply|Reset|Log in|Log out|Sign up|Programme|Switch|Language|"
    r"Next|Previous|Page|Download|Schedule|Round|[Tt]oday|Country|Kind|Technology fields?|"
    r"Branch|Member type|Sort by|Relevance|Newest|Name contains|results?|Skip to content|"
    r"About the data|Concept phase|Implementation phase|late report|report due|sample data|"
    r"Find partners|Exclude existing partners|Number of partners|Password|User name|"
    r"winner|measure|inferred|Rules|Selected|Sources|Call (?:opens|closes)|Decision)\b"
)


@pytest.fixture
def landscape(transactional_db: None) -> None:
    matching_selectors.landscape_forget()
    demo_load()
    index_rebuild(embed=False)
    matching_refresh()


@pytest.fixture
def screenshots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("E2E_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _new_page(browser: Any, viewport: dict[str, int], **options: Any) -> Any:
    context = browser.new_context(locale="de-DE", viewport=viewport, bypass_csp=True, **options)
    return context.new_page()


def _shot(page: Any, folder: Path, path: str, width: int) -> None:
    name = re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-") or "root"
    page.screenshot(path=str(folder / f"{name}-{width}.png"), full_page=True)


def test_german_pages_have_no_english_chrome_and_fit_desktop_and_phone(
    live_server: Any, browser: Any, landscape: None, screenshots: Path
) -> None:
    english: dict[str, list[str]] = {}
    too_wide: dict[str, int] = {}
    for viewport in (DESKTOP, PHONE):
        page = _new_page(browser, viewport)
        for path in GERMAN_PAGES:
            page.goto(f"{live_server.url}{path}")
            page.wait_for_load_state("networkidle")
            texts = page.locator(CHROME).evaluate_all(
                "nodes => nodes.filter(n => n.checkVisibility()).map(n => n.innerText || n.value)"
            )
            found = sorted({m.group(0) for text in texts for m in ENGLISH.finditer(text or "")})
            if found:
                english[f"{path} @{viewport['width']}"] = found
            # Nothing pushes the page sideways (WCAG 1.4.10 reflow); wide tables and the
            # chart scroll inside their own frames.
            width = page.evaluate("() => document.documentElement.scrollWidth")
            if width > viewport["width"]:
                too_wide[f"{path} @{viewport['width']}"] = width
            _shot(page, screenshots, path, viewport["width"])
        page.context.close()

    assert english == {}
    assert too_wide == {}


def test_phone_folds_search_filters_behind_a_button(
    live_server: Any, browser: Any, landscape: None
) -> None:
    page = _new_page(browser, PHONE)
    page.goto(f"{live_server.url}/en/search/?q=photonics")
    germany = page.get_by_role("checkbox", name=re.compile(r"^Germany\b"))
    first_result = page.locator("ol.results > li").first

    # The first result shows on the first screen; the facets wait behind "Filters".
    assert first_result.bounding_box()["y"] < PHONE["height"]
    assert germany.is_visible() is False
    assert axe_violations(page) == []

    page.locator("summary", has_text="Filters").click()
    germany.check()
    page.wait_for_url("**country=DE**")
    page.wait_for_load_state("networkidle")
    assert page.locator("summary.filters-toggle").inner_text() == "Filters · 1 chosen"
    assert germany.is_checked()
    assert axe_violations(page) == []

    # Wide screens show the facets beside the results without a click.
    wide = _new_page(browser, DESKTOP)
    wide.goto(f"{live_server.url}/en/search/?q=photonics")
    assert wide.get_by_role("checkbox", name=re.compile(r"^Germany\b")).is_visible()
    assert wide.locator("summary.filters-toggle").is_visible() is False


def test_phone_without_javascript_opens_filters_and_applies_them(
    live_server: Any, browser: Any, landscape: None
) -> None:
    page = _new_page(browser, PHONE, java_script_enabled=False)
    page.goto(f"{live_server.url}/en/clusters/")
    assert page.locator("ul.results > li").first.bounding_box()["y"] < PHONE["height"]

    page.locator("summary", has_text="Filters").click()
    page.get_by_role("checkbox", name=re.compile(r"^France\b")).check()
    page.get_by_role("checkbox", name="Innovation region").check()
    page.get_by_role("button", name="Apply filters").click()

    assert re.search(
        r"country=FR.*kind=innovation-region|kind=innovation-region.*country=FR", page.url
    )
    assert page.locator("summary.filters-toggle").inner_text() == "Filters · 2 chosen"


def test_phone_scrolls_the_schedule_inside_its_frame(
    live_server: Any, browser: Any, landscape: None
) -> None:
    page = _new_page(browser, PHONE)
    page.goto(f"{live_server.url}/en/programme/schedule/")
    frame = page.get_by_role("region", name="Gantt chart")

    widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] == widths[1]
    assert frame.evaluate("el => el.scrollWidth > el.clientWidth") is True
    assert page.get_by_text("Scroll the chart sideways to see every year.").is_visible()
    assert frame.locator("line[stroke='#a4161a']").count() == 1
    assert axe_violations(page) == []
