"""Forms that take several countries or clusters offer checkboxes, not a select that needs
Ctrl-click; ticked boxes are what the form saves."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from clusterbridge.accounts.models import User
from clusterbridge.clusters.models import Cluster
from clusterbridge.programme.models import Application, Grant, Round

pytestmark = pytest.mark.django_db


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _boxes(page: str, name: str) -> list[tuple[str, bool]]:
    found = re.findall(rf'<input type="checkbox" name="{name}" value="([\w-]+)"([^>]*)>', page)
    return [(value, " checked" in rest) for value, rest in found]


def test_sketch_form_ticks_countries_and_partners_without_ctrl_click(
    open_round: Round, applicant: User, partner_cluster: Cluster
) -> None:
    page = _client(applicant).get(f"/en/programme/rounds/{open_round.year}/apply/photonics-de/")
    html = page.content.decode()

    assert '<select name="target_countries"' not in html
    assert "multiple" not in re.findall(r"<select[^>]*>", html)
    assert ("FR", False) in _boxes(html, "target_countries")
    assert _boxes(html, "partner_candidates") == [("photonics-fr", False)]
    assert "Ctrl" not in html


def test_sketch_saves_every_ticked_country(
    open_round: Round, applicant: User, german_cluster: Cluster, partner_cluster: Cluster
) -> None:
    from tests.programme.test_views import _sketch_post

    client = _client(applicant)
    client.post(
        f"/en/programme/rounds/{open_round.year}/apply/photonics-de/",
        _sketch_post(open_round.year, target_countries=["FR", "ES"]),
    )
    application = Application.objects.get(round=open_round, cluster=german_cluster)
    page = client.get(f"/en/programme/applications/{application.pk}/edit/").content.decode()

    assert sorted(application.target_countries) == ["ES", "FR"]
    # Ticked in the list, which runs by country name (France before Spain).
    assert [code for code, ticked in _boxes(page, "target_countries") if ticked] == ["FR", "ES"]


def test_concept_form_ticks_target_countries(grant: Grant, applicant: User) -> None:
    html = _client(applicant).get(f"/en/programme/grants/{grant.pk}/").content.decode()

    assert ("FR", False) in _boxes(html, "concept-target_countries")


def test_profile_form_ticks_technology_fields(german_cluster: Cluster, applicant: User) -> None:
    html = _client(applicant).get("/en/clusters/photonics-de/edit/").content.decode()

    ticked = [value for value, checked in _boxes(html, "technology_fields") if checked]
    assert ticked == [str(german_cluster.technology_fields.get().pk)]
    assert len(_boxes(html, "technology_fields")) > 50
