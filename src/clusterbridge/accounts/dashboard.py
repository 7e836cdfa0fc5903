"""What "My clusterbridge" shows each person, by role. Reads only, through the domain apps'
own selectors, so a dashboard never shows more than the pages behind it would."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q

from clusterbridge.accounts import selectors as account_selectors
from clusterbridge.accounts.models import ClusterClaim, User
from clusterbridge.clusters.models import Cluster
from clusterbridge.clusters.selectors import clusters_editable_by
from clusterbridge.cooperation import selectors as cooperation
from clusterbridge.cooperation.models import ContactRequest, Message, Partnership
from clusterbridge.matching.selectors import PanelEntry, profile_panel
from clusterbridge.programme import selectors as programme
from clusterbridge.programme.enums import ApplicationState
from clusterbridge.programme.models import Application

LIST_SIZE = 8


@dataclass
class ManagerView:
    clusters: list[Cluster]
    received: list[ContactRequest]
    sent: list[ContactRequest]
    partnerships: list[Partnership]
    messages: list[Message]
    applications: list[Application]
    recommended: list[tuple[Cluster, list[PanelEntry]]]


@dataclass
class JurorView:
    to_review: list[Application]
    reviewed: list[Application]


@dataclass
class OfficerView:
    claims: list[ClusterClaim]
    claims_total: int
    awaiting: list[Application]
    sketches: list[Application]


@dataclass
class Dashboard:
    claims: list[ClusterClaim] = field(default_factory=list)
    manager: ManagerView | None = None
    juror: JurorView | None = None
    officer: OfficerView | None = None

    @property
    def is_empty(self) -> bool:
        return self.manager is None and self.juror is None and self.officer is None


def _manager_view(user: User, clusters: list[Cluster]) -> ManagerView:
    inbox = cooperation.contact_request_inbox(user)
    ids = [cluster.pk for cluster in clusters]
    partnerships = list(
        cooperation.partnerships_visible_to(user)
        .filter(Q(german_cluster__in=ids) | Q(partner_cluster__in=ids))
        .order_by("-stage_since", "-pk")[:LIST_SIZE]
    )
    return ManagerView(
        clusters=clusters,
        received=inbox.received[:LIST_SIZE],
        sent=inbox.sent[:LIST_SIZE],
        partnerships=partnerships,
        messages=cooperation.latest_messages_for(user),
        applications=list(programme.applications_of_applicant(user)[:LIST_SIZE]),
        recommended=[(c, list(profile_panel(cluster=c).partners[:3])) for c in clusters[:3]],
    )


def _juror_view(user: User) -> JurorView:
    rows = programme.assignments_of_juror(user)
    return JurorView(
        # Only sketches still before the panel can be reviewed.
        to_review=[a for a, done in rows if not done and a.state == ApplicationState.SUBMITTED],
        reviewed=[a for a, done in rows if done],
    )


def _officer_view(user: User) -> OfficerView:
    queue = account_selectors.claims_to_review(user)
    visible = programme.applications_visible_to(user)
    return OfficerView(
        claims=list(queue[:LIST_SIZE]),
        claims_total=queue.count(),
        awaiting=list(
            visible.filter(
                state__in=[ApplicationState.FORMAL_SUBMITTED, ApplicationState.AGENCY_REVIEW]
            )[:LIST_SIZE]
        ),
        sketches=list(visible.filter(state=ApplicationState.SUBMITTED)[:LIST_SIZE]),
    )


def dashboard_for(user: User) -> Dashboard:
    clusters = list(clusters_editable_by(user).order_by("name"))
    return Dashboard(
        claims=list(
            account_selectors.claims_of(user).exclude(state=ClusterClaim.State.APPROVED)[:LIST_SIZE]
        ),
        manager=_manager_view(user, clusters) if clusters else None,
        juror=_juror_view(user) if programme.is_juror(user) else None,
        officer=_officer_view(user) if programme.is_officer(user) else None,
    )
