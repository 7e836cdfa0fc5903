"""Claiming a cluster, by address and by review, and working with its other managers."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from freezegun import freeze_time
from hypothesis import given
from hypothesis import strategies as st

from clusterbridge.accounts import claims, domains
from clusterbridge.accounts.enums import Role
from clusterbridge.accounts.models import ClusterClaim, User
from clusterbridge.accounts.services import user_grant_role
from clusterbridge.audit.models import AuditEntry
from clusterbridge.clusters.models import Cluster

pytestmark = pytest.mark.django_db

BASE = "https://cb.example/"
State = ClusterClaim.State


@pytest.fixture
def werft(make_cluster: Callable[..., Cluster]) -> Cluster:
    return make_cluster(slug="werft", name="Werft Cluster", website="https://www.werft.example/")


def _token(mail: Any) -> str:
    match = re.search(r"/(?:confirm|invitations)/([^/\s]+)/", mail.body)
    assert match is not None, mail.body
    return match.group(1)


# --- the domain rule --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("email", "expected"),
    [
        ("anna@werft.example", True),
        ("anna@hr.werft.example", True),
        ("ANNA@Werft.Example", True),
        ("anna@notwerft.example", False),
        ("anna@werft.example.evil.test", False),
        ("anna@gmail.com", False),
    ],
)
def test_address_matches_the_website_domain(email: str, expected: bool) -> None:
    assert domains.address_matches_website(email, "https://www.werft.example/") is expected


def test_free_mail_never_counts_even_for_a_site_on_that_domain() -> None:
    assert domains.address_matches_website("x@gmail.com", "https://gmail.com/") is False


@given(local=st.text(min_size=1, max_size=20), domain=st.text(min_size=0, max_size=40))
def test_domain_rule_never_fails_on_odd_input(local: str, domain: str) -> None:
    result = domains.address_matches_website(f"{local}@{domain}", "https://www.werft.example/")
    assert result is (
        domain.lower().rstrip(".") == "werft.example"
        or domain.lower().rstrip(".").endswith(".werft.example")
    )


# --- by address -------------------------------------------------------------------------------


def test_claim_by_address_waits_for_the_link_then_approves(
    werft: Cluster,
    make_user: Callable[..., User],
    mailoutbox: list[Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    user = make_user(username="anna", email="anna@private.example")

    with django_capture_on_commit_callbacks(execute=True):
        claim = claims.claim_start(
            user=user, cluster=werft, email="anna@werft.example", base_url=BASE
        )
    assert (claim.state, list(werft.managers.all())) == (State.AWAITING_ADDRESS, [])
    assert [m.to for m in mailoutbox] == [["anna@werft.example"]]

    with django_capture_on_commit_callbacks(execute=True):
        claims.claim_confirm_address(token=_token(mailoutbox[0]), user=user, base_url=BASE)

    claim.refresh_from_db()
    assert (claim.state, list(werft.managers.all())) == (State.APPROVED, [user])
    assert mailoutbox[-1].subject == "[clusterbridge] You now manage Werft Cluster"
    assert list(
        AuditEntry.objects.filter(target_id=str(claim.pk))
        .order_by("pk")
        .values_list("action", flat=True)
    ) == ["accounts.claim.started", "accounts.claim.approved"]


def test_claim_by_an_already_verified_work_address_approves_at_once(
    werft: Cluster, make_user: Callable[..., User]
) -> None:
    user = make_user(username="ben", email="ben@werft.example")

    claim = claims.claim_start(user=user, cluster=werft, email="ben@werft.example", base_url=BASE)

    assert (claim.state, list(werft.managers.all())) == (State.APPROVED, [user])


def test_claim_by_free_mail_is_refused_at_the_address(
    werft: Cluster, make_user: Callable[..., User]
) -> None:
    user = make_user(username="carl")

    with pytest.raises(ValidationError) as error:
        claims.claim_start(user=user, cluster=werft, email="carl@gmail.com", base_url=BASE)

    assert list(error.value.message_dict) == ["email"]
    assert "free-mail" in error.value.message_dict["email"][0]
    assert ClusterClaim.objects.count() == 0


def test_claim_by_an_address_elsewhere_names_the_domain(
    werft: Cluster, make_user: Callable[..., User]
) -> None:
    with pytest.raises(ValidationError, match=r"web domain werft\.example"):
        claims.claim_start(
            user=make_user(), cluster=werft, email="x@elsewhere.example", base_url=BASE
        )


def test_claim_for_a_cluster_one_already_manages_is_refused(
    werft: Cluster, make_user: Callable[..., User]
) -> None:
    user = make_user()
    werft.managers.add(user)

    with pytest.raises(ValidationError, match="You already manage Werft Cluster"):
        claims.claim_start(user=user, cluster=werft, email="a@werft.example", base_url=BASE)


def test_a_second_open_claim_is_refused(werft: Cluster, make_user: Callable[..., User]) -> None:
    user = make_user()
    claims.claim_start(user=user, cluster=werft, note="I run the office.", base_url=BASE)

    with pytest.raises(ValidationError, match="already asked"):
        claims.claim_start(user=user, cluster=werft, note="Again.", base_url=BASE)


def test_confirmation_link_of_another_person_is_refused(
    werft: Cluster,
    make_user: Callable[..., User],
    mailoutbox: list[Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    owner, thief = make_user(username="o1"), make_user(username="t1")
    with django_capture_on_commit_callbacks(execute=True):
        claims.claim_start(user=owner, cluster=werft, email="o1@werft.example", base_url=BASE)

    with pytest.raises(PermissionDenied):
        claims.claim_confirm_address(token=_token(mailoutbox[0]), user=thief, base_url=BASE)
    assert list(werft.managers.all()) == []


def test_expired_and_reused_confirmation_links_are_refused(
    werft: Cluster,
    make_user: Callable[..., User],
    mailoutbox: list[Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    user = make_user()
    with freeze_time("2026-12-01 10:00"), django_capture_on_commit_callbacks(execute=True):
        claims.claim_start(user=user, cluster=werft, email="u@werft.example", base_url=BASE)
    token = _token(mailoutbox[0])

    with freeze_time("2026-12-05 10:00"), pytest.raises(ValidationError, match="expired"):
        claims.claim_confirm_address(token=token, user=user, base_url=BASE)
    with freeze_time("2026-12-02 10:00"):
        claims.claim_confirm_address(token=token, user=user, base_url=BASE)
        with pytest.raises(ValidationError, match="already been used"):
            claims.claim_confirm_address(token=token, user=user, base_url=BASE)


# --- by review --------------------------------------------------------------------------------


def test_claim_by_review_is_decided_by_an_officer(
    werft: Cluster,
    make_user: Callable[..., User],
    mailoutbox: list[Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    officer = make_user(username="olga", email="olga@ministry.example")
    user_grant_role(user=officer, role=Role.PROGRAMME_OFFICER)
    user = make_user(username="dora")

    with django_capture_on_commit_callbacks(execute=True):
        claim = claims.claim_start(
            user=user, cluster=werft, note="Managing director since 2019.", base_url=BASE
        )
    assert [m.to for m in mailoutbox] == [["olga@ministry.example"]]

    with django_capture_on_commit_callbacks(execute=True):
        claims.claim_decide(claim=claim, actor=officer, approve=True, note="", base_url=BASE)

    claim.refresh_from_db()
    assert (claim.state, claim.decided_by, list(werft.managers.all())) == (
        State.APPROVED,
        officer,
        [user],
    )


def test_a_rejection_needs_a_reason_and_tells_the_person(
    werft: Cluster,
    make_user: Callable[..., User],
    mailoutbox: list[Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    staff = make_user(username="sam", is_staff=True)
    user = make_user(username="eve")
    claim = claims.claim_start(user=user, cluster=werft, note="Trust me.", base_url=BASE)

    with pytest.raises(ValidationError) as error:
        claims.claim_decide(claim=claim, actor=staff, approve=False, note=" ", base_url=BASE)
    assert list(error.value.message_dict) == ["note"]

    with django_capture_on_commit_callbacks(execute=True):
        claims.claim_decide(
            claim=claim, actor=staff, approve=False, note="Not on the team page.", base_url=BASE
        )
    claim.refresh_from_db()
    assert (claim.state, list(werft.managers.all())) == (State.REJECTED, [])
    assert "Not on the team page." in mailoutbox[-1].body


def test_only_officers_and_staff_decide_claims(
    werft: Cluster, make_user: Callable[..., User]
) -> None:
    manager = make_user(username="mgr")
    werft.managers.add(manager)
    claim = claims.claim_start(user=make_user(), cluster=werft, note="Hello.", base_url=BASE)

    with pytest.raises(PermissionDenied):
        claims.claim_decide(claim=claim, actor=manager, approve=True, note="", base_url=BASE)


def test_review_route_needs_a_note(werft: Cluster, make_user: Callable[..., User]) -> None:
    with pytest.raises(ValidationError) as error:
        claims.claim_start(user=make_user(), cluster=werft, note="   ", base_url=BASE)

    assert list(error.value.message_dict) == ["note"]


def test_only_the_claimant_withdraws(werft: Cluster, make_user: Callable[..., User]) -> None:
    user, other = make_user(), make_user()
    claim = claims.claim_start(user=user, cluster=werft, note="Me.", base_url=BASE)

    with pytest.raises(PermissionDenied):
        claims.claim_withdraw(claim=claim, actor=other)
    claims.claim_withdraw(claim=claim, actor=user)

    claim.refresh_from_db()
    assert claim.state == State.WITHDRAWN


# --- managers ---------------------------------------------------------------------------------


def test_a_manager_invites_a_colleague_who_accepts(
    werft: Cluster,
    make_user: Callable[..., User],
    mailoutbox: list[Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    manager, colleague = make_user(username="m1"), make_user(username="c1")
    werft.managers.add(manager)

    with django_capture_on_commit_callbacks(execute=True):
        claims.manager_invite(
            cluster=werft, email="c1@people.example", actor=manager, base_url=BASE
        )
    with django_capture_on_commit_callbacks(execute=True):
        claims.manager_invitation_accept(token=_token(mailoutbox[0]), user=colleague, base_url=BASE)

    assert set(werft.managers.all()) == {manager, colleague}
    assert [m.to for m in mailoutbox] == [["c1@people.example"], ["m1@people.example"]]
    with pytest.raises(ValidationError, match="already been used"):
        claims.manager_invitation_accept(
            token=_token(mailoutbox[0]), user=make_user(), base_url=BASE
        )


def test_an_invitation_to_oneself_is_refused(
    werft: Cluster, make_user: Callable[..., User]
) -> None:
    manager = make_user(username="self")
    werft.managers.add(manager)

    with pytest.raises(ValidationError) as error:
        claims.manager_invite(
            cluster=werft, email="SELF@people.example", actor=manager, base_url=BASE
        )

    assert error.value.message_dict == {"email": ["You cannot invite yourself."]}


def test_only_managers_invite_and_remove(werft: Cluster, make_user: Callable[..., User]) -> None:
    manager, outsider = make_user(), make_user()
    werft.managers.add(manager)

    with pytest.raises(PermissionDenied):
        claims.manager_invite(cluster=werft, email="x@y.example", actor=outsider, base_url=BASE)
    with pytest.raises(PermissionDenied):
        claims.manager_remove(cluster=werft, manager=manager, actor=outsider, base_url=BASE)
    assert list(werft.managers.all()) == [manager]


def test_the_last_manager_cannot_leave(werft: Cluster, make_user: Callable[..., User]) -> None:
    manager = make_user()
    werft.managers.add(manager)

    with pytest.raises(ValidationError, match="at least one manager"):
        claims.manager_remove(cluster=werft, manager=manager, actor=manager, base_url=BASE)


def test_a_manager_removes_a_colleague_and_may_leave(
    werft: Cluster, make_user: Callable[..., User]
) -> None:
    a, b, c = make_user(), make_user(), make_user()
    werft.managers.add(a, b, c)

    claims.manager_remove(cluster=werft, manager=b, actor=a, base_url=BASE)
    claims.manager_remove(cluster=werft, manager=a, actor=a, base_url=BASE)

    assert list(werft.managers.all()) == [c]
    assert list(AuditEntry.objects.order_by("pk").values_list("action", flat=True)) == [
        "accounts.manager.removed",
        "accounts.manager.left",
    ]


# --- held contact requests --------------------------------------------------------------------


def test_approving_the_first_claim_delivers_held_contact_requests(
    werft: Cluster,
    make_cluster: Callable[..., Cluster],
    make_user: Callable[..., User],
    mailoutbox: list[Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    from clusterbridge.cooperation.models import ContactRequest
    from clusterbridge.cooperation.services import contact_request_send

    lyon = make_cluster(slug="lyon", country="FR", region="FR-ARA", city="Lyon")
    sender = make_user(username="sophie")
    lyon.managers.add(sender)
    held = contact_request_send(
        sender_cluster=lyon,
        receiver_cluster=werft,
        actor=sender,
        topic="Ship recycling",
        message="We would like to talk about recycling ships together.",
    )
    assert held.status == "held"
    newcomer = make_user(username="neu", email="neu@werft.example")

    with django_capture_on_commit_callbacks(execute=True):
        claims.claim_start(user=newcomer, cluster=werft, email="neu@werft.example", base_url=BASE)

    held.refresh_from_db()
    assert held.status == "open"
    assert sorted(m.to[0] for m in mailoutbox) == [
        "neu@werft.example",
        "neu@werft.example",
        "sophie@people.example",
    ]
    assert ContactRequest.objects.filter(status="held").count() == 0
