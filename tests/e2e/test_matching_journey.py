"""Finding partners as a cluster manager does: from the profile to the ranked partners abroad,
narrowing by country, reading why a partner fits."""

from __future__ import annotations

from typing import Any

import pytest

from clusterbridge.demo.services import demo_load
from clusterbridge.matching import selectors
from clusterbridge.matching.services import matching_refresh
from tests.e2e.conftest import axe_violations


@pytest.fixture
def matched_landscape(transactional_db: None) -> None:
    selectors.landscape_forget()
    demo_load()
    matching_refresh()


def test_profile_to_partners_filter_and_explanation(
    live_server: Any, page: Any, matched_landscape: None
) -> None:
    page.goto(f"{live_server.url}/en/clusters/3dsensation/")
    panel = page.locator("section.matching-panel")
    assert panel.get_by_role("heading", name="Best complementary partners abroad").count() == 1
    assert panel.locator("ol").first.locator("li a").count() == 5
    assert axe_violations(page) == []

    panel.get_by_role("link", name="Find partners").click()
    page.wait_for_url("**/en/matching/3dsensation/")
    assert page.get_by_role("heading", level=1).inner_text() == "Find partners for 3Dsensation"
    assert page.locator("ol.match-list > li.match").count() == 20
    assert axe_violations(page) == []

    # Ticking a country narrows the list at once (htmx); a second one widens it again.
    page.get_by_role("checkbox", name="France").check()
    page.wait_for_url("**country=FR**")
    page.wait_for_load_state("networkidle")
    countries = page.locator("ol.match-list > li.match h2 .muted").all_inner_texts()
    assert countries
    assert all(text.endswith("France") for text in countries)

    first = page.locator("ol.match-list > li.match").first
    sentences = first.locator(".match-explanation li").all_inner_texts()
    # The first sentence quotes this partner's own offers, which no other partner shares.
    assert sentences[0] == (
        "Of what Photonics Bretagne offers, “technology intelligence and photonics training” "
        "and “fibre lasers and fibre sensors demonstrators” come closest to what 3Dsensation "
        "seeks: “services partners in photonics” and “services partners in sensor technology "
        "and measurement”."
    )
    first.get_by_text("Score parts").click()
    assert first.locator(".match-part-gain svg.match-bar").count() == 5
    penalty = first.locator(".match-part-penalty")
    assert penalty.locator(".match-effect").inner_text().startswith("lowers the score by ")
    # The penalty bar is drawn in the warning stripes, never in the gain colour.
    fill = penalty.locator(".match-bar-fill").evaluate("el => getComputedStyle(el).fill")
    assert fill.startswith("url(")
    assert page.get_by_text("more sameness lowers the score").count() == 1
    assert axe_violations(page) == []
    assert page.js_errors == []
