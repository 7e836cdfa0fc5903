from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings
from freezegun import freeze_time

from clusterbridge.audit.selectors import audit_entries
from clusterbridge.clusters.models import Cluster, ManagementOrganisation
from clusterbridge.cooperation import services
from clusterbridge.cooperation.enums import ContactRequestStatus, PartnershipStage
from clusterbridge.cooperation.models import ContactRequest, Partnership
from tests.cooperation.conftest import MESSAGE, Parties

pytestmark = pytest.mark.django_db

Send = Callable[..., ContactRequest]


def _actions(target: Any) -> list[str]:
    return list(audit_entries(target=target).order_by("id").values_list("action", flat=True))


# --- sending ----------------------------------------------------------------------------------


def test_contact_request_send_stores_clean_text_and_audits(parties: Parties, send: Send) -> None:
    request = send(topic=" Carbon\nfibre ", message=f"{MESSAGE}\x00\u202e<script>\r\n")

    assert (request.topic, request.message, request.status) == (
        "Carbon fibre",
        f"{MESSAGE}<script>",
        ContactRequestStatus.OPEN,
    )
    entry = audit_entries(target=request).get()
    assert (entry.action, entry.actor, entry.cluster_id, entry.changes) == (
        "cooperation.contact_request.sent",
        parties.manager_a,
        parties.a.pk,
        {"from": "alpha", "to": "bravo", "topic": "Carbon fibre"},
    )


def test_contact_request_send_from_abroad_to_germany_is_allowed(
    parties: Parties, send: Send
) -> None:
    request = send(sender_cluster=parties.b, receiver_cluster=parties.a, actor=parties.manager_b)

    assert (request.sender_cluster, request.receiver_cluster) == (parties.b, parties.a)


def test_contact_request_send_reports_every_bad_field(parties: Parties, send: Send) -> None:
    with pytest.raises(ValidationError) as caught:
        send(topic="", message="short")

    assert caught.value.message_dict == {
        "topic": ["Name a topic of at least 3 characters (it has 0)."],
        "message": ["Write a message of at least 20 characters (it has 5)."],
    }
    assert ContactRequest.objects.count() == 0


def test_contact_request_send_to_own_cluster_is_refused(parties: Parties, send: Send) -> None:
    with pytest.raises(ValidationError) as caught:
        send(receiver_cluster=parties.a)

    assert caught.value.messages == ["A cluster cannot send a contact request to itself."]


def test_contact_request_send_between_two_own_clusters_is_refused(
    parties: Parties, send: Send
) -> None:
    parties.b.managers.add(parties.manager_a)

    with pytest.raises(ValidationError) as caught:
        send()

    assert caught.value.messages == [
        "You manage both Alpha Cluster and Bravo Pôle; a contact request is for talking to others."
    ]


def test_contact_request_send_within_one_management_organisation_is_refused(
    parties: Parties, send: Send
) -> None:
    parties.a.management_organisation = ManagementOrganisation.objects.get(name="Bravo Management")
    parties.a.save()

    with pytest.raises(ValidationError) as caught:
        send()

    assert caught.value.messages == [
        "Alpha Cluster and Bravo Pôle are run by the same management organisation."
    ]


def test_contact_request_send_between_two_clusters_abroad_is_refused(
    parties: Parties, send: Send
) -> None:
    with pytest.raises(ValidationError) as caught:
        send(sender_cluster=parties.b, receiver_cluster=parties.c, actor=parties.manager_b)

    assert caught.value.messages == [
        "A partnership joins a German cluster with a partner abroad; "
        "Bravo Pôle and Charlie Cluster are both outside Germany."
    ]


@pytest.mark.parametrize("reverse", [False, True])
def test_contact_request_send_second_open_request_for_the_pair_is_refused(
    parties: Parties, send: Send, reverse: bool
) -> None:
    send()
    second = (
        {"sender_cluster": parties.b, "receiver_cluster": parties.a, "actor": parties.manager_b}
        if reverse
        else {"topic": "Another topic"}
    )

    with pytest.raises(ValidationError) as caught:
        send(**second)

    assert caught.value.messages == [
        "There is already an open contact request between "
        f"{'Bravo Pôle' if reverse else 'Alpha Cluster'} and "
        f"{'Alpha Cluster' if reverse else 'Bravo Pôle'}."
    ]
    assert ContactRequest.objects.count() == 1


def test_contact_request_send_after_a_declined_one_is_allowed(parties: Parties, send: Send) -> None:
    first = send()
    services.contact_request_decline(contact_request=first, actor=parties.manager_b)

    second = send(topic="A second try")

    assert ContactRequest.objects.filter(status="open").get() == second


