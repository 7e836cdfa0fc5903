from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from clusterbridge.accounts.models import User
from clusterbridge.clusters.models import Cluster

pytestmark = pytest.mark.django_db


def test_account_page_links_each_managed_cluster_to_its_tools(
    client: Client, make_cluster: Callable[..., Cluster], make_user: Callable[..., User]
) -> None:
    cluster = make_cluster(slug="photonics-net", name="Photonics Net")
    make_cluster(slug="not-mine", name="Not Mine")
    manager = make_user(username="mia")
    cluster.managers.add(manager)
    client.force_login(manager)

    html = client.get("/en/accounts/me/").content.decode()

    assert html.count('href="/en/matching/') == 1
    assert 'href="/en/matching/photonics-net/"' in html
    assert 'href="/en/clusters/photonics-net/edit/"' in html
    assert 'href="/en/cooperation/requests/"' in html
    assert "Not Mine" not in html


def test_account_page_needs_a_login(client: Client) -> None:
    response = client.get("/en/accounts/me/")

    assert (response.status_code, response["Location"]) == (
        302,
        "/en/accounts/login/?next=/en/accounts/me/",
    )
