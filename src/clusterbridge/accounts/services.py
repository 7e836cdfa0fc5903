from __future__ import annotations

from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clusterbridge.accounts.enums import Role
from clusterbridge.accounts.models import ApiToken, User


@transaction.atomic
def user_grant_role(*, user: User, role: Role) -> None:
    group, _created = Group.objects.get_or_create(name=role.value)
    user.groups.add(group)


@transaction.atomic
def api_token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Returns the token and its raw key; the key is shown once and never stored."""
    raw = ApiToken.new_key()
    token = ApiToken.objects.create(
        user=user, name=name, key_hash=ApiToken.hash(raw), prefix=raw[:8]
    )
    return token, raw


def api_token_authenticate(raw: str) -> User | None:
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=ApiToken.hash(raw), user__is_active=True)
        .first()
    )
    if token is None:
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token.user


@transaction.atomic
def api_token_revoke(*, token: ApiToken, actor: User) -> None:
    if token.user_id != actor.pk and not actor.is_superuser:
        raise PermissionDenied(_("You may only revoke your own tokens."))
    token.delete()


@transaction.atomic
def user_delete(*, user: User, actor: User) -> None:
    """Deletes a person's account. What they wrote to others (messages, requests, reviews, audit
    entries) stays and shows "former user"; what identifies them is erased. A cluster's last
    manager hands it over first, so no cluster is left without a contact by accident."""
    from allauth.account.models import EmailAddress

    from clusterbridge.audit.models import AuditEntry
    from clusterbridge.audit.services import audit_record
    from clusterbridge.clusters.models import Cluster

    if actor.pk != user.pk and not actor.is_superuser:
        raise PermissionDenied(_("You may only delete your own account."))
    sole = [
        cluster.name
        for cluster in Cluster.objects.filter(managers=user).prefetch_related("managers")
        if [m.pk for m in cluster.managers.all()] == [user.pk]
    ]
    if sole:
        raise ValidationError(
            {
                "password": _(
                    "You are the only manager of %(clusters)s. Invite a colleague as manager "
                    "and let them take over before you delete your account."
                )
                % {"clusters": ", ".join(sorted(sole))}
            },
            code="last_manager",
        )
    audit_record(actor=actor, action="accounts.user.deleted", target=user)
    for cluster in Cluster.objects.filter(managers=user):
        cluster.managers.remove(user)
    EmailAddress.objects.filter(user=user).delete()
    user.api_tokens.all().delete()
    user.sign_in_events.all().delete()
    user.groups.clear()
    AuditEntry.objects.filter(actor=user).update(actor_name="")
    user.username = f"former-user-{user.pk}"
    user.email = ""
    user.first_name = ""
    user.last_name = ""
    user.organisation = ""
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    user.deleted_at = timezone.now()
    user.set_unusable_password()
    user.save()
