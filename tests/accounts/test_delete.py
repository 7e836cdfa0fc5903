from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from clusterbridge.accounts.models import SignInEvent, User, display_name
from clusterbridge.accounts.services import api_token_create, user_delete
from clusterbridge.audit.models import AuditEntry
from clusterbridge.audit.services import audit_record

pytestmark = pytest.mark.django_db


def test_deleting_an_account_erases_what_identifies_the_person(
    make_user: Callable[..., User], make_cluster: Callable[..., Any]
) -> None:
    user = make_user(username="tom", email="tom@werft.example", first_name="Tom")
    colleague = make_user(username="ute")
    cluster = make_cluster(slug="werft")
    cluster.managers.add(user, colleague)
    api_token_create(user=user, name="script")
    SignInEvent.objects.create(user=user, outcome="succeeded", channel="web")
    entry = audit_record(actor=user, action="clusters.cluster.updated", target=cluster)

    user_delete(user=user, actor=user)

    user.refresh_from_db()
    entry.refresh_from_db()
    assert (user.email, user.first_name, user.is_active, user.has_usable_password()) == (
        "",
        "",
        False,
        False,
    )
    assert display_name(user) == "former user"
    assert list(cluster.managers.all()) == [colleague]
    assert EmailAddress.objects.filter(user=user).count() == 0
    assert (user.api_tokens.count(), SignInEvent.objects.filter(user=user).count()) == (0, 0)
    # The audit entry stays, without the name.
    assert (entry.actor_id, entry.actor_name) == (user.pk, "")
    assert AuditEntry.objects.filter(action="accounts.user.deleted").count() == 1


def test_the_last_manager_cannot_delete_their_account(
    make_user: Callable[..., User], make_cluster: Callable[..., Any]
) -> None:
    user = make_user(username="last")
    cluster = make_cluster(slug="alone", name="Alone Cluster")
    cluster.managers.add(user)

    with pytest.raises(ValidationError, match="only manager of Alone Cluster"):
        user_delete(user=user, actor=user)

    user.refresh_from_db()
    assert (user.is_active, list(cluster.managers.all())) == (True, [user])


def test_nobody_deletes_another_persons_account(make_user: Callable[..., User]) -> None:
    user, other = make_user(username="a1"), make_user(username="b1")

    with pytest.raises(PermissionDenied):
        user_delete(user=user, actor=other)


def test_delete_page_asks_for_the_password_and_signs_out(
    client: Client, make_user: Callable[..., User]
) -> None:
    user = make_user(username="pia", password="a-long-test-password")
    client.force_login(user)

    wrong = client.post("/en/accounts/me/delete/", {"password": "not-it"})
    right = client.post("/en/accounts/me/delete/", {"password": "a-long-test-password"})

    user.refresh_from_db()
    assert wrong.status_code == 400
    assert "This is not your password." in wrong.content.decode()
    assert (right.status_code, right["Location"]) == (302, "/en/")
    assert user.deleted_at is not None
    assert "_auth_user_id" not in client.session
