from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.utils import timezone, translation

from clusterbridge.accounts.models import User
from clusterbridge.clusters.enums import ClusterKind
from clusterbridge.clusters.models import Cluster
from clusterbridge.cooperation import services as cooperation
from clusterbridge.cooperation.enums import PartnershipStage
from clusterbridge.cooperation.models import Partnership

pytestmark = pytest.mark.django_db

MESSAGE = "We would like to explore joint projects on carbon fibre recycling."


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def open_partnership(
    make_cluster: Callable[..., Cluster], make_user: Callable[..., User]
) -> Callable[[str], Partnership]:
    """A partnership of a German cluster with a new partner abroad, opened as people open one:
    a contact request its receiver accepts."""
    german = make_cluster(slug="alpha", name="Alpha Cluster")
    manager = make_user(username="anna")
    german.managers.add(manager)

    def make(name: str) -> Partnership:
        partner = make_cluster(
            name=name,
            kind=ClusterKind.INTERNATIONAL_CLUSTER.value,
            country="FR",
            region="",
            city="Lyon",
        )
        partner_manager = make_user()
        partner.managers.add(partner_manager)
        request = cooperation.contact_request_send(
            sender_cluster=german,
            receiver_cluster=partner,
            actor=manager,
            topic="Carbon fibre recycling",
            message=MESSAGE,
        )
        return cooperation.contact_request_accept(contact_request=request, actor=partner_manager)

    return make


def _partnership_links(html: str) -> list[str]:
    section = html.split('id="new-partnerships"', 1)[1].split("</section>", 1)[0]
    return re.findall(r'<a href="/en/cooperation/partnerships/\d+/">\s*(.*?)\s*</a>', section)


def _profile_links(html: str) -> list[str]:
    section = html.split('id="new-profiles"', 1)[1].split("</section>", 1)[0]
    return re.findall(r'<a href="/en/clusters/[\w-]+/">(.*?)</a>', section)


def test_home_search_box_sends_the_query_to_the_search_page(client: Client) -> None:
    html = client.get("/en/").content.decode()

    assert re.findall(r'<form method="get" action="([^"]+)" role="search"', html) == ["/en/search/"]
    assert re.findall(r'<label for="home-q">([^<]*)</label>', html) == [
        "Search for clusters, regions, fields and competences"
    ]
    assert 'id="home-q" name="q"' in html
    assert 'hx-get="/en/search/suggest/"' in html


def test_home_lists_latest_partnerships_newest_first(
    client: Client, open_partnership: Callable[[str], Partnership]
) -> None:
    first = open_partnership("Bravo Pôle")
    open_partnership("Charlie Cluster")
    Partnership.objects.filter(pk=first.pk).update(stage_since=timezone.now() - timedelta(days=2))

    html = client.get("/en/").content.decode()

    assert _partnership_links(html) == [
        "Alpha Cluster with Charlie Cluster",
        "Alpha Cluster with Bravo Pôle",
    ]
    assert "In talks since" in html


def test_home_never_shows_an_ended_partnership_not_even_to_its_parties(
    client: Client, open_partnership: Callable[[str], Partnership]
) -> None:
    ended = open_partnership("Bravo Pôle")
    open_partnership("Charlie Cluster")
    manager = User.objects.get(username="anna")
    cooperation.partnership_move(partnership=ended, actor=manager, stage=PartnershipStage.ENDED)
    client.force_login(manager)

    html = client.get("/en/").content.decode()

    assert _partnership_links(html) == ["Alpha Cluster with Charlie Cluster"]


def test_home_without_partnerships_says_so(client: Client) -> None:
    html = client.get("/en/").content.decode()

    assert _partnership_links(html) == []
    assert "No partnerships yet. They appear here as soon as clusters agree to talk." in html


def test_home_lists_profiles_newest_first_telling_added_from_updated(
    client: Client, make_cluster: Callable[..., Cluster]
) -> None:
    old = make_cluster(name="Old Cluster")
    make_cluster(name="New Cluster")
    long_ago = timezone.now() - timedelta(days=30)
    Cluster.objects.filter(pk=old.pk).update(created_at=long_ago, updated_at=long_ago)
    old.refresh_from_db()
    old.city = "Augsburg"
    old.save()  # an edit today, long after the profile was added

    html = client.get("/en/").content.decode()

    assert _profile_links(html) == ["Old Cluster", "New Cluster"]
    section = html.split('id="new-profiles"', 1)[1].split("</section>", 1)[0]
    verbs = re.findall(r"(added|updated) on <time", section)
    assert verbs == ["updated", "added"]


def test_home_shows_at_most_five_of_each(
    client: Client,
    make_cluster: Callable[..., Cluster],
    open_partnership: Callable[[str], Partnership],
) -> None:
    for n in range(6):
        open_partnership(f"Partner {n}")

    html = client.get("/en/").content.decode()

    assert len(_partnership_links(html)) == 5
    assert len(_profile_links(html)) == 5


