"""The programme's figures, one selector each. Every page, endpoint and export that shows a
figure asks here, so two pages never disagree; a figure nobody knows is None (shown as
unknown), never a default number; and each figure carries what a reader needs to see why it
may differ from a neighbouring one (announced vs. named, the round's own target vs. the
programme's, requests vs. grants).

These are reads (selectors); they live apart from `selectors` to keep that module navigable."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from clusterbridge.programme.enums import ApplicationState
from clusterbridge.programme.models import Application, Grant, Round

# Recommended by the panel and not declined later: what "selected" means in every figure.
SELECTED_STATES = frozenset(
    {
        ApplicationState.RECOMMENDED,
        ApplicationState.FORMAL_SUBMITTED,
        ApplicationState.AGENCY_REVIEW,
        ApplicationState.APPROVED,
    }
)


# Target -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """How many clusters a round means to select. `own` is False where the round sets no
    target and the programme's target per round applies (the page says so)."""

    value: int
    own: bool


def round_target(round: Round) -> Target:
    if round.target_selected is not None:
        return Target(value=round.target_selected, own=True)
    return Target(value=round.programme.target_per_round, own=False)


# Clusters selected --------------------------------------------------------------------------------


@dataclass(frozen=True)
class SelectionCount:
    """How many clusters a round selected. `announced` is the published figure (None where
    unknown); `listed` the selections recorded here, which for past rounds are those the
    sources name; `inferred` of those, selections the sources only suggest. The two differ
    when the sources announced more selections than they name."""

    announced: int | None
    listed: int
    inferred: int

    @property
    def value(self) -> int:
        """The figure to state first: the announced one where known."""
        return self.announced if self.announced is not None else self.listed

    @property
    def differs(self) -> bool:
        return self.announced is not None and self.announced != self.listed


def round_selected(*, round: Round) -> list[Application]:
    """The applications a round selected, by cluster name (public facts; `is_sample` and
    `selection_inferred` say how sure each is)."""
    return list(
        Application.objects.filter(round=round, state__in=SELECTED_STATES)
        .select_related("cluster", "round")
        .order_by("cluster__name")
    )


def round_selection_count(
    *, round: Round, selected: Sequence[Application] | None = None
) -> SelectionCount:
    """The selection figure of `round`; pass `selected` (from `round_selected`) where the
    caller has it already, to save the query."""
    chosen = round_selected(round=round) if selected is None else selected
    return SelectionCount(
        announced=round.selected_published,
        listed=len(chosen),
        inferred=sum(1 for application in chosen if application.selection_inferred),
    )


# Money --------------------------------------------------------------------------------------------


def application_requested_eur(application: Application) -> Decimal | None:
    """The planned budget in all, or None where none is recorded (the real selections of past
    rounds: their requests were never published). Prefetch `budget_lines` for lists."""
    lines = list(application.budget_lines.all())
    if not lines:
        return None
    return sum((line.amount_eur for line in lines), Decimal(0))


@dataclass(frozen=True)
class SelectionMoney:
    """What a round's selected applications requested and were granted. `requested_eur` is
    None when any request is unknown (`unknown_requests` says how many); grants are counted
    where made, `grants_sample` where any of their amounts is invented demo data."""

    requested_eur: Decimal | None
    unknown_requests: int
    granted_eur: Decimal | None
    grants: int
    grants_sample: bool


def selection_money(applications: Iterable[Application]) -> SelectionMoney:
    """The money figures of the selected among `applications` (prefetch `budget_lines` and
    select `grant`)."""
    chosen = [application for application in applications if application.state in SELECTED_STATES]
    requests = [application_requested_eur(application) for application in chosen]
    known = [amount for amount in requests if amount is not None]
    grants: list[Grant] = []
    for application in chosen:
        try:
            grants.append(application.grant)
        except Grant.DoesNotExist:
            continue
    return SelectionMoney(
        requested_eur=sum(known, Decimal(0)) if len(known) == len(requests) else None,
        unknown_requests=len(requests) - len(known),
        granted_eur=sum((grant.amount_eur for grant in grants), Decimal(0)) if grants else None,
        grants=len(grants),
        grants_sample=any(grant.is_sample for grant in grants),
    )
