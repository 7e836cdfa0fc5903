"""Writes and rules of cooperation: sending and answering contact requests, and moving
partnerships through their stages. Every step is checked here (the pages, the API and the
admin all come through), written to the audit log in the same transaction, and mailed after
commit."""

from __future__ import annotations

import datetime as dt
from typing import Any

import rules
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clusterbridge.accounts.models import User, display_name
from clusterbridge.audit.services import audit_record, changes_between
from clusterbridge.clusters.models import Cluster
from clusterbridge.cooperation import selectors, validators
from clusterbridge.cooperation.enums import (
    IDEA_STAGES,
    UNANSWERED_STATUSES,
    ContactRequestStatus,
    PartnershipStage,
    allowed_moves,
)
from clusterbridge.cooperation.mail import (
    Recipient,
    cluster_language,
    mail_after_commit,
    managers_recipients,
    receiver_recipients,
    user_recipient,
)
from clusterbridge.cooperation.models import (
    ContactRequest,
    Partnership,
    PartnershipStageChange,
    ProjectIdea,
)

# How many contact requests one person may send within a day (all their clusters together);
# a setting, so a deployment can tighten or widen it.
DEFAULT_REQUESTS_PER_DAY = 10
RATE_WINDOW = dt.timedelta(days=1)


def requests_per_day() -> int:
    return int(getattr(settings, "COOPERATION_CONTACT_REQUESTS_PER_DAY", DEFAULT_REQUESTS_PER_DAY))


class ContactRequestThrottledError(Exception):
    """The sender has reached the day's limit of contact requests."""

    def __init__(self, limit: int, retry_after: dt.timedelta) -> None:
        self.limit = limit
        self.retry_after = retry_after
        super().__init__(
            _(
                "You have sent %(limit)d contact requests within a day, the most allowed. "
                "Please try again later."
            )
            % {"limit": limit}
        )


# --- contact requests -------------------------------------------------------------------------


def contact_request_check(
    *, sender_cluster: Cluster, receiver_cluster: Cluster, actor: User
) -> None:
    """The rules on who may ask whom; each error names the rule. The form calls it before
    anything is typed, so a manager learns at once that a request cannot be sent."""
    if sender_cluster.pk == receiver_cluster.pk:
        raise ValidationError(_("A cluster cannot send a contact request to itself."))
    if receiver_cluster.managers.filter(pk=actor.pk).exists():
        raise ValidationError(
            _("You manage both %(a)s and %(b)s; a contact request is for talking to others.")
            % {"a": sender_cluster.name, "b": receiver_cluster.name}
        )
    if (
        sender_cluster.management_organisation_id is not None
        and sender_cluster.management_organisation_id == receiver_cluster.management_organisation_id
    ):
        raise ValidationError(
            _("%(a)s and %(b)s are run by the same management organisation.")
            % {"a": sender_cluster.name, "b": receiver_cluster.name}
        )
    if sender_cluster.is_german and receiver_cluster.is_german:
        raise ValidationError(
            _(
                "A partnership joins a German cluster with a partner abroad; "
                "%(a)s and %(b)s are both in Germany."
            )
            % {"a": sender_cluster.name, "b": receiver_cluster.name}
        )
    if not sender_cluster.is_german and not receiver_cluster.is_german:
        raise ValidationError(
            _(
                "A partnership joins a German cluster with a partner abroad; "
                "%(a)s and %(b)s are both outside Germany."
            )
            % {"a": sender_cluster.name, "b": receiver_cluster.name}
        )
    if selectors.open_request_between(sender_cluster, receiver_cluster) is not None:
        raise ValidationError(
            _("There is already an open contact request between %(a)s and %(b)s.")
            % {"a": sender_cluster.name, "b": receiver_cluster.name}
        )
    if selectors.partnership_between(sender_cluster, receiver_cluster) is not None:
        raise ValidationError(
            _("%(a)s and %(b)s already have a partnership.")
            % {"a": sender_cluster.name, "b": receiver_cluster.name}
        )


def _check_rate(actor: User) -> None:
    """Counts the requests the person sent in the last day. The requests themselves are the
    record, so the limit holds across processes and survives a cache flush."""
    limit = requests_per_day()
    since = timezone.now() - RATE_WINDOW
    recent = list(
        ContactRequest.objects.filter(sender=actor, created_at__gte=since)
        .order_by("-created_at")
        .values_list("created_at", flat=True)[:limit]
    )
    if len(recent) >= limit:
        # Free again once the oldest of the counted requests is a day old.
        oldest = recent[-1] if recent else timezone.now()
        raise ContactRequestThrottledError(limit, oldest + RATE_WINDOW - timezone.now())


