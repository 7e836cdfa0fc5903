"""API shapes of matchmaking."""

from __future__ import annotations

from typing import Literal

from ninja import Field, Schema

from clusterbridge.clusters.schemas import ClusterFilterQuery
from clusterbridge.matching.selectors import LIMIT_MAX


class PartnerQuery(ClusterFilterQuery):
    exclude_partners: bool = Field(False, description="Leave out existing partners.")
    limit: int = Field(20, ge=1, le=LIMIT_MAX, description="How many partners, best first.")
    lang: Literal["en", "de"] | None = Field(
        None, description="Language of the explanations (default: Accept-Language)."
    )


class PhrasePairOut(Schema):
    wanted: str = Field(description="The phrase sought (or, for sameness, the own offer).")
    offered: str
    similarity: float


class PartsOut(Schema):
    shared_domain: float
    offers_sought: float = Field(description="The candidate offers what the cluster seeks.")
    sought_offered: float = Field(description="The cluster offers what the candidate seeks.")
    value_chain: float
    feasibility: float
    sameness: float = Field(description="Penalty: the candidate offers the same.")


class PartnerOut(Schema):
    rank: int
    slug: str
    name: str
    country: str
    kind: str
    url: str
    score: float
    parts: PartsOut
    explanation: list[str]
    shared_fields: list[str]
    strong_roles: list[str]
    offers_sought: list[PhrasePairOut]
    sought_offered: list[PhrasePairOut]
    same_offers: list[PhrasePairOut]


class PartnerListOut(Schema):
    cluster: str
    count: int
    missing: list[str] = Field(
        description="What the cluster's profile lacks for matchmaking (competences, offers, "
        "seeks, fields); with competences or fields missing, the list is empty."
    )
    message: list[str]
    partners: list[PartnerOut]
