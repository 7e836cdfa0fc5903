"""The main navigation: one entry marked as the current page, links only to pages one may enter."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.test import Client

from clusterbridge.accounts.models import User

pytestmark = pytest.mark.django_db

MAIN_NAV = re.compile(r'<nav aria-label="Main">(.*?)</nav>', re.S)
CURRENT = re.compile(r'<a [^>]*aria-current="page"[^>]*>([^<]+)</a>')


def _current_entries(client: Client, path: str) -> list[str]:
    page = client.get(path).content.decode()
    return CURRENT.findall(MAIN_NAV.search(page).group(1))  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("path", "current"),
    [
        ("/en/", ["Home"]),
        ("/en/clusters/", ["Clusters"]),
        ("/en/search/", ["Search"]),
        ("/en/programme/", ["Programme"]),
        ("/en/programme/schedule/", ["Programme"]),
        ("/en/about/", []),
    ],
)
def test_main_navigation_marks_exactly_the_current_section(path: str, current: list[str]) -> None:
    assert _current_entries(Client(), path) == current


def test_main_navigation_marks_the_programme_office_alone_for_an_officer(
    make_user: Callable[..., User],
) -> None:
    officer = make_user(is_superuser=True)
    client = Client()
    client.force_login(officer)

    assert _current_entries(client, "/en/programme/") == ["Programme"]
    assert _current_entries(client, "/en/programme/office/") == ["Programme office"]