def _clean_fields(**fields: tuple[str, Any]) -> dict[str, str]:
    """Cleans each field with its validator; all errors at once, each under its field."""
    cleaned: dict[str, str] = {}
    errors: dict[str, list[str]] = {}
    for name, (value, clean) in fields.items():
        try:
            cleaned[name] = clean(value)
        except ValidationError as exc:
            errors[name] = exc.messages
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def contact_request_send(
    *,
    sender_cluster: Cluster,
    receiver_cluster: Cluster,
    actor: User,
    topic: str,
    message: str,
    base_url: str = "",
) -> ContactRequest:
    """A manager of `sender_cluster` asks `receiver_cluster`'s management to talk."""
    if not rules.has_perm("cooperation.send_contact_request", actor, sender_cluster):
        raise PermissionDenied(_("You may only send contact requests for clusters you manage."))
    cleaned = _clean_fields(
        topic=(topic, validators.clean_topic), message=(message, validators.clean_message)
    )
    contact_request_check(
        sender_cluster=sender_cluster, receiver_cluster=receiver_cluster, actor=actor
    )
    _check_rate(actor)
    # Without a manager on the platform the request would reach nobody: it is held, and
    # delivered when the cluster gets its first managers (`contact_requests_deliver_held`).
    held = not selectors.cluster_has_managers(receiver_cluster)
    # Asked before saving: only a cluster's first held request invites its public address.
    first_held = held and selectors.held_request_count(cluster=receiver_cluster) == 0
    request = ContactRequest(
        sender_cluster=sender_cluster,
        receiver_cluster=receiver_cluster,
        sender=actor,
        topic=cleaned["topic"],
        message=cleaned["message"],
        status=ContactRequestStatus.HELD if held else ContactRequestStatus.OPEN,
    )
    request.full_clean()
    try:
        # A savepoint, so a race lost to the one-open-request constraint leaves the outer
        # transaction usable for the error.
        with transaction.atomic():
            request.save()
    except IntegrityError as exc:
        raise ValidationError(
            _("There is already an open contact request between %(a)s and %(b)s.")
            % {"a": sender_cluster.name, "b": receiver_cluster.name}
        ) from exc
    audit_record(
        actor=actor,
        action="cooperation.contact_request.held" if held else "cooperation.contact_request.sent",
        target=request,
        changes={
            "from": sender_cluster.slug,
            "to": receiver_cluster.slug,
            "topic": request.topic,
        },
        cluster_id=sender_cluster.pk,
    )
    if held:
        if first_held and invite_unclaimed():
            _invite(request, base_url=base_url)
    else:
        _mail_request(request, recipients=receiver_recipients(receiver_cluster), base_url=base_url)
    return request


def invite_unclaimed() -> bool:
    """Whether a held request invites the cluster's published address to join: off unless a
    deployment switches it on (never in the demo, whose clusters are real)."""
    return bool(getattr(settings, "COOPERATION_INVITE_UNCLAIMED", False))


def _mail_request(request: ContactRequest, *, recipients: list[Recipient], base_url: str) -> None:
    sender = request.sender
    mail_after_commit(
        recipients=recipients,
        template="request_sent",
        context={
            "pk": request.pk,
            "base_url": base_url,
            "sender_cluster": request.sender_cluster.name,
            "receiver_cluster": request.receiver_cluster.name,
            "sender_name": display_name(sender),
            "topic": request.topic,
            "message": request.message,
        },
        link="cooperation:contact_request_detail",
    )


def _invite(request: ContactRequest, *, base_url: str) -> None:
    """Tells the cluster's published address that a request waits for it and how to join;
    the request itself (the message) stays on the platform until it is delivered."""
    cluster = request.receiver_cluster
    address = selectors.cluster_public_address(cluster)
    if not address:
        return
    mail_after_commit(
        recipients=[Recipient(address, cluster_language(cluster))],
        template="request_invitation",
        context={
            "pk": request.pk,
            "base_url": base_url,
            "sender_cluster": request.sender_cluster.name,
            "receiver_cluster": cluster.name,
            "topic": request.topic,
        },
        link="clusters:detail",
        link_kwargs={"slug": cluster.slug},
    )


