"""Reads for cooperation: contact requests and partnerships. Every page and endpoint starts
from these, so that nobody sees a request or a partnership's history that is not theirs."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from clusterbridge.accounts.models import User
from clusterbridge.clusters.models import Cluster
from clusterbridge.cooperation.enums import (
    UNANSWERED_STATUSES,
    ContactRequestStatus,
    PartnershipStage,
)
from clusterbridge.cooperation.models import (
    AddressSharing,
    ContactRequest,
    Message,
    Partnership,
    PartnershipStageChange,
    ProjectIdea,
)

AnyUser = User | AnonymousUser


def partner_cluster_ids(cluster: Cluster) -> set[int]:
    """Ids of the clusters that have a partnership with `cluster` (any stage but ended).
    Matchmaking uses this to exclude existing partners on request."""
    pairs = (
        Partnership.objects.exclude(stage=PartnershipStage.ENDED)
        .filter(Q(german_cluster=cluster) | Q(partner_cluster=cluster))
        .values_list("german_cluster_id", "partner_cluster_id")
    )
    return {other for pair in pairs for other in pair if other != cluster.pk}


def cluster_by_slug(slug: str) -> Cluster:
    """The cluster alone (with its management organisation), without the profile's related
    rows that `clusters.selectors.cluster_get` prefetches."""
    cluster = Cluster.objects.select_related("management_organisation").filter(slug=slug).first()
    if cluster is None:
        raise Http404(_("No cluster with the slug “%(slug)s”.") % {"slug": slug})
    return cluster


def _is_admin(user: AnyUser) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_superuser)


def managed_cluster_ids(user: AnyUser) -> set[int]:
    if not user.is_authenticated or not user.is_active:
        return set()
    return set(user.managed_clusters.values_list("pk", flat=True))


# --- contact requests -------------------------------------------------------------------------


def _with_parties(requests: QuerySet[ContactRequest]) -> QuerySet[ContactRequest]:
    return requests.select_related("sender_cluster", "receiver_cluster", "sender", "decided_by")


def contact_requests_visible_to(user: AnyUser) -> QuerySet[ContactRequest]:
    """Requests of the clusters `user` manages, in both directions; administrators see all.
    A held request is the sender's alone until it is delivered: a manager added to the
    receiving cluster meanwhile does not see it, nor answer it."""
    requests = _with_parties(ContactRequest.objects.all())
    if _is_admin(user):
        return requests
    if not user.is_authenticated or not user.is_active:
        return requests.none()
    return requests.filter(
        Q(sender_cluster__managers=user)
        | (Q(receiver_cluster__managers=user) & ~Q(status=ContactRequestStatus.HELD))
    ).distinct()


@dataclass(frozen=True)
class Inbox:
    received: list[ContactRequest]
    sent: list[ContactRequest]


def contact_request_inbox(user: AnyUser) -> Inbox:
    """The requests received and sent by the clusters `user` manages, open ones first."""
    ids = managed_cluster_ids(user)
    requests = _with_parties(
        ContactRequest.objects.filter(Q(sender_cluster__in=ids) | Q(receiver_cluster__in=ids))
    ).order_by("-created_at", "-pk")
    received: list[ContactRequest] = []
    sent: list[ContactRequest] = []
    for request in requests:
        if request.receiver_cluster_id in ids and request.status != ContactRequestStatus.HELD:
            received.append(request)
        elif request.sender_cluster_id in ids:
            sent.append(request)
    # Open (and held) requests are the ones waiting for someone; the rest is history.
    received.sort(key=lambda r: r.status not in UNANSWERED_STATUSES)
    sent.sort(key=lambda r: r.status not in UNANSWERED_STATUSES)
    return Inbox(received=received, sent=sent)


def contact_request_get(*, pk: int, user: AnyUser) -> ContactRequest:
    """One request, or 404 for anyone who is not a party: a stranger learns nothing, not even
    that the request exists."""
    request = contact_requests_visible_to(user).filter(pk=pk).first()
    if request is None:
        raise Http404(_("No such contact request."))
    return request


def open_request_count(*, cluster: Cluster) -> int:
    return ContactRequest.objects.filter(
        receiver_cluster=cluster, status=ContactRequestStatus.OPEN
    ).count()


def open_request_between(a: Cluster, b: Cluster) -> ContactRequest | None:
    """The unanswered request of two clusters, open or held: either counts as open."""
    return ContactRequest.objects.filter(
        Q(sender_cluster=a, receiver_cluster=b) | Q(sender_cluster=b, receiver_cluster=a),
        status__in=UNANSWERED_STATUSES,
    ).first()


def cluster_has_managers(cluster: Cluster) -> bool:
    """Whether someone on the platform manages the cluster: without an active manager a contact
    request to it would reach nobody, so it is held."""
    return cluster.managers.filter(is_active=True).exists()


def held_request_count(*, cluster: Cluster) -> int:
    return ContactRequest.objects.filter(
        receiver_cluster=cluster, status=ContactRequestStatus.HELD
    ).count()


def cluster_public_address(cluster: Cluster) -> str:
    """The address the cluster's management publishes in the data: its management
    organisation's, else its first contact's that has one; empty if there is none."""
    organisation = cluster.management_organisation
    if organisation is None:
        return ""
    if organisation.email:
        return organisation.email
    contact = organisation.contacts.exclude(email="").order_by("name", "pk").first()
    return contact.email if contact is not None else ""


# --- partnerships -----------------------------------------------------------------------------


def _partnerships() -> QuerySet[Partnership]:
    return Partnership.objects.select_related("german_cluster", "partner_cluster")


def partnerships_visible_to(user: AnyUser) -> QuerySet[Partnership]:
    """Open partnerships are public (they are shown on the profiles); ended ones only to their
    parties and administrators."""
    partnerships = _partnerships()
    if _is_admin(user):
        return partnerships
    ids = managed_cluster_ids(user)
    return partnerships.filter(
        ~Q(stage=PartnershipStage.ENDED) | Q(german_cluster__in=ids) | Q(partner_cluster__in=ids)
    )


def partnerships_of(*, cluster: Cluster, user: AnyUser) -> QuerySet[Partnership]:
    return (
        partnerships_visible_to(user)
        .filter(Q(german_cluster=cluster) | Q(partner_cluster=cluster))
        .order_by("stage_since", "pk")
    )


def partnership_get(*, pk: int, user: AnyUser) -> Partnership:
    partnership = partnerships_visible_to(user).filter(pk=pk).first()
    if partnership is None:
        raise Http404(_("No such partnership."))
    return partnership


def partnership_between(a: Cluster, b: Cluster) -> Partnership | None:
    """The open (not ended) partnership of two clusters, whichever side is German."""
    return (
        _partnerships()
        .exclude(stage=PartnershipStage.ENDED)
        .filter(Q(german_cluster=a, partner_cluster=b) | Q(german_cluster=b, partner_cluster=a))
        .first()
    )


def partnership_history(partnership: Partnership) -> QuerySet[PartnershipStageChange]:
    return partnership.stage_changes.select_related("actor").order_by("created_at", "pk")


def clusters_to_contact_from(*, user: AnyUser, target: Cluster) -> list[Cluster]:
    """The clusters `user` manages that could send `target` a contact request: one side German,
    the other abroad, not the same management."""
    if not user.is_authenticated or not user.is_active:
        return []
    managed = list(user.managed_clusters.order_by("name"))
    if any(cluster.pk == target.pk for cluster in managed):
        return []
    return [
        cluster
        for cluster in managed
        if cluster.is_german != target.is_german
        and (
            cluster.management_organisation_id is None
            or cluster.management_organisation_id != target.management_organisation_id
        )
    ]


# --- project ideas ----------------------------------------------------------------------------


def project_ideas_of(*, partnership: Partnership, user: AnyUser) -> QuerySet[ProjectIdea]:
    """The partnership's ideas for its parties and administrators; nothing for anyone else."""
    ideas = partnership.project_ideas.select_related("created_by").order_by("created_at", "pk")
    if _is_admin(user) or set(partnership.cluster_ids) & managed_cluster_ids(user):
        return ideas
    return ideas.none()


