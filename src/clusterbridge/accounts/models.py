from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from clusterbridge.accounts.enums import Role


class User(AbstractUser):
    """A person. Visitors have no account; every other role starts from one."""

    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=5,
        choices=[("en", "English"), ("de", "Deutsch")],
        default="en",
    )

    # Set when the person deleted their account: what they wrote to others stays, under
    # "former user"; everything that identifies them is erased (accounts.services.user_delete).
    deleted_at = models.DateTimeField(_("deleted at"), null=True, blank=True, editable=False)

    @property
    def is_former(self) -> bool:
        return self.deleted_at is not None

    def has_role(self, role: Role) -> bool:
        if not self.is_active:
            return False
        return self.is_superuser or self.groups.filter(name=role.value).exists()


def display_name(user: User | None) -> str:
    """How a person is named to others: their full name or user name, or "former user" for an
    account that is gone (deleted, or deactivated and stripped of its address). The one place
    that decides it; never the e-mail address, which people share only when they agree."""
    if user is None or user.deleted_at is not None or (not user.is_active and not user.email):
        return str(pgettext("person", "former user"))
    return user.get_full_name() or user.get_username()


def _hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A personal bearer token for API writes; only its hash is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(max_length=8, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def new_key() -> str:
        return secrets.token_urlsafe(32)

    @staticmethod
    def hash(raw: str) -> str:
        return _hash_token(raw)


class SignInEvent(models.Model):
    """A sign-in or a failed attempt, for staff to read (kept SIGN_IN_LOG_DAYS days)."""

    class Outcome(models.TextChoices):
        SUCCEEDED = "succeeded", _("signed in")
        FAILED = "failed", _("wrong e-mail address or password")
        THROTTLED = "throttled", _("refused: too many attempts")

    class Channel(models.TextChoices):
        WEB = "web", _("sign-in page")
        ADMIN = "admin", _("administration")
        API = "api", _("API token")

    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        User,
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="sign_in_events",
    )
    # What was typed as the sign-in name, when no account matched (to spot probing).
    identifier = models.CharField(_("e-mail address entered"), max_length=254, blank=True)
    address = models.GenericIPAddressField(_("client address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)

    class Meta:
        verbose_name = _("sign-in event")
        verbose_name_plural = _("sign-in log")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.outcome} {self.identifier}"


class ClusterClaim(models.Model):
    """A person's request to manage a cluster: proved by an address at the cluster's web domain,
    or reviewed by programme officers or staff (states and moves in accounts.workflow)."""

    class Route(models.TextChoices):
        DOMAIN = "domain", _("address at the cluster's web domain")
        REVIEW = "review", _("review by the programme office")

    class State(models.TextChoices):
        AWAITING_ADDRESS = "awaiting_address", _("waiting for the address to be confirmed")
        AWAITING_REVIEW = "awaiting_review", _("waiting for review")
        APPROVED = "approved", _("approved")
        REJECTED = "rejected", _("rejected")
        WITHDRAWN = "withdrawn", _("withdrawn")

    user = models.ForeignKey(
        User, verbose_name=_("person"), on_delete=models.CASCADE, related_name="cluster_claims"
    )
    cluster = models.ForeignKey(
        "clusters.Cluster",
        verbose_name=_("cluster"),
        on_delete=models.CASCADE,
        related_name="claims",
    )
    route = models.CharField(_("route"), max_length=10, choices=Route.choices)
    state = models.CharField(_("state"), max_length=20, choices=State.choices)
    email = models.EmailField(_("work e-mail address"), blank=True)
    note = models.TextField(_("note to the reviewers"), max_length=2000, blank=True)
    decision_note = models.TextField(_("reason"), max_length=2000, blank=True)
    decided_by = models.ForeignKey(
        User,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("cluster claim")
        verbose_name_plural = _("cluster claims")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "cluster"],
                condition=models.Q(state__in=["awaiting_address", "awaiting_review"]),
                name="claim_one_open_per_person_and_cluster",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.cluster_id} ({self.state})"


class ManagerInvitation(models.Model):
    """A manager's invitation to a colleague to manage the cluster with them."""

    cluster = models.ForeignKey(
        "clusters.Cluster",
        verbose_name=_("cluster"),
        on_delete=models.CASCADE,
        related_name="manager_invitations",
    )
    email = models.EmailField(_("e-mail address"))
    invited_by = models.ForeignKey(
        User, verbose_name=_("invited by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    accepted_by = models.ForeignKey(
        User,
        verbose_name=_("accepted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("manager invitation")
        verbose_name_plural = _("manager invitations")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.email} → {self.cluster_id}"

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None
