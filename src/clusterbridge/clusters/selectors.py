"""Reads of the cluster landscape. Lists, pages, the API and exports all start here."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from clusterbridge.accounts.models import User
from clusterbridge.clusters.enums import ClusterKind, Direction
from clusterbridge.clusters.models import (
    Cluster,
    Competence,
    FundingSource,
    Label,
    MemberCount,
)
from clusterbridge.clusters.records import ClusterRecord, CompetenceRecord
from clusterbridge.taxonomy import geo
from clusterbridge.taxonomy.models import Branch, TechnologyField, ValueChainRole


@dataclass(frozen=True)
class ClusterFilters:
    """Filters of the cluster list; several values of one filter widen the list (OR)."""

    countries: tuple[str, ...] = ()
    fields: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    query: str = ""
    errors: dict[str, str] = field(default_factory=dict, compare=False)


def cluster_filters_parse(
    *,
    countries: list[str] | None = None,
    fields: list[str] | None = None,
    kinds: list[str] | None = None,
    regions: list[str] | None = None,
    query: str = "",
) -> ClusterFilters:
    """Normalises filter values; unknown values are collected as errors instead of ignored."""
    errors: dict[str, str] = {}
    clean_countries = tuple(sorted({c.strip().upper() for c in countries or [] if c.strip()}))
    bad = [c for c in clean_countries if not geo.is_country(c)]
    if bad:
        errors["country"] = _("Unknown country code: %(codes)s") % {"codes": ", ".join(bad)}
    clean_kinds = tuple(sorted({k.strip() for k in kinds or [] if k.strip()}))
    bad = [k for k in clean_kinds if k not in ClusterKind.values]
    if bad:
        errors["kind"] = _("Unknown kind: %(kinds)s") % {"kinds": ", ".join(bad)}
    clean_regions = tuple(sorted({r.strip().upper() for r in regions or [] if r.strip()}))
    bad = [r for r in clean_regions if not geo.is_subdivision(r)]
    if bad:
        errors["region"] = _("Unknown region code: %(codes)s") % {"codes": ", ".join(bad)}
    clean_fields = tuple(sorted({f.strip() for f in fields or [] if f.strip()}))
    if clean_fields:
        known = set(
            TechnologyField.objects.filter(slug__in=clean_fields).values_list("slug", flat=True)
        )
        bad = [f for f in clean_fields if f not in known]
        if bad:
            errors["field"] = _("Unknown technology field: %(fields)s") % {"fields": ", ".join(bad)}
    return ClusterFilters(
        countries=clean_countries,
        fields=clean_fields,
        kinds=clean_kinds,
        regions=clean_regions,
        query=query.strip()[:200],
        errors=errors,
    )


def cluster_list(*, filters: ClusterFilters | None = None) -> QuerySet[Cluster]:
    """Clusters for list pages and the API, with what a list row shows prefetched."""
    filters = filters or ClusterFilters()
    queryset = Cluster.objects.select_related("management_organisation").prefetch_related(
        "technology_fields"
    )
    if filters.countries:
        queryset = queryset.filter(country__in=filters.countries)
    if filters.kinds:
        queryset = queryset.filter(kind__in=filters.kinds)
    if filters.regions:
        queryset = queryset.filter(region__in=filters.regions)
    if filters.fields:
        queryset = queryset.filter(
            pk__in=Cluster.technology_fields.through.objects.filter(
                technologyfield__slug__in=filters.fields
            ).values("cluster_id")
        )
    if filters.query:
        queryset = queryset.filter(
            Q(name__icontains=filters.query) | Q(acronym__icontains=filters.query)
        )
    return queryset.order_by("name", "pk")


def cluster_get(*, slug: str) -> Cluster:
    """One cluster with everything its profile shows, or 404."""
    cluster = (
        Cluster.objects.select_related("management_organisation")
        .prefetch_related(
            "technology_fields__branch",
            "branches",
            "value_chain_roles",
            "labels",
            "funding_sources",
            "management_organisation__contacts",
            Prefetch(
                "competences",
                queryset=Competence.objects.select_related("technology_field", "value_chain_role"),
            ),
            Prefetch("member_counts", queryset=MemberCount.objects.select_related("member_type")),
        )
        .filter(slug=slug)
        .first()
    )
    if cluster is None:
        raise Http404(_("No cluster with the address “%(slug)s”.") % {"slug": slug[:120]})
    return cluster


def competences_of(cluster: Cluster, direction: Direction) -> list[Competence]:
    """Uses the prefetched competences of `cluster_get`, so a profile costs no extra query."""
    return [c for c in cluster.competences.all() if c.direction == direction]


def clusters_editable_by(user: User) -> QuerySet[Cluster]:
    if not user.is_authenticated or not user.is_active:
        return Cluster.objects.none()
    if user.is_superuser:
        return Cluster.objects.all()
    return Cluster.objects.filter(managers=user)


def landscape_counts() -> dict[str, int]:
    """The figures on the home page."""
    totals = Cluster.objects.aggregate(
        clusters=Count("pk"),
        german=Count("pk", filter=Q(country="DE")),
        countries=Count("country", distinct=True),
    )
    totals["fields"] = TechnologyField.objects.filter(clusters__isnull=False).distinct().count()
    totals["international"] = totals["clusters"] - totals["german"]
    return totals


def _collation_key(text: str) -> str:
    """Sorts Österreich with the O's, as German readers expect."""
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().casefold()


LANDSCAPE_VERSION_KEY = "clusters:landscape-version"
FACET_CACHE_SECONDS = 600


