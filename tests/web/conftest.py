"""A small world for tests that visit every page: the real demo data plus one object of each kind
the URLs name (an open round with a sketch, a grant with a project, a partnership with a project
idea), one user per role, and every route of the URL resolver with its path filled in."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest
from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from allauth.account.utils import user_pk_to_url_str
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.db import models, transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from clusterbridge.accounts import claims
from clusterbridge.accounts.enums import Role
from clusterbridge.accounts.models import ApiToken, ClusterClaim, SignInEvent, User
from clusterbridge.accounts.services import api_token_create, user_grant_role
from clusterbridge.accounts.signins import sign_in_record
from clusterbridge.clusters.models import Cluster, Member
from clusterbridge.cooperation import conversation
from clusterbridge.cooperation import services as cooperation
from clusterbridge.cooperation.models import ContactRequest, Partnership, ProjectIdea
from clusterbridge.demo.services import demo_load
from clusterbridge.programme import services as programme
from clusterbridge.programme.models import (
    Application,
    CollaborativeProject,
    FundingProgramme,
    Grant,
    Participant,
    ProjectOutline,
    ReportDue,
    ReviewAssignment,
    Round,
)
from clusterbridge.taxonomy.models import MemberType
from tests.programme.conftest import approve, budget

BASE_URL = "http://testserver"

# Which object a path parameter names, by the URL segment before it (`grants/<pk>` is a grant).
OBJECTS: dict[str, type[models.Model]] = {
    "applications": Application,
    "assignments": ReviewAssignment,
    "claims": ClusterClaim,
    "contact-requests": ContactRequest,
    "grants": Grant,
    "ideas": ProjectIdea,
    "outlines": ProjectOutline,
    "participants": Participant,
    "partnerships": Partnership,
    "project-ideas": ProjectIdea,
    "projects": CollaborativeProject,
    "reports": ReportDue,
    "requests": ContactRequest,
    "tokens": ApiToken,
}


@dataclass
class World:
    german: Cluster
    partner: Cluster
    round: Round
    users: dict[str, User]
    tokens: dict[str, str]
    routes: list[str] = field(default_factory=list)
    # Signed link tokens and allauth keys by the URL segment before them.
    tokens_in_links: dict[str, str] = field(default_factory=dict)
    # Objects by model, newest last: the ones made here, so the signed-in users have a stake.
    objects: dict[type[models.Model], models.Model] = field(default_factory=dict)

    def client(self, who: str) -> Client:
        client = Client(raise_request_exception=False)
        if who != "anonymous":
            client.force_login(self.users[who])
        return client


def _user(username: str, **values: Any) -> User:
    return User.objects.create_user(username=username, email=f"{username}@example.org", **values)


def _build() -> World:
    demo_load()
    today = timezone.localdate()
    german = Cluster.objects.filter(country="DE").order_by("slug").first()
    partner = Cluster.objects.exclude(country="DE").order_by("slug").first()
    assert german is not None
    assert partner is not None
    users = {
        "manager": _user("manager"),
        "partner": _user("partner"),
        "juror": _user("juror", organisation="Somewhere University"),
        "officer": _user("officer"),
        "admin": _user("admin", is_staff=True, is_superuser=True),
    }
    german.managers.add(users["manager"])
    # No service writes named members yet (the admin does); one for the admin's pages.
    Member.objects.create(
        cluster=german, name="Laser Institute", member_type=MemberType.objects.order_by("pk")[0]
    )
    partner.managers.add(users["partner"])
    user_grant_role(user=users["juror"], role=Role.JURY_MEMBER)
    user_grant_role(user=users["officer"], role=Role.PROGRAMME_OFFICER)
    user_grant_role(user=users["partner"], role=Role.INTERNATIONAL_PARTNER)

    # The programme: an open round with a submitted sketch under review and a grant with a
    # project (the demo's rounds are long closed).
    officer, manager = users["officer"], users["manager"]
    round = programme.round_create(
        programme=FundingProgramme.objects.get(),
        actor=officer,
        year=today.year + 1,
        call_opens=today - dt.timedelta(days=10),
        call_closes=today + dt.timedelta(days=30),
        budget_eur=Decimal("10000000"),
        target_selected=2,
    )
    programme.criterion_create(round=round, actor=officer, name_en="Fit", weight=Decimal(1))
    application = programme.application_create(
        round=round,
        cluster=german,
        actor=manager,
        title="Lasers abroad",
        idea="Joint research with partners.",
        target_countries=[partner.country],
        partner_candidates=[partner],
        budget_lines=budget(year=today.year + 1),
    )
    application = programme.application_submit(application=application, actor=manager)
    programme.assignment_create(application=application, juror=users["juror"], actor=officer)
    programme.conflict_declare(application=application, juror=users["juror"], reason="Former staff")
    grant = approve(application, officer, manager)
    programme.concept_submit(grant=grant, actor=manager, summary="Partners in France.")
    programme.expenditure_record(
        phase=grant.phases.order_by("starts_on")[0],
        actor=manager,
        amount_eur=Decimal(1000),
        spent_on=grant.starts_on,
        description="Travel",
    )
    report = programme.report_schedule(
        grant=grant, actor=officer, title="Interim report", due_on=today + dt.timedelta(days=90)
    )
    outline = programme.outline_submit(grant=grant, actor=manager, title="Laser", summary="S")
    programme.outline_decide(outline=outline, actor=officer, approve=True, justification="Good")
    project = programme.project_create(outline=outline, actor=manager)
    participant = programme.participant_add(project=project, actor=manager, cluster=partner)
    programme.own_funding_set(
        participant=participant,
        actor=manager,
        source="Regional council",
        amount_eur=Decimal(100000),
        status="committed",
    )
    programme.ipr_agreement_update(project=project, actor=manager, status="negotiating")
    # A second sketch, still submitted, for the review and assignment pages.
    other = Cluster.objects.filter(country="DE").exclude(pk=german.pk).order_by("slug").first()
    assert other is not None
    other.managers.add(manager)
    sketch = programme.application_submit(
        application=programme.application_create(
            round=round,
            cluster=other,
            actor=manager,
            title="Sensors abroad",
            idea="Joint sensors.",
            target_countries=[partner.country],
            budget_lines=budget(year=today.year + 1),
        ),
        actor=manager,
    )
    assignment = programme.assignment_create(
        application=sketch, juror=users["juror"], actor=officer
    )
    programme.review_submit(
        application=sketch,
        juror=users["juror"],
        scores={criterion.pk: 7 for criterion in round.criteria.all()},
        no_conflict_declared=True,
    )

    # Cooperation: a partnership with a project idea, and a request still open.
    accepted = cooperation.contact_request_send(
        sender_cluster=german,
        receiver_cluster=partner,
        actor=manager,
        topic="Lasers",
        message="We would like to explore joint projects on lasers.",
    )
    partnership = cooperation.contact_request_accept(
        contact_request=accepted, actor=users["partner"]
    )
    partnership = cooperation.partnership_move(
        partnership=partnership, actor=manager, stage="concept"
    )
    idea = cooperation.project_idea_create(
        partnership=partnership,
        actor=manager,
        title="Laser idea",
        summary="Joint laser research with two universities.",
    )
    conversation.message_post(
        partnership=partnership, actor=manager, body="When could we meet in Strasbourg?"
    )
    pending = cooperation.contact_request_send(
        sender_cluster=other,
        receiver_cluster=partner,
        actor=manager,
        topic="Sensors",
        message="We would like to explore joint projects on sensors.",
    )
    # Accounts: a claim under review, an invitation, the links mailed for them and allauth's.
    unmanaged = Cluster.objects.filter(managers=None).order_by("slug").first()
    assert unmanaged is not None
    claim = claims.claim_start(
        user=users["juror"], cluster=unmanaged, note="I run its office.", base_url=BASE_URL
    )
    invitation = claims.manager_invite(
        cluster=german, email="colleague@example.org", actor=manager, base_url=BASE_URL
    )
    sign_in_record(request=None, outcome=SignInEvent.Outcome.SUCCEEDED, user=manager)
    address = EmailAddress.objects.create(
        user=manager, email=manager.email, primary=True, verified=False
    )
    links = {
        "confirm": signing.dumps(
            {"claim": claim.pk, "email": "office@example.org"}, salt=claims._CLAIM_SALT
        ),
        "invitations": signing.dumps({"invitation": invitation.pk}, salt=claims._INVITE_SALT),
        "outbox": "20260101T000000000000-" + "0" * 32,  # well formed, never sent
        "confirm-email": EmailConfirmationHMAC(address).key,
        "password-reset": "-".join(
            (user_pk_to_url_str(manager), default_token_generator.make_token(manager))
        ),
    }
    tokens = {}
    for who, user in users.items():
        _token, tokens[who] = api_token_create(user=user, name="test")
    world = World(
        german=german,
        partner=partner,
        round=round,
        users=users,
        tokens=tokens,
        tokens_in_links=links,
    )
    for instance in (
        claim,
        sketch,
        assignment,
        pending,
        grant,
        idea,
        outline,
        participant,
        partnership,
        project,
        report,
        ApiToken.objects.filter(user=users["admin"]).get(),
    ):
        world.objects[type(instance)] = instance
    world.routes = list(dict.fromkeys(_routes(get_resolver().url_patterns, "/", world)))
    return world


def _walk(patterns: list[Any], prefix: str) -> Iterator[tuple[str, URLPattern]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern), pattern


def _fill(route: str, world: World) -> str:
    """The route with each `<converter:name>` replaced by a real object's key."""
    parts = route.split("/")
    for index, part in enumerate(parts):
        if not part.startswith("<"):
            continue
        name = part.strip("<>").rpartition(":")[2]
        before = parts[index - 1] if index else ""
        if name == "to_slug":
            value = world.partner.slug
        elif name == "slug":
            value = world.german.slug
        elif name == "year":
            value = str(world.round.year)
        elif name == "user_pk":  # a manager of the cluster named before it
            value = str(world.users["manager"].pk)
        elif name in {"token", "key"} and before in world.tokens_in_links:
            value = world.tokens_in_links[before]
        elif name == "content_type_id":  # the admin's "view on site" shortcut
            value = str(ContentType.objects.get_for_model(Cluster).pk)
        elif name == "object_id" and parts[index - 2] == "r":
            value = str(world.german.pk)
        elif name in {"object_id", "id"}:  # the admin: .../<app_label>/<model_name>/<object_id>/
            value = _admin_object(parts[index - 2], parts[index - 1])
        elif before in OBJECTS:
            value = str(world.objects[OBJECTS[before]].pk)
        else:
            raise AssertionError(f"{route}: no object for <{name}>; teach tests/web/conftest.py")
        parts[index] = value
    return "/".join(parts)


def _admin_object(app_label: str, model_name: str) -> str:
    model = apps.get_model(app_label, model_name)
    instance = model._default_manager.order_by("pk").last()
    assert instance is not None, f"no {app_label}.{model_name} to visit in the admin"
    return str(instance.pk)


def _routes(patterns: list[Any], prefix: str, world: World) -> Iterator[str]:
    links = world.tokens_in_links
    for route, pattern in _walk(patterns, prefix):
        head = route.partition("^")[0]
        if "(?P<" not in route:
            yield _fill(route, world)
        elif "(?P<app_label>" in route:  # the admin's index of one app
            yield head + "clusters/"
        elif "(?P<url>" in route:  # the admin's catch-all, which only redirects
            yield route.partition("(")[0] + "no-such-page/"
        elif pattern.name == "account_confirm_email":
            yield f"{head}confirm-email/{links['confirm-email']}/"
        elif pattern.name == "account_reset_password_from_key":
            yield f"{head}password/reset/key/{links['password-reset']}/"
        else:
            raise AssertionError(f"{route}: a regular expression; teach tests/web/conftest.py")


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: Any) -> Iterator[World]:
    """Built once per module inside a transaction that is rolled back afterwards."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield _build()
        transaction.set_rollback(True)