def test_contact_request_send_to_an_existing_partner_is_refused(
    parties: Parties, send: Send, partnership: Partnership
) -> None:
    with pytest.raises(ValidationError) as caught:
        send(topic="Again")

    assert caught.value.messages == ["Alpha Cluster and Bravo Pôle already have a partnership."]


def test_contact_request_open_pair_is_unique_in_the_database(parties: Parties) -> None:
    ContactRequest.objects.create(
        sender_cluster=parties.a, receiver_cluster=parties.b, topic="t", message="m"
    )

    with pytest.raises(ValidationError):
        ContactRequest(
            sender_cluster=parties.b, receiver_cluster=parties.a, topic="t", message="m"
        ).validate_constraints()


@pytest.mark.parametrize("who", ["manager_b", "manager_c", "admin", "nobody"])
def test_contact_request_send_for_a_cluster_not_managed_is_denied(
    parties: Parties, send: Send, who: str
) -> None:
    with pytest.raises(PermissionDenied):
        send(actor=getattr(parties, who))

    assert ContactRequest.objects.count() == 0


# --- rate limit -------------------------------------------------------------------------------


@override_settings(COOPERATION_CONTACT_REQUESTS_PER_DAY=2)
def test_contact_request_send_over_the_daily_limit_is_throttled_until_a_day_passed(
    parties: Parties, send: Send, make_cluster: Callable[..., Cluster]
) -> None:
    targets = [
        make_cluster(slug=f"abroad-{n}", name=f"Abroad {n}", country="AT", region="")
        for n in range(4)
    ]
    with freeze_time("2026-03-02 09:00:00"):
        send(receiver_cluster=targets[0])
    with freeze_time("2026-03-02 10:00:00"):
        send(receiver_cluster=targets[1])
    with (
        freeze_time("2026-03-02 11:00:00"),
        pytest.raises(services.ContactRequestThrottledError) as caught,
    ):
        send(receiver_cluster=targets[2])

    assert (caught.value.limit, caught.value.retry_after) == (2, dt.timedelta(hours=22))
    assert str(caught.value) == (
        "You have sent 2 contact requests within a day, the most allowed. Please try again later."
    )
    with freeze_time("2026-03-03 09:00:01"):
        send(receiver_cluster=targets[3])
    assert ContactRequest.objects.count() == 3


# --- answering --------------------------------------------------------------------------------


def test_contact_request_accept_opens_partnership_in_talks_with_history(
    parties: Parties, send: Send
) -> None:
    with freeze_time("2026-03-02 09:00:00"):
        request = send()
    with freeze_time("2026-03-04 15:30:00"):
        partnership = services.contact_request_accept(
            contact_request=request, actor=parties.manager_b, reply="Gladly!"
        )

    request.refresh_from_db()
    assert (partnership.german_cluster, partnership.partner_cluster, partnership.stage) == (
        parties.a,
        parties.b,
        PartnershipStage.IN_TALKS,
    )
    assert partnership.stage_since == dt.datetime(2026, 3, 4, 15, 30, tzinfo=dt.UTC)
    assert (request.status, request.reply, request.decided_by, request.partnership) == (
        ContactRequestStatus.ACCEPTED,
        "Gladly!",
        parties.manager_b,
        partnership,
    )
    assert [
        (c.from_stage, c.to_stage, c.actor_name, c.note, c.created_at.day)
        for c in partnership.stage_changes.all()
    ] == [
        ("", "contacted", "anna", "Carbon fibre recycling", 2),
        ("contacted", "in_talks", "bruno", "Gladly!", 4),
    ]
    assert _actions(request) == [
        "cooperation.contact_request.sent",
        "cooperation.contact_request.accepted",
    ]
    assert _actions(partnership) == ["cooperation.partnership.opened"]


def test_contact_request_accept_from_abroad_puts_the_german_cluster_first(
    parties: Parties, send: Send
) -> None:
    request = send(sender_cluster=parties.b, receiver_cluster=parties.a, actor=parties.manager_b)

    partnership = services.contact_request_accept(contact_request=request, actor=parties.manager_a)

    assert (partnership.german_cluster, partnership.partner_cluster) == (parties.a, parties.b)


def test_contact_request_decline_keeps_reply_and_audits(parties: Parties, send: Send) -> None:
    request = send()

    services.contact_request_decline(
        contact_request=request, actor=parties.manager_b, reply="Not now, thanks."
    )

    request.refresh_from_db()
    assert (request.status, request.reply, Partnership.objects.count()) == (
        ContactRequestStatus.DECLINED,
        "Not now, thanks.",
        0,
    )
    assert _actions(request)[-1] == "cooperation.contact_request.declined"


