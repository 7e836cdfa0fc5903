"""The programme office links only to pages the officer may enter."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from clusterbridge.accounts.models import User

pytestmark = pytest.mark.django_db

ADMIN_LINK = '<a href="/en/admin/">Back office (admin)</a>'


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_office_hides_the_back_office_from_an_officer_without_staff_status(
    programme: Any, officer: User
) -> None:
    client = _client(officer)

    office = client.get("/en/programme/office/").content.decode()

    assert office.count(ADMIN_LINK) == 0
    assert client.get("/en/admin/").status_code == 302


def test_office_shows_the_back_office_to_staff_who_can_enter_it(
    programme: Any, officer: User
) -> None:
    officer.is_staff = True
    officer.save()
    client = _client(officer)

    office = client.get("/en/programme/office/").content.decode()

    assert office.count(ADMIN_LINK) == 1
    assert client.get("/en/admin/").status_code == 200