def landscape_version() -> int:
    """A number that changes with every write to the landscape (see services), so cached
    counts are dropped by writes instead of going stale."""
    version = cache.get(LANDSCAPE_VERSION_KEY)
    if version is None:
        version = 1
        cache.add(LANDSCAPE_VERSION_KEY, version, timeout=None)
    return int(version)


def cluster_counts_by_country() -> dict[str, int]:
    def count() -> dict[str, int]:
        rows = Cluster.objects.values("country").annotate(n=Count("pk"))
        return dict(rows.values_list("country", "n"))

    key = f"clusters:country-counts:{landscape_version()}"
    return dict(cache.get_or_set(key, count, FACET_CACHE_SECONDS) or {})


def _field_counts() -> dict[int, int]:
    def count() -> dict[int, int]:
        through = Cluster.technology_fields.through.objects
        rows = through.values("technologyfield_id").annotate(n=Count("pk"))
        return {row["technologyfield_id"]: row["n"] for row in rows}

    key = f"clusters:field-counts:{landscape_version()}"
    return dict(cache.get_or_set(key, count, FACET_CACHE_SECONDS) or {})


def country_facets() -> list[tuple[str, str, int]]:
    """(code, name in the active language, cluster count), sorted by name."""
    counts = cluster_counts_by_country()
    facets = [(code, geo.country_name(code), count) for code, count in counts.items()]
    return sorted(facets, key=lambda facet: _collation_key(facet[1]))


def field_facets() -> list[tuple[TechnologyField, int]]:
    """Technology fields that clusters use, with counts, sorted by label in the active language."""
    counts = _field_counts()
    fields = TechnologyField.objects.filter(pk__in=list(counts))
    return sorted(
        ((field_, counts[field_.pk]) for field_ in fields),
        key=lambda item: _collation_key(item[0].label),
    )


def cluster_records(*, queryset: QuerySet[Cluster] | None = None) -> Iterator[ClusterRecord]:
    """Clusters as exchange records, ordered by slug, streamed in chunks with their relations.

    Related lists come in a fixed order (slugs, names, competence positions), so that an
    export, re-imported and exported again, gives the same file.
    """
    queryset = (queryset if queryset is not None else Cluster.objects.all()).order_by("slug")
    queryset = queryset.select_related("management_organisation").prefetch_related(
        Prefetch("technology_fields", queryset=TechnologyField.objects.order_by("slug")),
        Prefetch("branches", queryset=Branch.objects.order_by("slug")),
        Prefetch("value_chain_roles", queryset=ValueChainRole.objects.order_by("position")),
        Prefetch("labels", queryset=Label.objects.order_by("name", "slug")),
        Prefetch("funding_sources", queryset=FundingSource.objects.order_by("name", "slug")),
        Prefetch(
            "competences",
            queryset=Competence.objects.select_related(
                "technology_field", "value_chain_role"
            ).order_by("direction", "position", "pk"),
        ),
        Prefetch(
            "member_counts",
            queryset=MemberCount.objects.select_related("member_type").order_by(
                "member_type__slug"
            ),
        ),
    )
    for cluster in queryset.iterator(chunk_size=1000):
        yield cluster_as_record(cluster)


def _competence_record(competence: Competence) -> CompetenceRecord:
    return CompetenceRecord(
        phrase=competence.phrase,
        language=competence.language,
        technology_field=competence.technology_field.slug if competence.technology_field else None,
        value_chain_role=competence.value_chain_role.slug if competence.value_chain_role else None,
        provenance=competence.provenance,
    )


def cluster_as_record(cluster: Cluster) -> ClusterRecord:
    organisation = cluster.management_organisation
    competences = list(cluster.competences.all())
    return ClusterRecord(
        slug=cluster.slug,
        name=cluster.name,
        kind=cluster.kind,
        country=cluster.country,
        acronym=cluster.acronym,
        kind_original=cluster.kind_original,
        region=cluster.region,
        region_name=cluster.region_name,
        city=cluster.city,
        latitude=cluster.latitude,
        longitude=cluster.longitude,
        location_precision=cluster.location_precision,
        website=cluster.website,
        members_approx=cluster.members_approx,
        management_organisation=organisation.name if organisation else "",
        management_website=organisation.website if organisation else "",
        management_email=organisation.email if organisation else "",
        management_phone=organisation.phone if organisation else "",
        description_en=cluster.description_en,
        description_de=cluster.description_de,
        technology_fields=[f.slug for f in cluster.technology_fields.all()],
        branches=[b.slug for b in cluster.branches.all()],
        value_chain_roles=[r.slug for r in cluster.value_chain_roles.all()],
        labels=[label.name for label in cluster.labels.all()],
        funding_sources=[source.name for source in cluster.funding_sources.all()],
        competences_offered=[
            _competence_record(c) for c in competences if c.direction == Direction.OFFERS
        ],
        competences_sought=[
            _competence_record(c) for c in competences if c.direction == Direction.SEEKS
        ],
        member_counts={m.member_type.slug: m.count for m in cluster.member_counts.all()},
        field_terms=list(cluster.field_terms),
        keywords=list(cluster.keywords),
        sources=list(cluster.sources),
    )


BAR_ROW_HEIGHT = 26
BAR_MAX_WIDTH = 200


def member_mix(cluster: Cluster) -> list[dict[str, object]]:
    """Bars of the member-mix chart from the prefetched member counts, laid out for an SVG."""
    counts = [(m.member_type.label, m.count) for m in cluster.member_counts.all()]
    largest = max((count for _label, count in counts), default=0)
    return [
        {
            "label": label,
            "count": count,
            "width": round(BAR_MAX_WIDTH * count / largest) if largest else 0,
            "y": index * BAR_ROW_HEIGHT,
        }
        for index, (label, count) in enumerate(counts)
    ]