def test_contact_request_withdraw_by_sender_side_audits(parties: Parties, send: Send) -> None:
    request = send()

    services.contact_request_withdraw(contact_request=request, actor=parties.manager_a)

    request.refresh_from_db()
    assert request.status == ContactRequestStatus.WITHDRAWN
    assert _actions(request)[-1] == "cooperation.contact_request.withdrawn"


def test_contact_request_answered_twice_is_refused(parties: Parties, send: Send) -> None:
    request = send()
    services.contact_request_decline(contact_request=request, actor=parties.manager_b)

    with pytest.raises(ValidationError) as caught:
        services.contact_request_accept(contact_request=request, actor=parties.manager_b)

    assert caught.value.messages == ["This contact request is no longer open (it was declined)."]
    assert Partnership.objects.count() == 0


def test_contact_request_overlong_reply_is_refused(parties: Parties, send: Send) -> None:
    request = send()

    with pytest.raises(ValidationError) as caught:
        services.contact_request_accept(
            contact_request=request, actor=parties.manager_b, reply="r" * 2001
        )

    assert caught.value.message_dict == {
        "reply": ["The reply is too long: at most 2000 characters (it has 2001)."]
    }


# --- partnership stages -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("moves", "final"),
    [
        (["concept"], "concept"),
        (["active"], "active"),
        (["concept", "agreement", "active", "ended"], "ended"),
        (["ended"], "ended"),
        (["ended", "in_talks"], "in_talks"),
        (["agreement", "ended", "in_talks", "concept"], "concept"),
    ],
)
def test_partnership_move_allowed_paths(
    parties: Parties, partnership: Partnership, moves: list[str], final: str
) -> None:
    for stage in moves:
        partnership = services.partnership_move(
            partnership=partnership, actor=parties.manager_a, stage=stage
        )

    partnership.refresh_from_db()
    assert partnership.stage == final
    assert list(partnership.stage_changes.values_list("to_stage", flat=True))[2:] == moves


@pytest.mark.parametrize(
    ("path", "refused", "allowed"),
    [
        ([], "contacted", "“concept”, “agreement”, “active”, “ended”"),
        ([], "in_talks", "“concept”, “agreement”, “active”, “ended”"),
        (["agreement"], "concept", "“active”, “ended”"),
        (["ended"], "concept", "“in talks”"),
        (["ended"], "ended", "“in talks”"),
    ],
)
def test_partnership_move_refused_names_the_allowed_moves(
    parties: Parties, partnership: Partnership, path: list[str], refused: str, allowed: str
) -> None:
    for stage in path:
        partnership = services.partnership_move(
            partnership=partnership, actor=parties.manager_a, stage=stage
        )
    before = partnership.stage
    label = dict(PartnershipStage.choices)

    with pytest.raises(ValidationError) as caught:
        services.partnership_move(partnership=partnership, actor=parties.manager_b, stage=refused)

    assert caught.value.message_dict == {
        "stage": [
            f"A partnership cannot move from “{label[before]}” to “{label[refused]}”; "
            f"from “{label[before]}” it can move to: {allowed}."
        ]
    }
    partnership.refresh_from_db()
    assert partnership.stage == before


def test_partnership_move_records_history_and_audit(
    parties: Parties, partnership: Partnership
) -> None:
    with freeze_time("2030-05-01 12:00:00"):
        moved = services.partnership_move(
            partnership=partnership, actor=parties.manager_b, stage="concept", note="Draft ready"
        )

    change = moved.stage_changes.last()
    assert change is not None
    assert (change.from_stage, change.to_stage, change.actor, change.note) == (
        "in_talks",
        "concept",
        parties.manager_b,
        "Draft ready",
    )
    assert moved.stage_since == dt.datetime(2030, 5, 1, 12, tzinfo=dt.UTC)
    entry = audit_entries(target=moved, action_prefix="cooperation.partnership.moved").get()
    assert (entry.actor, entry.cluster_id, entry.changes) == (
        parties.manager_b,
        parties.a.pk,
        {"stage": ["in_talks", "concept"], "note": "Draft ready"},
    )


def test_partnership_reopen_refused_while_another_is_open(
    parties: Parties, partnership: Partnership, send: Send
) -> None:
    ended = services.partnership_move(
        partnership=partnership, actor=parties.manager_a, stage="ended"
    )
    services.contact_request_accept(contact_request=send(topic="Anew"), actor=parties.manager_b)

    with pytest.raises(ValidationError) as caught:
        services.partnership_move(partnership=ended, actor=parties.manager_a, stage="in_talks")

    assert caught.value.message_dict == {
        "stage": ["The two clusters already have another open partnership."]
    }


