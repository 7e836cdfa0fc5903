"""Read-only vocabularies under /api/v1/taxonomy: what a client may filter by or tag with."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.errors import ValidationError as NinjaValidationError

from clusterbridge.api.problems import problem_responses
from clusterbridge.clusters.selectors import cluster_counts_by_country
from clusterbridge.taxonomy import selectors
from clusterbridge.taxonomy.models import Branch, MemberType, TechnologyField, ValueChainRole
from clusterbridge.taxonomy.schemas import (
    BranchOut,
    CountryOut,
    MemberTypeOut,
    RegionOut,
    TechnologyFieldOut,
    ValueChainRoleOut,
)

router = Router(tags=["taxonomy"])


class CountryQuery(Schema):
    all: bool = Field(False, description="List every ISO country, not only those with clusters.")


class RegionQuery(Schema):
    country: str = Field(description="ISO 3166-1 alpha-2 code of the country, e.g. DE.")


@router.get("/fields", response=list[TechnologyFieldOut], url_name="taxonomy_fields")
def technology_fields(request: HttpRequest) -> QuerySet[TechnologyField]:
    """Technology fields with synonyms in both languages and the number of clusters in each."""
    return selectors.technology_field_list()


@router.get("/branches", response=list[BranchOut], url_name="taxonomy_branches")
def branches(request: HttpRequest) -> QuerySet[Branch]:
    return selectors.branch_list()


@router.get(
    "/value-chain-roles", response=list[ValueChainRoleOut], url_name="taxonomy_value_chain_roles"
)
def value_chain_roles(request: HttpRequest) -> QuerySet[ValueChainRole]:
    return selectors.value_chain_role_list()


@router.get("/member-types", response=list[MemberTypeOut], url_name="taxonomy_member_types")
def member_types(request: HttpRequest) -> QuerySet[MemberType]:
    return selectors.member_type_list()


@router.get(
    "/countries",
    response=list[CountryOut],
    url_name="taxonomy_countries",
    openapi_extra=problem_responses(422),
)
def countries(request: HttpRequest, params: Query[CountryQuery]) -> list[selectors.CountryRow]:
    """Countries with clusters (or all with `?all=true`), named in English and German."""
    counts = cluster_counts_by_country()
    return selectors.country_list(cluster_counts=counts, include_all=params.all)


@router.get(
    "/regions",
    response=list[RegionOut],
    url_name="taxonomy_regions",
    openapi_extra=problem_responses(422),
)
def regions(request: HttpRequest, params: Query[RegionQuery]) -> list[selectors.RegionRow]:
    """ISO 3166-2 subdivisions of one country (federal states for DE)."""
    try:
        return selectors.region_list(country=params.country)
    except ValidationError as exc:
        # A query parameter, so the same shape as ninja's own parameter errors.
        raise NinjaValidationError(
            [{"loc": ("query", "country"), "msg": message} for message in exc.messages]
        ) from None