@pytest.mark.parametrize("count", [1, 3])
def test_home_query_count_does_not_grow_with_partnerships_and_clusters(
    client: Client,
    open_partnership: Callable[[str], Partnership],
    django_assert_num_queries: Any,
    count: int,
) -> None:
    for n in range(count):
        open_partnership(f"Partner {n}")

    # Counts (2), partnerships with both clusters (1), which profiles are newest (1), those
    # profiles (1) and their fields (1), the profiles claimed last (1); then the counts and the
    # newest ids come from the cache.
    with django_assert_num_queries(7):
        cold = client.get("/en/")
    with django_assert_num_queries(4):
        warm = client.get("/en/")

    cold_html, warm_html = cold.content.decode(), warm.content.decode()
    assert len(_partnership_links(cold_html)) == count
    assert (_partnership_links(warm_html), _profile_links(warm_html)) == (
        _partnership_links(cold_html),
        _profile_links(cold_html),
    )


def test_home_shows_a_new_profile_once_its_write_has_committed(
    client: Client,
    make_cluster: Callable[..., Cluster],
    django_capture_on_commit_callbacks: Any,
) -> None:
    make_cluster(name="First Cluster")
    client.get("/en/")  # fills the cache

    with django_capture_on_commit_callbacks(execute=True):
        make_cluster(name="Second Cluster")

    assert _profile_links(client.get("/en/").content.decode()) == [
        "Second Cluster",
        "First Cluster",
    ]


def test_home_how_it_works_links_each_role_to_existing_pages(client: Client) -> None:
    html = client.get("/en/").content.decode()

    roles = html.split("<h2>How it works</h2>", 1)[1].split("</main>", 1)[0]
    assert re.findall(r"<h3>(.*?)</h3>", roles) == [
        "Cluster managers",
        "SMEs and researchers",
        "Programme officers and jurors",
        "Everyone",
    ]
    assert re.findall(r'<a href="([^"]+)">', roles) == [
        "/en/clusters/",
        "/en/accounts/signup/",
        "/en/search/",
        "/en/programme/",
        "/en/accounts/login/",
        "/en/programme/schedule/",
        "/en/clusters/",
        "/api/v1/docs",
    ]


def test_home_in_german(client: Client) -> None:
    html = client.get("/de/").content.decode()

    assert "<h2>Neu auf der Plattform</h2>" in html
    assert "<h2>So funktioniert es</h2>" in html
    assert 'href="/de/accounts/signup/">Registrieren Sie sich</a>' in html


@dataclass(frozen=True)
class _Call:
    """Stands in for the calls the content app will bring: a title, a page and a deadline."""

    title: str
    deadline: date

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return "/en/calls/1/"


def test_home_blocks_for_claims_and_calls_render_only_with_their_context(
    make_cluster: Callable[..., Cluster],
) -> None:
    cluster = make_cluster(name="Claimed Cluster")
    request = RequestFactory().get("/en/")
    base = {"counts": {}, "partnerships": [], "profile_changes": [], "signup_url": "/"}
    call = _Call(title="Photonics call 2026", deadline=date(2026, 3, 31))

    with translation.override("en"):
        without = render_to_string("web/home.html", base, request=request)
        with_both = render_to_string(
            "web/home.html",
            {**base, "recently_claimed": [cluster], "open_calls": [call]},
            request=request,
        )

    assert ('id="new-claims"' in without, 'id="new-calls"' in without) == (False, False)
    claims = with_both.split('id="new-claims"', 1)[1].split("</section>", 1)[0]
    assert re.findall(r'<a href="([^"]+)">(.*?)</a>', claims) == [
        ("/en/clusters/cluster-1/", "Claimed Cluster")
    ]
    calls = with_both.split('id="new-calls"', 1)[1].split("</section>", 1)[0]
    assert re.findall(r'<a href="([^"]+)">(.*?)</a>', calls) == [
        ("/en/calls/1/", "Photonics call 2026")
    ]
    assert 'Deadline: <time datetime="2026-03-31">31 March 2026</time>' in calls


def test_home_lists_profiles_claimed_by_their_managers(
    client: Client, make_cluster: Callable[..., Any], make_user: Callable[..., Any]
) -> None:
    from clusterbridge.accounts import claims

    cluster = make_cluster(slug="werft", name="Werft Cluster", website="https://werft.example")
    user = make_user(username="lena", email="lena@werft.example")
    claims.claim_start(user=user, cluster=cluster, email="lena@werft.example", base_url="http://t/")

    html = client.get("/en/").content.decode()

    claimed = html.split('id="new-claims"', 1)[1].split("</section>", 1)[0]
    assert re.findall(r'<a href="([^"]+)">', claimed) == ["/en/clusters/werft/"]