@pytest.mark.parametrize(
    ("who", "allowed"), [("manager_c", False), ("nobody", False), ("admin", True)]
)
def test_partnership_move_by_others(
    parties: Parties, partnership: Partnership, who: str, allowed: bool
) -> None:
    actor = getattr(parties, who)
    if allowed:
        services.partnership_move(partnership=partnership, actor=actor, stage="concept")
    else:
        with pytest.raises(PermissionDenied):
            services.partnership_move(partnership=partnership, actor=actor, stage="concept")

    partnership.refresh_from_db()
    assert partnership.stage == ("concept" if allowed else "in_talks")


# --- mail -------------------------------------------------------------------------------------


def test_contact_request_send_mails_receivers_after_commit_in_their_language(
    parties: Parties, send: Send, django_capture_on_commit_callbacks: Any, mailoutbox: list[Any]
) -> None:
    german_manager = parties.b.managers.create(
        username="berta", email="berta@bravo.example", preferred_language="de"
    )

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        request = send(base_url="https://cb.example/")
    assert mailoutbox == []
    for callback in callbacks:
        callback()

    assert [(m.to, m.subject) for m in mailoutbox] == [
        (["bruno@bravo.example"], "Contact request from Alpha Cluster: Carbon fibre recycling"),
        (
            [german_manager.email],
            "Kontaktanfrage von Alpha Cluster: Carbon fibre recycling",
        ),
        (["office@bravo.example"], "Contact request from Alpha Cluster: Carbon fibre recycling"),
    ]
    assert mailoutbox[0].body == (
        "anna of Alpha Cluster would like to talk with Bravo Pôle about cooperation.\n\n"
        "Proposed topic: Carbon fibre recycling\n\n"
        f"{MESSAGE}\n\n"
        "The cluster's managers can accept or decline the request here, once logged in:\n"
        f"https://cb.example/en/cooperation/requests/{request.pk}/\n"
    )
    assert f"https://cb.example/de/cooperation/requests/{request.pk}/" in mailoutbox[1].body


def test_contact_request_rolled_back_sends_no_mail(
    parties: Parties, send: Send, django_capture_on_commit_callbacks: Any, mailoutbox: list[Any]
) -> None:
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        send(receiver_cluster=parties.a)

    assert mailoutbox == []


@pytest.mark.parametrize(
    ("accept", "subject"),
    [
        (True, "Bravo Pôle hat Ihre Kontaktanfrage angenommen: Carbon fibre recycling"),
        (False, "Bravo Pôle hat Ihre Kontaktanfrage abgelehnt: Carbon fibre recycling"),
    ],
)
def test_contact_request_answer_mails_the_sender_in_their_language(
    parties: Parties,
    send: Send,
    django_capture_on_commit_callbacks: Any,
    mailoutbox: list[Any],
    accept: bool,
    subject: str,
) -> None:
    request = send()
    answer = services.contact_request_accept if accept else services.contact_request_decline

    with django_capture_on_commit_callbacks(execute=True):
        answer(contact_request=request, actor=parties.manager_b, reply="Gern!")

    assert [(m.to, m.subject) for m in mailoutbox] == [(["anna@alpha.example"], subject)]
    assert "Gern!" in mailoutbox[0].body


def test_partnership_move_mails_the_other_managers_after_commit_in_their_language(
    parties: Parties,
    partnership: Partnership,
    django_capture_on_commit_callbacks: Any,
    mailoutbox: list[Any],
) -> None:
    mailoutbox.clear()
    second_b = parties.b.managers.create(username="bea", email="BRUNO@bravo.example")

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.partnership_move(
            partnership=partnership,
            actor=parties.manager_b,
            stage="concept",
            note="Workshop in Lyon agreed.",
            base_url="https://cb.example/",
        )
    assert mailoutbox == []
    for callback in callbacks:
        callback()

    # The mover is not told; a second manager sharing the mover's address is not either.
    assert second_b.email.lower() == parties.manager_b.email
    assert [(m.to, m.subject) for m in mailoutbox] == [
        (["anna@alpha.example"], "Partnerschaft von Alpha Cluster und Bravo Pôle: jetzt „Konzept“"),
    ]
    assert mailoutbox[0].body == (
        "bruno hat die Partnerschaft von Alpha Cluster und Bravo Pôle von „in Gesprächen“ auf "
        "„Konzept“ gesetzt.\n\n"
        "Notiz:\nWorkshop in Lyon agreed.\n\n"
        "Die Partnerschaft:\n"
        f"https://cb.example/de/cooperation/partnerships/{partnership.pk}/\n"
    )


def test_partnership_move_refused_sends_no_mail(
    parties: Parties,
    partnership: Partnership,
    django_capture_on_commit_callbacks: Any,
    mailoutbox: list[Any],
) -> None:
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        services.partnership_move(partnership=partnership, actor=parties.manager_a, stage="bogus")

    assert mailoutbox == []
