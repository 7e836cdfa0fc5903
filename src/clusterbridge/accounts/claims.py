"""Claiming a cluster and working with its other managers: the services behind the pages.

A person becomes a manager of a cluster by proving an address at the cluster's web domain, or
through a review by programme officers or staff. Managers invite colleagues and remove them;
the last manager cannot leave. Every step is audited and mailed.
"""

from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from clusterbridge.accounts import domains, rules
from clusterbridge.accounts.mail import mail_after_commit, person
from clusterbridge.accounts.models import ClusterClaim, ManagerInvitation, User
from clusterbridge.accounts.workflow import OPEN_STATES, claim_can_move
from clusterbridge.audit.services import audit_record
from clusterbridge.clusters.models import Cluster

State = ClusterClaim.State
LINK_MAX_AGE = 3 * 24 * 3600  # seconds a confirmation or invitation link stays valid
_CLAIM_SALT = "clusterbridge.accounts.claim-address"
_INVITE_SALT = "clusterbridge.accounts.manager-invitation"


def _reviewers() -> list[User]:
    candidates = User.objects.filter(is_active=True).exclude(email="").order_by("pk")
    return [user for user in candidates if rules.is_claim_reviewer(user)]


def _verified(user: User, email: str) -> bool:
    return EmailAddress.objects.filter(user=user, email__iexact=email, verified=True).exists()


def _approve(claim: ClusterClaim, *, actor: User, base_url: str, note: str = "") -> ClusterClaim:
    from clusterbridge.cooperation.services import contact_requests_deliver_held

    if not claim_can_move(claim, State.APPROVED):
        raise ValidationError({"state": _("This claim has already been decided.")})
    cluster = claim.cluster
    had_managers = cluster.managers.exists()
    claim.state = State.APPROVED
    claim.decided_by = actor
    claim.decided_at = timezone.now()
    claim.decision_note = note
    claim.save()
    cluster.managers.add(claim.user)
    audit_record(
        actor=actor,
        action="accounts.claim.approved",
        target=claim,
        changes={"route": claim.route, "person": claim.user_id},
        cluster_id=cluster.pk,
    )
    mail_after_commit(
        to=[person(claim.user)],
        template="claim_approved",
        context={
            "cluster": cluster,
            "note": note,
            "base_url": base_url,
        },
        path=lambda: reverse("accounts:dashboard"),
    )
    if not had_managers:
        # Requests that waited for this cluster to join reach its first managers now.
        contact_requests_deliver_held(cluster=cluster, base_url=base_url)
    return claim


def claim_check(*, user: User, cluster: Cluster, email: str, note: str) -> None:
    """The rules a new claim must pass, each error at its field."""
    if cluster.managers.filter(pk=user.pk).exists():
        raise ValidationError(
            {"cluster": _("You already manage %(cluster)s.") % {"cluster": cluster.name}}
        )
    if ClusterClaim.objects.filter(user=user, cluster=cluster, state__in=OPEN_STATES).exists():
        raise ValidationError({"cluster": _("You have already asked to manage this cluster.")})
    if email:
        if domains.is_free_mail(email):
            raise ValidationError(
                {
                    "email": _(
                        "An address at a free-mail provider does not show that you work for "
                        "the cluster. Use your work address, or ask for a review instead."
                    )
                }
            )
        site = domains.website_domain(cluster.website)
        if not domains.address_matches_website(email, cluster.website):
            message = (
                _(
                    "The address must be at the cluster's web domain %(domain)s (or one of "
                    "its subdomains). Otherwise, ask for a review instead."
                )
                % {"domain": site}
                if site
                else _("This cluster's profile has no website, so ask for a review instead.")
            )
            raise ValidationError({"email": message})
    elif not note.strip():
        raise ValidationError(
            {"note": _("Tell the reviewers who you are and how you work for the cluster.")}
        )


