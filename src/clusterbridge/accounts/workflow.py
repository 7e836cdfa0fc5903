"""A cluster claim's life, written once: its states, the moves allowed from each, and who may
make them. Services move claims only through `claim_can_move`; pages ask the same."""

from __future__ import annotations

from clusterbridge.accounts.models import ClusterClaim

State = ClusterClaim.State

OPEN_STATES = frozenset({State.AWAITING_ADDRESS, State.AWAITING_REVIEW})

VALID_NEXT_STATES: dict[str, frozenset[str]] = {
    # Confirming the address approves; the claimant may give up.
    State.AWAITING_ADDRESS: frozenset({State.APPROVED, State.WITHDRAWN}),
    # Officers or staff decide; the claimant may give up.
    State.AWAITING_REVIEW: frozenset({State.APPROVED, State.REJECTED, State.WITHDRAWN}),
    State.APPROVED: frozenset(),
    State.REJECTED: frozenset(),
    State.WITHDRAWN: frozenset(),
}


def claim_can_move(claim: ClusterClaim, to: str) -> bool:
    return to in VALID_NEXT_STATES[claim.state]