def project_idea_get(*, pk: int, user: AnyUser) -> ProjectIdea:
    idea = (
        ProjectIdea.objects.select_related(
            "partnership__german_cluster", "partnership__partner_cluster", "created_by"
        )
        .filter(pk=pk)
        .first()
    )
    if (
        idea is None
        or not project_ideas_of(partnership=idea.partnership, user=user).filter(pk=pk).exists()
    ):
        raise Http404(_("No such project idea."))
    return idea


# --- conversation -----------------------------------------------------------------------------


def conversation_get(*, pk: int, user: AnyUser) -> Partnership:
    """The partnership whose conversation `user` may read, or 404: an outsider learns nothing,
    not even that the partners talk."""
    partnership = _partnerships().filter(pk=pk).first()
    if partnership is None or not (
        user.is_authenticated and user.has_perm("cooperation.view_conversation", partnership)
    ):
        raise Http404(_("No such conversation."))
    return partnership


def messages_of(partnership: Partnership) -> QuerySet[Message]:
    """The conversation, oldest message first. Callers check access with `conversation_get`."""
    return partnership.messages.select_related("author", "author_cluster").order_by(
        "created_at", "pk"
    )


@dataclass(frozen=True)
class SharedAddress:
    name: str
    email: str


@dataclass(frozen=True)
class SideSharing:
    """One side of a conversation: whether it shares its managers' addresses, and (only when
    both sides do) the addresses."""

    cluster: Cluster
    sharing: AddressSharing | None
    addresses: list[SharedAddress]


def address_sharing_of(partnership: Partnership) -> list[SideSharing]:
    """Both sides, German cluster first. Addresses are filled in only when both sides have
    switched sharing on; until then neither side sees any."""
    rows = {
        row.cluster_id: row
        for row in AddressSharing.objects.filter(partnership=partnership).select_related(
            "switched_on_by"
        )
    }
    clusters = (partnership.german_cluster, partnership.partner_cluster)
    both = all(cluster.pk in rows for cluster in clusters)
    sides = []
    for cluster in clusters:
        addresses = []
        if both:
            managers = cluster.managers.filter(is_active=True).exclude(email="").order_by("pk")
            addresses = [
                SharedAddress(manager.get_full_name() or manager.get_username(), manager.email)
                for manager in managers
            ]
        sides.append(
            SideSharing(cluster=cluster, sharing=rows.get(cluster.pk), addresses=addresses)
        )
    return sides


def latest_messages_for(user: AnyUser, *, limit: int = 5) -> list[Message]:
    """The newest messages in the conversations of the clusters `user` manages (the dashboard's
    list); administrators' own view of every conversation is not meant here."""
    ids = managed_cluster_ids(user)
    if not ids:
        return []
    return list(
        Message.objects.filter(
            Q(partnership__german_cluster__in=ids) | Q(partnership__partner_cluster__in=ids)
        )
        .select_related(
            "author",
            "author_cluster",
            "partnership__german_cluster",
            "partnership__partner_cluster",
        )
        .order_by("-created_at", "-pk")[:limit]
    )
