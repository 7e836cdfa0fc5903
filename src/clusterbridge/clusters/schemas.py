"""API shapes of clusters: separate In and Out schemas, so what a client may write is never
inferred from what it may read."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from ninja import Field, Schema
from pydantic import ConfigDict, field_validator

from clusterbridge.clusters.enums import ClusterKind, Direction
from clusterbridge.clusters.models import Cluster, Competence
from clusterbridge.clusters.selectors import competences_of
from clusterbridge.clusters.services import PROFILE_FIELDS
from clusterbridge.clusters.validators import normalise_website
from clusterbridge.taxonomy import geo

# --- query parameters -------------------------------------------------------------------------


class ClusterFilterQuery(Schema):
    """Filters of the cluster list: several values of one filter widen it (OR), different
    filters narrow it (AND). Values are checked by `cluster_filters_parse`, not here, so the
    page, the API and the CLI refuse the same values with the same messages."""

    country: list[str] = Field(
        default_factory=list, description="ISO 3166-1 alpha-2 code, e.g. DE. Repeatable."
    )
    field: list[str] = Field(
        default_factory=list,
        description="Technology field slug (see /taxonomy/fields). Repeatable.",
    )
    kind: list[str] = Field(
        default_factory=list,
        description="Cluster kind. Repeatable.",
        json_schema_extra={"items": {"type": "string", "enum": list(ClusterKind.values)}},
    )
    region: list[str] = Field(
        default_factory=list, description="ISO 3166-2 code, e.g. DE-BY. Repeatable."
    )
    q: str = Field("", description="Text in the name or acronym.")

    @field_validator("country", "field", "kind", "region")
    @classmethod
    def _no_empty_values(cls, values: list[str]) -> list[str]:
        # The page drops the empty values a form sends; an API client sending one has a bug.
        if any(not value for value in values):
            raise ValueError("an empty value is not a valid filter")
        return values


class ClusterListQuery(ClusterFilterQuery):
    page: int = Field(1, ge=1)
    page_size: int = Field(20, ge=1, le=settings.API_PAGE_SIZE_MAX)


# --- output -----------------------------------------------------------------------------------


def _request(context: Any) -> HttpRequest:
    request: HttpRequest = context["request"]
    return request


def cluster_api_url(request: HttpRequest, slug: str) -> str:
    return request.build_absolute_uri(reverse("api-v1:cluster_detail", kwargs={"slug": slug}))


class TermOut(Schema):
    """A vocabulary term; `label` is in the request's language (Accept-Language)."""

    slug: str
    label: str


class NamedOut(Schema):
    slug: str
    name: str


class ClusterListOut(Schema):
    slug: str
    name: str
    acronym: str
    kind: str
    kind_label: str
    country: str
    country_name: str
    region: str
    city: str
    latitude: float | None
    longitude: float | None
    technology_fields: list[TermOut]
    url: str = Field(description="The cluster's page on the web.")
    api_url: str

    @staticmethod
    def resolve_kind_label(obj: Cluster) -> str:
        return str(ClusterKind(obj.kind).label)

    @staticmethod
    def resolve_country_name(obj: Cluster) -> str:
        return geo.country_name(obj.country)

    @staticmethod
    def resolve_url(obj: Cluster, context: Any) -> str:
        return _request(context).build_absolute_uri(obj.get_absolute_url())

    @staticmethod
    def resolve_api_url(obj: Cluster, context: Any) -> str:
        return cluster_api_url(_request(context), obj.slug)


class ClusterPageOut(Schema):
    count: int
    page: int
    page_size: int
    next: str | None
    previous: str | None
    results: list[ClusterListOut]


class ContactOut(Schema):
    name: str
    role: str
    email: str
    phone: str


class ManagementOrganisationOut(Schema):
    name: str
    website: str
    email: str
    phone: str
    address: str
    contacts: list[ContactOut]


