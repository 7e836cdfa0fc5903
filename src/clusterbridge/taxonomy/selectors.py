"""Reads of the controlled vocabularies and of countries and regions, for the API and forms."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pycountry
from django.core.exceptions import ValidationError
from django.db.models import Count, F, QuerySet
from django.utils import translation
from django.utils.translation import gettext as _

from clusterbridge.taxonomy import geo
from clusterbridge.taxonomy.models import Branch, MemberType, TechnologyField, ValueChainRole


def technology_field_list() -> QuerySet[TechnologyField]:
    """Fields with their branch slug and how many clusters work in them, in one query.

    The count follows the reverse relation that `clusters` declares, so this leaf app
    counts clusters without importing them.
    """
    return TechnologyField.objects.annotate(
        branch_slug=F("branch__slug"), cluster_count=Count("clusters", distinct=True)
    ).order_by("slug")


def branch_list() -> QuerySet[Branch]:
    """Branches with the number of clusters tagged with each, in one query."""
    return Branch.objects.annotate(cluster_count=Count("clusters", distinct=True)).order_by("slug")


def value_chain_role_list() -> QuerySet[ValueChainRole]:
    """Roles in value-chain order (research first), which is the order people read them in."""
    return ValueChainRole.objects.order_by("position", "slug")


def member_type_list() -> QuerySet[MemberType]:
    return MemberType.objects.order_by("position", "slug")


def technology_fields_by_slugs(*, slugs: Sequence[str]) -> list[TechnologyField]:
    """The fields a client named, in the order named; unknown slugs are an error, not ignored,
    so that a typo never silently drops a field from a profile."""
    wanted = list(dict.fromkeys(slug.strip() for slug in slugs if slug.strip()))
    found = {f.slug: f for f in TechnologyField.objects.filter(slug__in=wanted)}
    unknown = [slug for slug in wanted if slug not in found]
    if unknown:
        raise ValidationError(
            {
                "technology_fields": _("Unknown technology field: %(fields)s")
                % {"fields": ", ".join(unknown)}
            }
        )
    return [found[slug] for slug in wanted]


@dataclass(frozen=True)
class CountryRow:
    code: str
    name_en: str
    name_de: str
    cluster_count: int


def country_list(*, cluster_counts: Mapping[str, int], include_all: bool) -> list[CountryRow]:
    """Countries with their names in both languages, ordered by code.

    The counts come from the caller (the clusters app knows its clusters), which keeps the
    taxonomy free of imports from the apps built on it. Without `include_all` only countries
    that have clusters are listed.
    """
    codes = sorted(geo.country_codes()) if include_all else sorted(cluster_counts)
    with translation.override("en"):
        names_en = {code: geo.country_name(code) for code in codes}
    with translation.override("de"):
        names_de = {code: geo.country_name(code) for code in codes}
    return [
        CountryRow(code, names_en[code], names_de[code], cluster_counts.get(code, 0))
        for code in codes
    ]


@dataclass(frozen=True)
class RegionRow:
    code: str
    country: str
    type: str
    parent: str
    name: str
    name_en: str
    name_de: str


def region_list(*, country: str) -> list[RegionRow]:
    """ISO 3166-2 subdivisions of a country, ordered by code.

    `name` is the name in the country's own language (pycountry); `name_en` and `name_de` use
    the exonyms where there are any (Bavaria, Bayern) and fall back to the local name.
    Raises ValidationError for an unknown country, so the caller can say which one.
    """
    code = country.strip().upper()
    if not geo.is_country(code):
        raise ValidationError(
            {"country": _("Unknown country code: %(codes)s") % {"codes": country[:10]}}
        )
    subdivisions = sorted(
        pycountry.subdivisions.get(country_code=code) or [], key=lambda s: str(s.code)
    )
    rows = []
    for subdivision in subdivisions:
        with translation.override("en"):
            name_en = geo.subdivision_name(subdivision.code)
        with translation.override("de"):
            name_de = geo.subdivision_name(subdivision.code)
        parent = getattr(subdivision, "parent_code", None) or ""
        rows.append(
            RegionRow(
                code=str(subdivision.code),
                country=code,
                type=str(subdivision.type),
                parent=str(parent),
                name=str(subdivision.name),
                name_en=name_en,
                name_de=name_de,
            )
        )
    return rows