@transaction.atomic
def contact_requests_deliver_held(*, cluster: Cluster, base_url: str = "") -> int:
    """Delivers the requests held for `cluster` once it has managers: each becomes open, its
    managers are mailed the request and each sender is told it arrived (all after commit, each
    in their own language). Returns how many were delivered; calling it again delivers nothing
    twice, and a cluster still without managers keeps its requests held.

    Called by whatever gives a cluster its first managers (claiming it), which is why it takes
    no acting user: the delivery is the platform's, recorded in the audit log without one."""
    if not selectors.cluster_has_managers(cluster):
        return 0
    # Locked, so that a sender withdrawing at this moment and a second delivery wait for this
    # one (and then find nothing held).
    ids = list(
        ContactRequest.objects.select_for_update()
        .filter(receiver_cluster=cluster, status=ContactRequestStatus.HELD)
        .values_list("pk", flat=True)
    )
    requests = (
        ContactRequest.objects.filter(pk__in=ids)
        .select_related("sender_cluster", "receiver_cluster", "sender")
        .order_by("created_at", "pk")
    )
    managers = managers_recipients([cluster])
    now = timezone.now()
    delivered = 0
    for request in requests:
        request.status = ContactRequestStatus.OPEN
        request.delivered_at = now
        request.full_clean()
        request.save(update_fields=["status", "delivered_at"])
        audit_record(
            actor=None,
            action="cooperation.contact_request.delivered",
            target=request,
            changes={"status": ["held", "open"]},
            cluster_id=cluster.pk,
        )
        _mail_request(request, recipients=managers, base_url=base_url)
        mail_after_commit(
            recipients=user_recipient(request.sender),
            template="request_delivered",
            context={
                "pk": request.pk,
                "base_url": base_url,
                "sender_cluster": request.sender_cluster.name,
                "receiver_cluster": cluster.name,
                "topic": request.topic,
            },
            link="cooperation:contact_request_detail",
        )
        delivered += 1
    return delivered


def _lock(contact_request: ContactRequest, *, allowed: tuple[str, ...]) -> ContactRequest:
    """The request, re-read under a row lock, so two managers answering at once cannot both
    succeed; refused unless it is in one of the `allowed` states."""
    locked = ContactRequest.objects.select_for_update().get(pk=contact_request.pk)
    if locked.status not in allowed:
        if locked.status == ContactRequestStatus.HELD:
            raise ValidationError(
                _(
                    "This contact request has not been delivered yet: it waits until its cluster "
                    "has joined clusterbridge."
                )
            )
        raise ValidationError(
            _("This contact request is no longer open (it was %(status)s).")
            % {"status": locked.get_status_display()}
        )
    return locked


def _lock_open(contact_request: ContactRequest) -> ContactRequest:
    return _lock(contact_request, allowed=(ContactRequestStatus.OPEN,))


def _answer_mail(request: ContactRequest, *, template: str, base_url: str, actor: User) -> None:
    mail_after_commit(
        recipients=user_recipient(request.sender),
        template=template,
        context={
            "pk": request.pk,
            "base_url": base_url,
            "sender_cluster": request.sender_cluster.name,
            "receiver_cluster": request.receiver_cluster.name,
            "answered_by": display_name(actor),
            "topic": request.topic,
            "reply": request.reply,
        },
        link="cooperation:contact_request_detail",
    )