class CompetenceOut(Schema):
    phrase: str
    language: str
    technology_field: TermOut | None
    value_chain_role: TermOut | None
    provenance: str


class MemberCountOut(Schema):
    slug: str = Field(description="Member type slug (see /taxonomy/member-types).")
    label: str
    count: int


class ClusterDetailOut(ClusterListOut):
    kind_original: str
    region_name: str = Field(description="Region or city as the source wrote it.")
    region_label: str = Field(description="Name of the ISO 3166-2 region, or empty.")
    location_precision: str
    website: str
    description_en: str
    description_de: str
    management_organisation: ManagementOrganisationOut | None
    branches: list[TermOut]
    value_chain_roles: list[TermOut]
    labels: list[NamedOut]
    funding_sources: list[NamedOut]
    competences_offered: list[CompetenceOut]
    competences_sought: list[CompetenceOut]
    member_counts: list[MemberCountOut]
    members_approx: int | None
    field_terms: list[str]
    keywords: list[str]
    sources: list[str]
    updated_at: datetime

    @staticmethod
    def resolve_region_label(obj: Cluster) -> str:
        return geo.subdivision_name(obj.region) if obj.region else ""

    @staticmethod
    def resolve_competences_offered(obj: Cluster) -> list[Competence]:
        return competences_of(obj, Direction.OFFERS)

    @staticmethod
    def resolve_competences_sought(obj: Cluster) -> list[Competence]:
        return competences_of(obj, Direction.SEEKS)

    @staticmethod
    def resolve_member_counts(obj: Cluster) -> list[dict[str, Any]]:
        return [
            {"slug": m.member_type.slug, "label": m.member_type.label, "count": m.count}
            for m in obj.member_counts.all()
        ]


# --- input ------------------------------------------------------------------------------------

_TEXT_FIELDS = frozenset(PROFILE_FIELDS) - {"members_approx"}


class ClusterProfileIn(Schema):
    """A partial profile: only the keys sent are changed; `null` clears a field.

    Only types are checked here. Lengths, URLs and required fields are the model's rules,
    checked by the service, so their errors name the field the same way everywhere.
    """

    model_config = ConfigDict(extra="forbid")

    name: str | None = None
    acronym: str | None = None
    website: str | None = Field(None, description="http(s) address; `https://` is added.")
    city: str | None = None
    members_approx: int | None = None
    description_en: str | None = None
    description_de: str | None = None
    technology_fields: list[str] | None = Field(
        None, description="Technology field slugs; replaces the cluster's fields."
    )
    competences_offered: list[str] | None = Field(
        None, description="Short phrases; replaces the list, keeping unchanged phrases."
    )
    competences_sought: list[str] | None = Field(
        None, description="Short phrases; replaces the list, keeping unchanged phrases."
    )

    @field_validator("website")
    @classmethod
    def _website_with_scheme(cls, value: str | None) -> str | None:
        # The same normalisation as the page's form: people write `example.org`.
        return normalise_website(value) if value is not None else None

    def profile_data(self) -> dict[str, Any]:
        """The profile fields the client sent, as `cluster_update_profile` takes them."""
        sent = self.model_dump(exclude_unset=True, include=set(PROFILE_FIELDS))
        return {
            key: ("" if value is None and key in _TEXT_FIELDS else value)
            for key, value in sent.items()
        }

    def list_sent(self, name: str) -> list[str] | None:
        """A list field as sent; None when absent, [] when sent as null (clear it)."""
        if name not in self.model_fields_set:
            return None
        value: list[str] | None = getattr(self, name)
        return value if value is not None else []


class RowErrorOut(Schema):
    row: int = Field(description="CSV line where the row starts, or the JSON list position.")
    column: str
    message: str


class ImportReportOut(Schema):
    rows: int
    created: int
    updated: int
    skipped: list[RowErrorOut] = Field(description="Rows left out with `skip_invalid`.")
