"""The visitor's and the cluster manager's journey through the landscape, in a real browser."""

from __future__ import annotations

import re
from typing import Any

import pytest

from clusterbridge.accounts.models import User
from clusterbridge.clusters.models import Cluster
from clusterbridge.demo.services import demo_load
from tests.e2e.conftest import axe_violations, log_in


@pytest.fixture
def landscape(transactional_db: None) -> None:
    demo_load()


def _accessible(page: Any) -> None:
    assert axe_violations(page) == []


def test_journey_visitor_browses_and_manager_edits_own_profile(
    live_server: Any, page: Any, landscape: None, make_user: Any
) -> None:
    cluster = Cluster.objects.get(slug="clib2021")
    manager = make_user(username="manager", password="a-long-test-password")
    cluster.managers.add(manager)

    # Home: counts and entry points.
    page.goto(f"{live_server.url}/")
    assert page.url == f"{live_server.url}/en/"
    assert page.locator("h1").inner_text() == "Innovation clusters cooperating across borders"
    total = Cluster.objects.count()
    assert page.locator(".stats li").first.locator("strong").inner_text() == f"{total:,}"
    _accessible(page)

    # List, then filter by country and field (htmx updates the results in place).
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Clusters").click()
    page.wait_for_url("**/en/clusters/")
    _accessible(page)
    page.get_by_role("checkbox", name=re.compile(r"^Germany\b")).check()
    page.wait_for_url("**country=DE**")
    german = Cluster.objects.filter(country="DE").count()
    assert page.locator("#results p.muted").first.inner_text() == f"{german} clusters"
    page.get_by_role("checkbox", name=re.compile(r"^Bioeconomy and industrial")).check()
    page.wait_for_url("**field=bioeconomy**")
    expected = Cluster.objects.filter(country="DE", technology_fields__slug="bioeconomy").distinct()
    assert page.locator("#results p.muted").first.inner_text() == f"{expected.count()} clusters"
    _accessible(page)

    # Profile with its map drawn offline.
    page.get_by_role("link", name=cluster.name).click()
    page.wait_for_url(f"**/en/clusters/{cluster.slug}/")
    assert page.locator("h1").inner_text().startswith(cluster.name)
    page.wait_for_selector("#cluster-map[data-drawn='true'] circle.map-pin")
    assert page.get_by_role("heading", name="Sources", exact=True).is_visible()
    _accessible(page)

    # Switch to German: the same profile, German labels, a note on the English text.
    page.get_by_label("Language").select_option("de")
    page.wait_for_url(f"**/de/clusters/{cluster.slug}/")
    assert page.get_by_role("heading", name="Quellen", exact=True).is_visible()
    assert page.get_by_text("Noch keine deutsche Beschreibung").is_visible()
    _accessible(page)

    # Log in as the cluster's manager and edit the profile.
    page.goto(f"{live_server.url}/en/accounts/login/?next=/en/clusters/{cluster.slug}/")
    _accessible(page)
    page.get_by_label("Email").fill(User.objects.get(username="manager").email)
    page.get_by_label("Password").fill("a-long-test-password")
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(f"**/en/clusters/{cluster.slug}/")
    page.get_by_role("link", name="Edit profile").click()
    page.wait_for_url(f"**/en/clusters/{cluster.slug}/edit/")
    _accessible(page)
    page.get_by_label("Competences sought").fill("carbon fibre recycling\nbio-based polymers")
    page.get_by_label("Description (German)").fill("Ein Cluster der industriellen Biotechnologie.")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(f"**/en/clusters/{cluster.slug}/")
    assert page.get_by_text("The profile was saved.").is_visible()
    assert page.get_by_text("carbon fibre recycling").is_visible()
    cluster.refresh_from_db()
    assert cluster.description_de == "Ein Cluster der industriellen Biotechnologie."
    assert list(cluster.competences.filter(direction="seeks").values_list("phrase", flat=True)) == [
        "carbon fibre recycling",
        "bio-based polymers",
    ]
    assert page.js_errors == []


def test_manager_cannot_open_edit_form_of_another_cluster(
    live_server: Any, page: Any, landscape: None, make_user: Any
) -> None:
    own, other = Cluster.objects.order_by("slug")[:2]
    manager = make_user(username="manager2", password="a-long-test-password")
    own.managers.add(manager)
    log_in(page, live_server.url, manager.email, "a-long-test-password")
    response = page.goto(f"{live_server.url}/en/clusters/{other.slug}/edit/")
    assert response.status == 403
    assert page.locator("h1").inner_text() == "Not allowed"