@transaction.atomic
def contact_request_accept(
    *, contact_request: ContactRequest, actor: User, reply: str = "", base_url: str = ""
) -> Partnership:
    """The receiving management accepts: the request opens a partnership in talks."""
    if not rules.has_perm("cooperation.decide_contact_request", actor, contact_request):
        raise PermissionDenied(
            _("Only the managers of the cluster that received a request may answer it.")
        )
    cleaned = _clean_fields(reply=(reply, validators.clean_reply))
    request = _lock_open(contact_request)
    sender_cluster, receiver_cluster = request.sender_cluster, request.receiver_cluster
    german, partner = (
        (sender_cluster, receiver_cluster)
        if sender_cluster.is_german
        else (receiver_cluster, sender_cluster)
    )
    now = timezone.now()
    partnership = selectors.partnership_between(german, partner)
    if partnership is None:
        partnership = Partnership(
            german_cluster=german,
            partner_cluster=partner,
            stage=PartnershipStage.IN_TALKS,
            stage_since=now,
            created_at=now,
        )
        partnership.full_clean()
        partnership.save()
        # The history starts when the request was sent: that was the first contact.
        sender = request.sender
        PartnershipStageChange.objects.create(
            partnership=partnership,
            from_stage="",
            to_stage=PartnershipStage.CONTACTED,
            actor=sender,
            actor_name=sender.get_username() if sender is not None else "",
            note=request.topic,
            created_at=request.created_at,
        )
        PartnershipStageChange.objects.create(
            partnership=partnership,
            from_stage=PartnershipStage.CONTACTED,
            to_stage=PartnershipStage.IN_TALKS,
            actor=actor,
            actor_name=actor.get_username(),
            note=cleaned["reply"],
            created_at=now,
        )
        audit_record(
            actor=actor,
            action="cooperation.partnership.opened",
            target=partnership,
            changes={"stage": PartnershipStage.IN_TALKS.value, "contact_request": request.pk},
            cluster_id=german.pk,
        )
    request.status = ContactRequestStatus.ACCEPTED
    request.reply = cleaned["reply"]
    request.decided_by = actor
    request.decided_at = now
    request.partnership = partnership
    request.full_clean()
    request.save()
    audit_record(
        actor=actor,
        action="cooperation.contact_request.accepted",
        target=request,
        changes={"status": ["open", "accepted"], "partnership": partnership.pk},
        cluster_id=receiver_cluster.pk,
    )
    _answer_mail(request, template="request_accepted", base_url=base_url, actor=actor)
    return partnership


@transaction.atomic
def contact_request_decline(
    *, contact_request: ContactRequest, actor: User, reply: str = "", base_url: str = ""
) -> ContactRequest:
    """The receiving management declines, optionally saying why."""
    if not rules.has_perm("cooperation.decide_contact_request", actor, contact_request):
        raise PermissionDenied(
            _("Only the managers of the cluster that received a request may answer it.")
        )
    cleaned = _clean_fields(reply=(reply, validators.clean_reply))
    request = _lock_open(contact_request)
    request.status = ContactRequestStatus.DECLINED
    request.reply = cleaned["reply"]
    request.decided_by = actor
    request.decided_at = timezone.now()
    request.full_clean()
    request.save()
    audit_record(
        actor=actor,
        action="cooperation.contact_request.declined",
        target=request,
        changes={"status": ["open", "declined"]},
        cluster_id=request.receiver_cluster_id,
    )
    _answer_mail(request, template="request_declined", base_url=base_url, actor=actor)
    return request


@transaction.atomic
def contact_request_withdraw(*, contact_request: ContactRequest, actor: User) -> ContactRequest:
    """The sending side takes back a request nobody has answered yet, open or still held."""
    if not rules.has_perm("cooperation.withdraw_contact_request", actor, contact_request):
        raise PermissionDenied(
            _("Only the managers of the cluster that sent a request may withdraw it.")
        )
    request = _lock(contact_request, allowed=UNANSWERED_STATUSES)
    before = request.status
    request.status = ContactRequestStatus.WITHDRAWN
    request.decided_by = actor
    request.decided_at = timezone.now()
    request.full_clean()
    request.save()
    audit_record(
        actor=actor,
        action="cooperation.contact_request.withdrawn",
        target=request,
        changes={"status": [before, "withdrawn"]},
        cluster_id=request.sender_cluster_id,
    )
    return request


# --- partnerships -----------------------------------------------------------------------------


