"""Writes of the partners' conversation: messages, and each side's consent to share its
managers' e-mail addresses. Services like those in `services.py` (checked here, audited in the
same transaction, mailed after commit), kept apart so that neither module grows past a screen
of scrolling."""

from __future__ import annotations

import rules
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clusterbridge.accounts.models import User, display_name
from clusterbridge.audit.services import audit_record
from clusterbridge.clusters.models import Cluster
from clusterbridge.cooperation import selectors, validators
from clusterbridge.cooperation.enums import PartnershipStage
from clusterbridge.cooperation.mail import mail_after_commit, managers_recipients
from clusterbridge.cooperation.models import AddressSharing, Message, Partnership


def _side_of(actor: User, partnership: Partnership) -> Cluster | None:
    """The cluster `actor` writes for: the side they manage (the German one if both), none for
    an administrator who manages neither."""
    managed = selectors.managed_cluster_ids(actor)
    for cluster in (partnership.german_cluster, partnership.partner_cluster):
        if cluster.pk in managed:
            return cluster
    return None


@transaction.atomic
def message_post(
    *, partnership: Partnership, actor: User, body: str, base_url: str = ""
) -> Message:
    """A manager of either cluster (or an administrator) writes in the partners' conversation;
    the other side's managers are told by mail, each in their language."""
    if not rules.has_perm("cooperation.post_message", actor, partnership):
        raise PermissionDenied(
            _("Only the managers of the two clusters may write in their conversation.")
        )
    try:
        cleaned = validators.clean_body(body)
    except ValidationError as exc:
        raise ValidationError({"body": exc.messages}) from exc
    current = Partnership.objects.select_related("german_cluster", "partner_cluster").get(
        pk=partnership.pk
    )
    if current.stage == PartnershipStage.ENDED:
        raise ValidationError(
            _("This partnership has ended; reopen it in talks to write in its conversation.")
        )
    side = _side_of(actor, current)
    message = Message(partnership=current, author=actor, author_cluster=side, body=cleaned)
    message.full_clean()
    message.save()
    audit_record(
        actor=actor,
        action="cooperation.message.posted",
        target=message,
        # The text stays in the conversation; the log keeps that it was written, not what.
        changes={"partnership": current.pk, "characters": len(cleaned)},
        cluster_id=side.pk if side is not None else current.german_cluster_id,
    )
    others = [
        cluster
        for cluster in (current.german_cluster, current.partner_cluster)
        if side is None or cluster.pk != side.pk
    ]
    mail_after_commit(
        recipients=managers_recipients(others, exclude=actor),
        template="message_posted",
        context={
            "pk": current.pk,
            "base_url": base_url,
            "author": display_name(actor),
            "author_side": side.name if side is not None else "clusterbridge",
            "german_cluster": current.german_cluster.name,
            "partner_cluster": current.partner_cluster.name,
            "body": cleaned,
        },
        link="cooperation:conversation",
    )
    return message


@transaction.atomic
def address_sharing_set(
    *, partnership: Partnership, cluster: Cluster, actor: User, share: bool
) -> AddressSharing | None:
    """Switches one side's consent to share its managers' e-mail addresses with the partner on
    or off. The addresses are shown only while both sides have it on. Switching to the state
    it is already in changes nothing."""
    if cluster.pk not in partnership.cluster_ids:
        raise ValidationError(
            {"cluster": _("%(name)s is not a side of this partnership.") % {"name": cluster.name}}
        )
    if not rules.has_perm("cooperation.share_addresses", actor, cluster):
        raise PermissionDenied(
            _("Only the managers of %(name)s may decide whether its e-mail addresses are shared.")
            % {"name": cluster.name}
        )
    existing = (
        AddressSharing.objects.select_for_update()
        .filter(partnership=partnership, cluster=cluster)
        .first()
    )
    if share == (existing is not None):
        return existing
    if share:
        sharing = AddressSharing(
            partnership=partnership,
            cluster=cluster,
            switched_on_by=actor,
            switched_on_at=timezone.now(),
        )
        sharing.full_clean(validate_constraints=False)
        try:
            # Two managers of one side switching it on at once: the second finds the first's.
            with transaction.atomic():
                sharing.save()
        except IntegrityError:
            return AddressSharing.objects.get(partnership=partnership, cluster=cluster)
    else:
        if existing is not None:
            existing.delete()
        sharing = None
    audit_record(
        actor=actor,
        action="cooperation.partnership.addresses_shared"
        if share
        else "cooperation.partnership.addresses_unshared",
        target=partnership,
        changes={"cluster": cluster.slug, "share": share},
        cluster_id=cluster.pk,
    )
    return sharing