@transaction.atomic
def claim_start(
    *, user: User, cluster: Cluster, email: str = "", note: str = "", base_url: str
) -> ClusterClaim:
    """Starts a claim: by address when `email` is given, else by review with `note`."""
    email, note = email.strip(), note.strip()
    claim_check(user=user, cluster=cluster, email=email, note=note)
    claim = ClusterClaim(
        user=user,
        cluster=cluster,
        route=ClusterClaim.Route.DOMAIN if email else ClusterClaim.Route.REVIEW,
        state=State.AWAITING_ADDRESS if email else State.AWAITING_REVIEW,
        email=email,
        note=note,
    )
    claim.full_clean()
    claim.save()
    audit_record(
        actor=user,
        action="accounts.claim.started",
        target=claim,
        changes={"route": claim.route},
        cluster_id=cluster.pk,
    )
    if email and _verified(user, email):
        # The person has already proved this address: no second mail needed.
        return _approve(claim, actor=user, base_url=base_url)
    if email:
        token = signing.dumps({"claim": claim.pk, "email": email.lower()}, salt=_CLAIM_SALT)
        mail_after_commit(
            to=[(email, person(user)[1])],
            template="claim_confirm_address",
            context={
                "cluster": cluster,
                "base_url": base_url,
            },
            path=lambda: reverse("accounts:claim-confirm", kwargs={"token": token}),
        )
    else:
        mail_after_commit(
            to=[person(reviewer) for reviewer in _reviewers()],
            template="claim_to_review",
            context={
                "cluster": cluster,
                "claim": claim,
                "base_url": base_url,
            },
            path=lambda: reverse("accounts:claims"),
        )
    return claim


@transaction.atomic
def claim_confirm_address(*, token: str, user: User, base_url: str) -> ClusterClaim:
    """Approves a claim whose address the person has just proved by following the link."""
    try:
        data: dict[str, Any] = signing.loads(token, salt=_CLAIM_SALT, max_age=LINK_MAX_AGE)
    except signing.SignatureExpired:
        raise ValidationError({"token": _("This link has expired. Please claim again.")}) from None
    except signing.BadSignature:
        raise ValidationError({"token": _("This link is not valid.")}) from None
    claim = ClusterClaim.objects.select_for_update().filter(pk=int(data.get("claim", 0))).first()
    if claim is None or claim.user_id != user.pk:
        raise PermissionDenied(_("This link belongs to another person's claim."))
    if claim.state != State.AWAITING_ADDRESS or claim.email.lower() != data.get("email"):
        raise ValidationError({"token": _("This link has already been used.")})
    return _approve(claim, actor=user, base_url=base_url)


@transaction.atomic
def claim_decide(
    *, claim: ClusterClaim, actor: User, approve: bool, note: str, base_url: str
) -> ClusterClaim:
    if not rules.is_claim_reviewer(actor):
        raise PermissionDenied(_("Only programme officers and staff decide claims."))
    claim = ClusterClaim.objects.select_for_update().get(pk=claim.pk)
    if claim.route != ClusterClaim.Route.REVIEW or claim.state != State.AWAITING_REVIEW:
        raise ValidationError({"state": _("This claim has already been decided.")})
    if approve:
        return _approve(claim, actor=actor, base_url=base_url, note=note.strip())
    if not note.strip():
        raise ValidationError({"note": _("Say why, so that the person knows what to do.")})
    claim.state = State.REJECTED
    claim.decided_by = actor
    claim.decided_at = timezone.now()
    claim.decision_note = note.strip()
    claim.save()
    audit_record(
        actor=actor, action="accounts.claim.rejected", target=claim, cluster_id=claim.cluster_id
    )
    mail_after_commit(
        to=[person(claim.user)],
        template="claim_rejected",
        context={
            "cluster": claim.cluster,
            "note": claim.decision_note,
            "base_url": base_url,
        },
        path=lambda: reverse("clusters:detail", kwargs={"slug": claim.cluster.slug}),
    )
    return claim


@transaction.atomic
def claim_withdraw(*, claim: ClusterClaim, actor: User) -> ClusterClaim:
    if claim.user_id != actor.pk:
        raise PermissionDenied(_("Only the person who claimed may withdraw the claim."))
    claim = ClusterClaim.objects.select_for_update().get(pk=claim.pk)
    if not claim_can_move(claim, State.WITHDRAWN):
        raise ValidationError({"state": _("This claim has already been decided.")})
    claim.state = State.WITHDRAWN
    claim.save()
    audit_record(
        actor=actor, action="accounts.claim.withdrawn", target=claim, cluster_id=claim.cluster_id
    )
    return claim


# --- managers ---------------------------------------------------------------------------------


def _require_manager(actor: User, cluster: Cluster) -> None:
    if not rules.manages_cluster(actor, cluster):
        raise PermissionDenied(_("Only the cluster's managers may do this."))