@transaction.atomic
def partnership_move(
    *, partnership: Partnership, actor: User, stage: str, note: str = "", base_url: str = ""
) -> Partnership:
    """The one transition of a partnership: checks the move (see `enums.allowed_moves`),
    records who moved it when and why, writes the audit log, and tells the other managers of
    both clusters by mail."""
    if not rules.has_perm("cooperation.move_partnership", actor, partnership):
        raise PermissionDenied(
            _("Only the managers of the two clusters may change their partnership.")
        )
    cleaned = _clean_fields(note=(note, validators.clean_note))
    locked = (
        Partnership.objects.select_for_update()
        .select_related("german_cluster", "partner_cluster")
        .get(pk=partnership.pk)
    )
    current = PartnershipStage(locked.stage)
    if stage not in PartnershipStage.values:
        raise ValidationError({"stage": _("Unknown stage: %(stage)s") % {"stage": stage}})
    target = PartnershipStage(stage)
    allowed = allowed_moves(current)
    if target not in allowed:
        raise ValidationError(
            {
                "stage": _(
                    "A partnership cannot move from “%(from)s” to “%(to)s”; "
                    "from “%(from)s” it can move to: %(allowed)s."
                )
                % {
                    "from": current.label,
                    "to": target.label,
                    "allowed": ", ".join(f"“{s.label}”" for s in allowed),
                }
            }
        )
    if current == PartnershipStage.ENDED and (
        selectors.partnership_between(locked.german_cluster, locked.partner_cluster) is not None
    ):
        raise ValidationError(
            {"stage": _("The two clusters already have another open partnership.")}
        )
    now = timezone.now()
    locked.stage = target
    locked.stage_since = now
    locked.full_clean()
    locked.save(update_fields=["stage", "stage_since"])
    PartnershipStageChange.objects.create(
        partnership=locked,
        from_stage=current,
        to_stage=target,
        actor=actor,
        actor_name=actor.get_username(),
        note=cleaned["note"],
        created_at=now,
    )
    audit_record(
        actor=actor,
        action="cooperation.partnership.moved",
        target=locked,
        changes={"stage": [current.value, target.value], "note": cleaned["note"]},
        cluster_id=locked.german_cluster_id,
    )
    mail_after_commit(
        recipients=managers_recipients(
            [locked.german_cluster, locked.partner_cluster], exclude=actor
        ),
        template="partnership_moved",
        context={
            "pk": locked.pk,
            "base_url": base_url,
            "german_cluster": locked.german_cluster.name,
            "partner_cluster": locked.partner_cluster.name,
            "moved_by": actor.get_full_name() or actor.get_username(),
            # Lazy labels: each mail shows them in its recipient's language.
            "from_stage": current.label,
            "to_stage": target.label,
            "note": cleaned["note"],
        },
        link="cooperation:partnership_detail",
    )
    return locked


# --- project ideas ----------------------------------------------------------------------------


def _check_idea_stage(partnership: Partnership) -> None:
    if partnership.stage not in IDEA_STAGES:
        raise ValidationError(
            _(
                "Project ideas are worked out from the concept stage on; this partnership is "
                "“%(stage)s”."
            )
            % {"stage": partnership.get_stage_display()}
        )


def _clean_idea(title: str, summary: str) -> dict[str, str]:
    return _clean_fields(
        title=(title, validators.clean_topic), summary=(summary, validators.clean_message)
    )


@transaction.atomic
def project_idea_create(
    *, partnership: Partnership, actor: User, title: str, summary: str
) -> ProjectIdea:
    """A manager of either partner puts a project idea on the table."""
    if not rules.has_perm("cooperation.add_project_idea", actor, partnership):
        raise PermissionDenied(
            _("Only the managers of the two clusters may work on their project ideas.")
        )
    cleaned = _clean_idea(title, summary)
    _check_idea_stage(partnership)
    idea = ProjectIdea(
        partnership=partnership,
        title=cleaned["title"],
        summary=cleaned["summary"],
        created_by=actor,
    )
    idea.full_clean()
    idea.save()
    audit_record(
        actor=actor,
        action="cooperation.project_idea.created",
        target=idea,
        changes={"partnership": partnership.pk, "title": idea.title},
        cluster_id=partnership.german_cluster_id,
    )
    return idea


@transaction.atomic
def project_idea_update(*, idea: ProjectIdea, actor: User, title: str, summary: str) -> ProjectIdea:
    """Either partner revises an idea; the audit log keeps what changed."""
    if not rules.has_perm("cooperation.change_project_idea", actor, idea):
        raise PermissionDenied(
            _("Only the managers of the two clusters may work on their project ideas.")
        )
    cleaned = _clean_idea(title, summary)
    locked = ProjectIdea.objects.select_for_update().select_related("partnership").get(pk=idea.pk)
    _check_idea_stage(locked.partnership)
    before = {"title": locked.title, "summary": locked.summary}
    locked.title, locked.summary = cleaned["title"], cleaned["summary"]
    locked.updated_at = timezone.now()
    locked.full_clean()
    locked.save()
    audit_record(
        actor=actor,
        action="cooperation.project_idea.updated",
        target=locked,
        changes=changes_between(before, {"title": locked.title, "summary": locked.summary}),
        cluster_id=locked.partnership.german_cluster_id,
    )
    return locked
