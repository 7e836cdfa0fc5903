"""Mail of cooperation: who is told, in which language, and only after commit. The services
of contact requests, partnerships and the partners' conversation all send through here."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.urls import reverse

from clusterbridge.accounts.models import User
from clusterbridge.clusters.models import Cluster
from clusterbridge.common import mail as common_mail


@dataclass(frozen=True)
class Recipient:
    address: str
    language: str


def language_of(user: User) -> str:
    return user.preferred_language if user.preferred_language in {"en", "de"} else "en"


def cluster_language(cluster: Cluster) -> str:
    """The language for a cluster's published address: German for a German cluster."""
    return "de" if cluster.is_german else "en"


def mail_after_commit(
    *,
    recipients: Iterable[Recipient],
    template: str,
    context: dict[str, Any],
    link: str,
    link_kwargs: Mapping[str, Any] | None = None,
) -> None:
    """One mail per recipient, in the recipient's language, after commit. `link` is a URL name,
    resolved with `link_kwargs` (by default the context's `pk`) under the recipient's language
    prefix."""
    kwargs = dict(link_kwargs) if link_kwargs is not None else {"pk": context.get("pk")}
    common_mail.mail_after_commit(
        recipients=[(recipient.address, recipient.language) for recipient in recipients],
        template=f"cooperation/mail/{template}",
        context=context,
        path=lambda: reverse(link, kwargs=kwargs),
    )


def receiver_recipients(cluster: Cluster) -> list[Recipient]:
    """The receiving cluster's managers, each in their language, and its management
    organisation's address (German for a German cluster, English otherwise)."""
    recipients = managers_recipients([cluster])
    seen = {recipient.address.lower() for recipient in recipients}
    organisation = cluster.management_organisation
    if organisation is not None and organisation.email and organisation.email.lower() not in seen:
        recipients.append(Recipient(organisation.email, cluster_language(cluster)))
    return recipients


def managers_recipients(
    clusters: Iterable[Cluster], *, exclude: User | None = None
) -> list[Recipient]:
    """The active managers of the clusters, each address once and in its owner's language,
    but the one who acted (`exclude`)."""
    recipients: list[Recipient] = []
    seen: set[str] = {exclude.email.lower()} if exclude is not None and exclude.email else set()
    for cluster in clusters:
        for manager in cluster.managers.filter(is_active=True).exclude(email="").order_by("pk"):
            if exclude is not None and manager.pk == exclude.pk:
                continue
            if manager.email.lower() not in seen:
                seen.add(manager.email.lower())
                recipients.append(Recipient(manager.email, language_of(manager)))
    return recipients


def user_recipient(user: User | None) -> list[Recipient]:
    """The person alone, if they can still be reached (an active account with an address)."""
    if user is None or not user.is_active or not user.email:
        return []
    return [Recipient(user.email, language_of(user))]