@transaction.atomic
def manager_invite(
    *, cluster: Cluster, email: str, actor: User, base_url: str
) -> ManagerInvitation:
    _require_manager(actor, cluster)
    email = email.strip()
    if email.lower() == actor.email.lower() or _verified(actor, email):
        raise ValidationError({"email": _("You cannot invite yourself.")})
    if cluster.managers.filter(email__iexact=email).exists():
        raise ValidationError({"email": _("This person already manages the cluster.")})
    open_invitations = cluster.manager_invitations.filter(
        email__iexact=email, accepted_at=None, revoked_at=None
    )
    if open_invitations.exists():
        raise ValidationError({"email": _("This address has already been invited.")})
    invitation = ManagerInvitation(cluster=cluster, email=email, invited_by=actor)
    invitation.full_clean()
    invitation.save()
    audit_record(
        actor=actor,
        action="accounts.manager.invited",
        target=invitation,
        changes={"email": email},
        cluster_id=cluster.pk,
    )
    token = signing.dumps({"invitation": invitation.pk}, salt=_INVITE_SALT)
    mail_after_commit(
        to=[(email, person(actor)[1])],
        template="manager_invited",
        context={
            "cluster": cluster,
            "inviter": actor,
            "base_url": base_url,
        },
        path=lambda: reverse("accounts:invitation", kwargs={"token": token}),
    )
    return invitation


def manager_invitation_from_token(token: str) -> ManagerInvitation:
    try:
        data: dict[str, Any] = signing.loads(token, salt=_INVITE_SALT, max_age=LINK_MAX_AGE)
    except signing.SignatureExpired:
        raise ValidationError({"token": _("This invitation has expired.")}) from None
    except signing.BadSignature:
        raise ValidationError({"token": _("This link is not valid.")}) from None
    invitation = (
        ManagerInvitation.objects.select_related("cluster")
        .filter(pk=int(data.get("invitation", 0)))
        .first()
    )
    if invitation is None or not invitation.is_open:
        raise ValidationError({"token": _("This invitation has already been used.")})
    return invitation


@transaction.atomic
def manager_invitation_accept(*, token: str, user: User, base_url: str) -> ManagerInvitation:
    invitation = manager_invitation_from_token(token)
    invitation = ManagerInvitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_open:
        raise ValidationError({"token": _("This invitation has already been used.")})
    cluster = invitation.cluster
    had_managers = cluster.managers.exists()
    invitation.accepted_by = user
    invitation.accepted_at = timezone.now()
    invitation.save()
    cluster.managers.add(user)
    audit_record(
        actor=user, action="accounts.manager.joined", target=invitation, cluster_id=cluster.pk
    )
    others = cluster.managers.exclude(pk=user.pk).filter(is_active=True)
    mail_after_commit(
        to=[person(manager) for manager in others],
        template="manager_joined",
        context={
            "cluster": cluster,
            "newcomer": user,
            "base_url": base_url,
        },
        path=lambda: reverse("accounts:managers", kwargs={"slug": cluster.slug}),
    )
    if not had_managers:
        from clusterbridge.cooperation.services import contact_requests_deliver_held

        contact_requests_deliver_held(cluster=cluster, base_url=base_url)
    return invitation


@transaction.atomic
def manager_remove(*, cluster: Cluster, manager: User, actor: User, base_url: str) -> None:
    """Removes a manager (or lets one leave). The last manager stays until they hand over."""
    _require_manager(actor, cluster)
    cluster = Cluster.objects.select_for_update().get(pk=cluster.pk)
    managers = list(cluster.managers.order_by("pk"))
    if manager not in managers:
        raise ValidationError({"manager": _("This person does not manage the cluster.")})
    if len(managers) == 1:
        raise ValidationError(
            {
                "manager": _(
                    "A cluster needs at least one manager. Invite a colleague, and leave once "
                    "they have joined."
                )
            }
        )
    cluster.managers.remove(manager)
    action = "accounts.manager.left" if manager.pk == actor.pk else "accounts.manager.removed"
    audit_record(
        actor=actor,
        action=action,
        target=cluster,
        changes={"manager": manager.pk},
        cluster_id=cluster.pk,
    )
    mail_after_commit(
        to=[person(m) for m in managers if m.pk != actor.pk and m.is_active],
        template="manager_removed",
        context={
            "cluster": cluster,
            "removed": manager,
            "actor": actor,
            "base_url": base_url,
        },
        path=lambda: reverse("clusters:detail", kwargs={"slug": cluster.slug}),
    )
