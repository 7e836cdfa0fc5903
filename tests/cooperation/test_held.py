"""Contact requests to a cluster that nobody manages on the platform yet: held, never reported as
sent, delivered when the cluster gets its first managers, optionally announced to its published
address."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client, override_settings
from django.urls import reverse
from freezegun import freeze_time

from clusterbridge.accounts.models import User
from clusterbridge.audit.selectors import audit_entries
from clusterbridge.clusters.models import Cluster, Contact, ManagementOrganisation
from clusterbridge.cooperation import selectors, services
from clusterbridge.cooperation.enums import ContactRequestStatus
from clusterbridge.cooperation.models import ContactRequest
from tests.cooperation.conftest import MESSAGE, Parties

pytestmark = pytest.mark.django_db

Send = Callable[..., ContactRequest]
MakeUser = Callable[..., User]
NOTICE = (
    "This cluster has not joined clusterbridge yet. We will deliver your request when it does, "
    "and tell you."
)
NOTICE_DE = (
    "Dieses Cluster ist clusterbridge noch nicht beigetreten. Wir stellen Ihre Anfrage zu, "
    "sobald es beitritt, und sagen Ihnen dann Bescheid."
)


def _client(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _actions(target: Any) -> list[str]:
    return list(audit_entries(target=target).order_by("id").values_list("action", flat=True))


def _run(callbacks: list[Callable[[], None]]) -> None:
    for callback in callbacks:
        callback()


# --- holding ----------------------------------------------------------------------------------


def test_contact_request_to_a_cluster_without_managers_is_held_not_sent(
    parties: Parties,
    send: Send,
    unclaimed: Cluster,
    django_capture_on_commit_callbacks: Any,
    mailoutbox: list[Any],
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        request = send(receiver_cluster=unclaimed)

    assert (request.status, request.is_held, request.notice) == (
        ContactRequestStatus.HELD,
        True,
        NOTICE,
    )
    entry = audit_entries(target=request).get()
    assert (entry.action, entry.actor, entry.cluster_id) == (
        "cooperation.contact_request.held",
        parties.manager_a,
        parties.a.pk,
    )
    # Nobody is mailed: not the published address (invitations are off), not the sender.
    assert mailoutbox == []


def test_contact_request_to_a_cluster_whose_managers_are_all_inactive_is_held(
    parties: Parties, send: Send, unclaimed: Cluster, make_user: MakeUser
) -> None:
    unclaimed.managers.add(make_user(username="gone", email="gone@echo.example", is_active=False))

    assert send(receiver_cluster=unclaimed).status == ContactRequestStatus.HELD


def test_held_request_notice_is_translated(
    parties: Parties, send: Send, unclaimed: Cluster
) -> None:
    from django.utils import translation

    request = send(receiver_cluster=unclaimed)

    with translation.override("de"):
        assert (request.notice, request.get_status_display()) == (NOTICE_DE, "wartet auf Beitritt")


@pytest.mark.parametrize("reverse_direction", [False, True])
def test_held_request_counts_as_the_open_request_of_the_pair(
    parties: Parties,
    send: Send,
    unclaimed: Cluster,
    make_user: MakeUser,
    reverse_direction: bool,
) -> None:
    send(receiver_cluster=unclaimed)
    if reverse_direction:
        # Someone joins for Echo (without the delivery having run yet) and writes to Alpha.
        manager_e = make_user(username="elena", email="elena@echo.example")
        unclaimed.managers.add(manager_e)
        second = {"sender_cluster": unclaimed, "receiver_cluster": parties.a, "actor": manager_e}
    else:
        second = {"receiver_cluster": unclaimed, "topic": "Another topic"}

    with pytest.raises(ValidationError) as caught:
        send(**second)

    names = (
        ("Echo Clúster", "Alpha Cluster")
        if reverse_direction
        else ("Alpha Cluster", "Echo Clúster")
    )
    assert caught.value.messages == [
        f"There is already an open contact request between {names[0]} and {names[1]}."
    ]
    assert ContactRequest.objects.count() == 1


def test_held_request_pair_is_unique_in_the_database(parties: Parties, unclaimed: Cluster) -> None:
    ContactRequest.objects.create(
        sender_cluster=parties.a, receiver_cluster=unclaimed, topic="t", message="m", status="held"
    )

    with pytest.raises(ValidationError):
        ContactRequest(
            sender_cluster=unclaimed, receiver_cluster=parties.a, topic="t", message="m"
        ).validate_constraints()


@override_settings(COOPERATION_CONTACT_REQUESTS_PER_DAY=1)
def test_held_request_counts_against_the_daily_limit(
    parties: Parties, send: Send, unclaimed: Cluster
) -> None:
    with freeze_time("2026-03-02 09:00:00"):
        send(receiver_cluster=unclaimed)
    with (
        freeze_time("2026-03-02 10:00:00"),
        pytest.raises(services.ContactRequestThrottledError) as caught,
    ):
        send()

    assert (caught.value.limit, caught.value.retry_after) == (1, dt.timedelta(hours=23))
    assert ContactRequest.objects.count() == 1


def test_held_request_is_the_senders_alone_until_delivered(
    parties: Parties, send: Send, unclaimed: Cluster, make_user: MakeUser
) -> None:
    request = send(receiver_cluster=unclaimed)
    # A manager given to Echo without the delivery (e.g. by hand) does not see it yet.
    manager_e = make_user(username="elena", email="elena@echo.example")
    unclaimed.managers.add(manager_e)

    sender_inbox = selectors.contact_request_inbox(parties.manager_a)
    receiver_inbox = selectors.contact_request_inbox(manager_e)

    assert (sender_inbox.received, sender_inbox.sent) == ([], [request])
    assert (receiver_inbox.received, receiver_inbox.sent) == ([], [])
    assert list(selectors.contact_requests_visible_to(manager_e)) == []
    assert list(selectors.contact_requests_visible_to(parties.admin)) == [request]
    assert selectors.open_request_count(cluster=unclaimed) == 0


def test_held_request_cannot_be_answered_before_it_is_delivered(
    parties: Parties, send: Send, unclaimed: Cluster, make_user: MakeUser
) -> None:
    request = send(receiver_cluster=unclaimed)
    manager_e = make_user(username="elena")
    unclaimed.managers.add(manager_e)

    with pytest.raises(ValidationError) as caught:
        services.contact_request_accept(contact_request=request, actor=manager_e)

    assert caught.value.messages == [
        "This contact request has not been delivered yet: it waits until its cluster has "
        "joined clusterbridge."
    ]
    request.refresh_from_db()
    assert request.status == ContactRequestStatus.HELD


def test_held_request_withdrawn_by_the_sender_is_never_delivered(
    parties: Parties,
    send: Send,
    unclaimed: Cluster,
    make_user: MakeUser,
    mailoutbox: list[Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    request = send(receiver_cluster=unclaimed)

    services.contact_request_withdraw(contact_request=request, actor=parties.manager_a)
    unclaimed.managers.add(make_user(username="elena", email="elena@echo.example"))
    with django_capture_on_commit_callbacks(execute=True):
        delivered = services.contact_requests_deliver_held(cluster=unclaimed)

    request.refresh_from_db()
    assert (delivered, request.status, mailoutbox) == (0, ContactRequestStatus.WITHDRAWN, [])
    entry = audit_entries(target=request, action_prefix="cooperation.contact_request.withdrawn")
    assert entry.get().changes == {"status": ["held", "withdrawn"]}


@pytest.mark.parametrize("who", ["manager_b", "manager_c", "admin"])
def test_held_request_withdrawn_by_others_is_denied(
    parties: Parties, send: Send, unclaimed: Cluster, who: str
) -> None:
    from django.core.exceptions import PermissionDenied

    request = send(receiver_cluster=unclaimed)

    with pytest.raises(PermissionDenied):
        services.contact_request_withdraw(contact_request=request, actor=getattr(parties, who))

    request.refresh_from_db()
    assert request.status == ContactRequestStatus.HELD


# --- delivering -------------------------------------------------------------------------------


@pytest.fixture
def two_held(
    parties: Parties,
    send: Send,
    unclaimed: Cluster,
    make_cluster: Callable[..., Cluster],
    make_user: MakeUser,
) -> tuple[ContactRequest, ContactRequest]:
    """Two requests held for Echo: from Alpha (Anna, German) and from Delta (Dora, English)."""
    delta = make_cluster(slug="delta", name="Delta Netzwerk")
    dora = make_user(username="dora", email="dora@delta.example", preferred_language="en")
    delta.managers.add(dora)
    with freeze_time("2026-03-02 09:00:00"):
        first = send(receiver_cluster=unclaimed)
    with freeze_time("2026-03-03 09:00:00"):
        second = send(
            sender_cluster=delta, receiver_cluster=unclaimed, actor=dora, topic="Hydrogen valleys"
        )
    return first, second


def test_deliver_held_opens_the_requests_and_mails_managers_and_senders(
    parties: Parties,
    unclaimed: Cluster,
    two_held: tuple[ContactRequest, ContactRequest],
    make_user: MakeUser,
    django_capture_on_commit_callbacks: Any,
    mailoutbox: list[Any],
) -> None:
    first, second = two_held
    unclaimed.managers.add(
        make_user(username="elena", email="elena@echo.example", preferred_language="en"),
        make_user(username="emil", email="emil@echo.example", preferred_language="de"),
    )

    with (
        freeze_time("2026-03-09 12:00:00"),
        django_capture_on_commit_callbacks(execute=False) as callbacks,
    ):
        delivered = services.contact_requests_deliver_held(
            cluster=unclaimed, base_url="https://cb.example/"
        )
    assert mailoutbox == []
    _run(callbacks)

    first.refresh_from_db()
    second.refresh_from_db()
    assert delivered == 2
    assert [(r.status, r.delivered_at) for r in (first, second)] == [
        (ContactRequestStatus.OPEN, dt.datetime(2026, 3, 9, 12, tzinfo=dt.UTC)),
        (ContactRequestStatus.OPEN, dt.datetime(2026, 3, 9, 12, tzinfo=dt.UTC)),
    ]
    assert [(m.to, m.subject) for m in mailoutbox] == [
        (["elena@echo.example"], "Contact request from Alpha Cluster: Carbon fibre recycling"),
        (["emil@echo.example"], "Kontaktanfrage von Alpha Cluster: Carbon fibre recycling"),
        (
            ["anna@alpha.example"],
            "Ihre Kontaktanfrage wurde Echo Clúster zugestellt: Carbon fibre recycling",
        ),
        (["elena@echo.example"], "Contact request from Delta Netzwerk: Hydrogen valleys"),
        (["emil@echo.example"], "Kontaktanfrage von Delta Netzwerk: Hydrogen valleys"),
        (
            ["dora@delta.example"],
            "Your contact request was delivered to Echo Clúster: Hydrogen valleys",
        ),
    ]
    assert mailoutbox[0].body == (
        "anna of Alpha Cluster would like to talk with Echo Clúster about cooperation.\n\n"
        "Proposed topic: Carbon fibre recycling\n\n"
        f"{MESSAGE}\n\n"
        "The cluster's managers can accept or decline the request here, once logged in:\n"
        f"https://cb.example/en/cooperation/requests/{first.pk}/\n"
    )
    assert mailoutbox[5].body == (
        "Echo Clúster has joined clusterbridge: your contact request from Delta Netzwerk was "
        "delivered to its managers, who can now answer it.\n\n"
        "Proposed topic: Hydrogen valleys\n\n"
        "The request:\n"
        f"https://cb.example/en/cooperation/requests/{second.pk}/\n"
    )
    entry = audit_entries(target=first, action_prefix="cooperation.contact_request.delivered")
    assert [(e.actor, e.cluster_id, e.changes) for e in entry] == [
        (None, unclaimed.pk, {"status": ["held", "open"]})
    ]


def test_deliver_held_twice_delivers_and_mails_once(
    unclaimed: Cluster,
    two_held: tuple[ContactRequest, ContactRequest],
    make_user: MakeUser,
    django_capture_on_commit_callbacks: Any,
    mailoutbox: list[Any],
) -> None:
    unclaimed.managers.add(make_user(username="elena", email="elena@echo.example"))

    with django_capture_on_commit_callbacks(execute=True):
        counts = [services.contact_requests_deliver_held(cluster=unclaimed) for _ in range(2)]

    assert (counts, len(mailoutbox)) == ([2, 0], 4)
    assert _actions(two_held[0]) == [
        "cooperation.contact_request.held",
        "cooperation.contact_request.delivered",
    ]


def test_deliver_held_without_managers_keeps_the_requests_held(
    unclaimed: Cluster,
    two_held: tuple[ContactRequest, ContactRequest],
    django_capture_on_commit_callbacks: Any,
    mailoutbox: list[Any],
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        delivered = services.contact_requests_deliver_held(cluster=unclaimed)

    statuses = set(ContactRequest.objects.values_list("status", flat=True))
    assert (delivered, statuses, mailoutbox) == (0, {"held"}, [])


def test_deliver_held_touches_only_the_clusters_held_requests(
    parties: Parties,
    send: Send,
    unclaimed: Cluster,
    make_cluster: Callable[..., Cluster],
    make_user: MakeUser,
) -> None:
    foxtrot = make_cluster(slug="foxtrot", name="Foxtrot", country="PT", region="")
    other_held = send(receiver_cluster=foxtrot)
    open_request = send()  # to Bravo, which has a manager
    held = send(receiver_cluster=unclaimed)
    unclaimed.managers.add(make_user(username="elena"))

    delivered = services.contact_requests_deliver_held(cluster=unclaimed)

    statuses = {
        r.pk: r.status
        for r in ContactRequest.objects.filter(pk__in=[other_held.pk, open_request.pk, held.pk])
    }
    assert (delivered, statuses) == (
        1,
        {other_held.pk: "held", open_request.pk: "open", held.pk: "open"},
    )


def test_delivered_request_is_answered_like_any_other(
    parties: Parties,
    send: Send,
    unclaimed: Cluster,
    make_user: MakeUser,
) -> None:
    request = send(receiver_cluster=unclaimed)
    manager_e = make_user(username="elena", email="elena@echo.example")
    unclaimed.managers.add(manager_e)
    services.contact_requests_deliver_held(cluster=unclaimed)

    inbox = selectors.contact_request_inbox(manager_e)
    partnership = services.contact_request_accept(contact_request=request, actor=manager_e)

    assert inbox.received == [request]
    assert (partnership.german_cluster, partnership.partner_cluster, partnership.stage) == (
        parties.a,
        unclaimed,
        "in_talks",
    )


# --- inviting the published address -------------------------------------------------------------


@pytest.mark.parametrize("invite", [False, True])
def test_held_request_invites_the_published_address_only_where_switched_on(
    parties: Parties,
    send: Send,
    unclaimed: Cluster,
    django_capture_on_commit_callbacks: Any,
    mailoutbox: list[Any],
    invite: bool,
) -> None:
    with (
        override_settings(COOPERATION_INVITE_UNCLAIMED=invite),
        django_capture_on_commit_callbacks(execute=True),
    ):
        send(receiver_cluster=unclaimed, base_url="https://cb.example/")

    if not invite:
        assert mailoutbox == []
        return
    assert [(m.to, m.subject) for m in mailoutbox] == [
        (["info@echo.example"], "Alpha Cluster would like to contact Echo Clúster on clusterbridge")
    ]
    body = mailoutbox[0].body
    assert body == (
        "Alpha Cluster would like to talk with Echo Clúster about cooperation and has sent a "
        "contact request through clusterbridge, a platform for the international cooperation "
        "of innovation clusters.\n\n"
        "Proposed topic: Carbon fibre recycling\n\n"
        "Echo Clúster has not joined clusterbridge yet, so the request waits there. Once someone "
        "of the cluster's management has joined and claimed the cluster's profile, the request "
        "is delivered to them:\n"
        "https://cb.example/en/clusters/echo/\n\n"
        "You receive this mail because this address is published as the contact of Echo "
        "Clúster. If the cluster does not want to join, nothing needs to be done.\n"
    )
    # The request itself stays on the platform until the cluster's managers receive it.
    assert MESSAGE not in body


@override_settings(COOPERATION_INVITE_UNCLAIMED=True)
def test_invitation_is_sent_once_while_requests_wait(
    parties: Parties,
    send: Send,
    unclaimed: Cluster,
    make_cluster: Callable[..., Cluster],
    make_user: MakeUser,
    django_capture_on_commit_callbacks: Any,
    mailoutbox: list[Any],
) -> None:
    delta = make_cluster(slug="delta", name="Delta Netzwerk")
    dora = make_user(username="dora")
    delta.managers.add(dora)

    with django_capture_on_commit_callbacks(execute=True):
        send(receiver_cluster=unclaimed)
        send(sender_cluster=delta, receiver_cluster=unclaimed, actor=dora)

    assert [m.to for m in mailoutbox] == [["info@echo.example"]]


@override_settings(COOPERATION_INVITE_UNCLAIMED=True)
def test_invitation_to_a_german_cluster_goes_to_its_contact_in_german(
    parties: Parties,
    make_cluster: Callable[..., Cluster],
    make_user: MakeUser,
    django_capture_on_commit_callbacks: Any,
    mailoutbox: list[Any],
) -> None:
    german = make_cluster(slug="golf", name="Golf Cluster")
    organisation = ManagementOrganisation.objects.create(name="Golf GmbH")
    Contact.objects.create(organisation=organisation, name="Zoe", email="")
    Contact.objects.create(organisation=organisation, name="Greta", email="greta@golf.example")
    german.management_organisation = organisation
    german.save()

    with django_capture_on_commit_callbacks(execute=True):
        services.contact_request_send(
            sender_cluster=parties.b,
            receiver_cluster=german,
            actor=parties.manager_b,
            topic="Lasers",
            message=MESSAGE,
        )

    assert [(m.to, m.subject) for m in mailoutbox] == [
        (["greta@golf.example"], "Bravo Pôle möchte Golf Cluster über clusterbridge kontaktieren")
    ]
    assert "/de/clusters/golf/" in mailoutbox[0].body


@override_settings(COOPERATION_INVITE_UNCLAIMED=True)
def test_invitation_without_a_published_address_mails_nobody(
    parties: Parties,
    send: Send,
    make_cluster: Callable[..., Cluster],
    django_capture_on_commit_callbacks: Any,
    mailoutbox: list[Any],
) -> None:
    nowhere = make_cluster(slug="hotel", name="Hotel", country="IT", region="")

    with django_capture_on_commit_callbacks(execute=True):
        request = send(receiver_cluster=nowhere)

    assert (request.status, mailoutbox) == (ContactRequestStatus.HELD, [])


def test_invitations_are_off_by_default() -> None:
    from django.conf import settings

    assert (settings.COOPERATION_INVITE_UNCLAIMED, services.invite_unclaimed()) == (False, False)


# --- pages ------------------------------------------------------------------------------------


def _create_url(to_slug: str = "echo") -> str:
    return reverse(
        "cooperation:contact_request_create", kwargs={"slug": "alpha", "to_slug": to_slug}
    )


def test_contact_form_tells_before_sending_that_the_request_will_be_held(
    parties: Parties, unclaimed: Cluster
) -> None:
    held = _client(parties.manager_a).get(_create_url()).content.decode()
    claimed = _client(parties.manager_a).get(_create_url("bravo")).content.decode()

    assert f'<p class="note" id="held-notice">{NOTICE}</p>' in held
    assert 'id="held-notice"' not in claimed


def test_contact_form_sending_to_a_cluster_without_managers_says_held_not_sent(
    parties: Parties, unclaimed: Cluster
) -> None:
    client = _client(parties.manager_a)

    response = client.post(_create_url(), {"topic": "Recycling", "message": MESSAGE}, follow=True)

    html = response.content.decode()
    request = ContactRequest.objects.get()
    assert response.redirect_chain == [(request.get_absolute_url(), 302)]
    assert (
        '<li class="message message-info">Your contact request to Echo Clúster is held.</li>'
        in html
    )
    assert "was sent" not in html
    assert '<dd id="request-status">held</dd>' in html
    assert f'<p class="note" id="request-notice">{NOTICE}</p>' in html
    # The sender may take it back while it is held.
    assert f"/requests/{request.pk}/withdraw/" in html


def test_request_page_in_german_explains_the_held_request(
    parties: Parties, send: Send, unclaimed: Cluster
) -> None:
    request = send(receiver_cluster=unclaimed)

    html = (
        _client(parties.manager_a).get(f"/de/cooperation/requests/{request.pk}/").content.decode()
    )

    assert '<dd id="request-status">wartet auf Beitritt</dd>' in html
    assert f'<p class="note" id="request-notice">{NOTICE_DE}</p>' in html


def test_inbox_lists_the_held_request_as_held(
    parties: Parties, send: Send, unclaimed: Cluster
) -> None:
    send(receiver_cluster=unclaimed)

    html = _client(parties.manager_a).get(reverse("cooperation:inbox")).content.decode()

    assert '<span class="tag">held</span>' in html
    assert '<span class="tag">open</span>' not in html


def test_withdraw_form_takes_back_a_held_request(
    parties: Parties, send: Send, unclaimed: Cluster
) -> None:
    request = send(receiver_cluster=unclaimed)

    response = _client(parties.manager_a).post(
        reverse("cooperation:contact_request_withdraw", kwargs={"pk": request.pk})
    )

    request.refresh_from_db()
    assert (response.status_code, request.status) == (302, ContactRequestStatus.WITHDRAWN)


def test_request_page_of_a_delivered_request_shows_when_it_was_delivered(
    parties: Parties, send: Send, unclaimed: Cluster, make_user: MakeUser
) -> None:
    request = send(receiver_cluster=unclaimed)
    manager_e = make_user(username="elena")
    unclaimed.managers.add(manager_e)
    before = _client(manager_e).get(request.get_absolute_url())
    with freeze_time("2026-03-09 12:00:00"):
        services.contact_requests_deliver_held(cluster=unclaimed)

    after = _client(manager_e).get(request.get_absolute_url())

    html = after.content.decode()
    assert (before.status_code, after.status_code) == (404, 200)
    assert '<dt>Delivered</dt><dd><time datetime="2026-03-09T13:00:00+01:00">' in html
    assert f"/requests/{request.pk}/accept/" in html


def test_admin_action_delivers_held_requests_of_clusters_given_managers_by_hand(
    parties: Parties,
    send: Send,
    unclaimed: Cluster,
    make_cluster: Callable[..., Cluster],
    make_user: MakeUser,
) -> None:
    held = send(receiver_cluster=unclaimed)
    still_unclaimed = send(
        receiver_cluster=make_cluster(slug="india", name="India", country="IN", region="")
    )
    unclaimed.managers.add(make_user(username="elena"))

    response = _client(parties.admin).post(
        reverse("admin:cooperation_contactrequest_changelist"),
        {"action": "deliver_held", "_selected_action": [held.pk, still_unclaimed.pk]},
        follow=True,
    )

    assert dict(ContactRequest.objects.values_list("pk", "status")) == {
        held.pk: "open",
        still_unclaimed.pk: "held",
    }
    assert "1 held requests delivered (a cluster without managers keeps its own)." in (
        response.content.decode()
    )


# --- API --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("language", "notice"), [("en", NOTICE), ("de", NOTICE_DE)])
def test_api_create_to_a_cluster_without_managers_answers_held_with_the_notice(
    client: Client,
    parties: Parties,
    unclaimed: Cluster,
    token_for: Callable[[User], str],
    language: str,
    notice: str,
) -> None:
    response = client.post(
        "/api/v1/cooperation/contact-requests",
        {"from_cluster": "alpha", "to_cluster": "echo", "topic": "Recycling", "message": MESSAGE},
        content_type="application/json",
        headers={
            "Authorization": f"Bearer {token_for(parties.manager_a)}",
            "Accept-Language": language,
        },
    )

    body = response.json()
    assert response.status_code == 201
    assert {key: body[key] for key in ("status", "notice", "delivered_at")} == {
        "status": "held",
        "notice": notice,
        "delivered_at": None,
    }


def test_api_request_to_a_cluster_with_managers_has_no_notice(
    client: Client, parties: Parties, token_for: Callable[[User], str]
) -> None:
    response = client.post(
        "/api/v1/cooperation/contact-requests",
        {"from_cluster": "alpha", "to_cluster": "bravo", "topic": "Recycling", "message": MESSAGE},
        content_type="application/json",
        headers={"Authorization": f"Bearer {token_for(parties.manager_a)}"},
    )

    assert (response.status_code, response.json()["status"], response.json()["notice"]) == (
        201,
        "open",
        "",
    )
