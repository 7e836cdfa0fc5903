"""The "Find partners" page of a cluster and its CSV export."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET

from clusterbridge.clusters.enums import ClusterKind
from clusterbridge.clusters.models import Cluster
from clusterbridge.common import spreadsheet
from clusterbridge.matching import explain, selectors
from clusterbridge.matching.engine import PARTS, Match, MatchIndex
from clusterbridge.matching.forms import PartnerSearch, partner_search_parse
from clusterbridge.taxonomy import geo
from clusterbridge.taxonomy.selectors import technology_field_list


@dataclass(frozen=True)
class Row:
    rank: int
    match: Match
    country_name: str
    parts: list[explain.PartRow]
    sentences: list[str]
    contact_url: str | None


def contact_url(source_slug: str, target_slug: str) -> str | None:
    """The cooperation app's contact-request form, where it exists."""
    try:
        return reverse(
            "cooperation:contact_request_create",
            kwargs={"slug": source_slug, "to_slug": target_slug},
        )
    except NoReverseMatch:
        return None


def _search(request: HttpRequest) -> PartnerSearch:
    return partner_search_parse(
        countries=request.GET.getlist("country"),
        regions=request.GET.getlist("region"),
        fields=request.GET.getlist("field"),
        kinds=request.GET.getlist("kind"),
        exclude_partners=request.GET.get("exclude_partners"),
        limit=request.GET.get("limit"),
    )


def _rows(cluster: Cluster, recommendations: selectors.Recommendations) -> list[Row]:
    weights = selectors.weights_get()
    return [
        Row(
            rank=rank,
            match=match,
            country_name=geo.country_name(match.candidate.country),
            parts=explain.part_rows(match, weights),
            sentences=explain.sentences(match, recommendations.labels),
            contact_url=contact_url(cluster.slug, match.candidate.slug),
        )
        for rank, match in enumerate(recommendations.matches, start=1)
    ]


def _choices(index: MatchIndex, own: str) -> dict[str, Any]:
    countries = sorted(
        ((code, geo.country_name(code)) for code in index.country_code if code != own),
        key=lambda item: item[1],
    )
    regions = sorted(
        ((code, f"{geo.subdivision_name(code)} ({code})") for code in index.region_code if code),
        key=lambda item: item[1],
    )
    return {
        "country_choices": countries,
        "region_choices": regions,
        "field_choices": [(f.slug, f.label) for f in technology_field_list()],
        "kind_choices": list(ClusterKind.choices),
    }


@require_GET
def partner_list(request: HttpRequest, slug: str) -> HttpResponse:
    cluster = selectors.cluster_by_slug(slug=slug)
    search = _search(request)
    recommendations = None
    rows: list[Row] = []
    if not search.errors:
        recommendations = selectors.partners_for(
            cluster=cluster,
            filters=search.filters,
            exclude_partners=search.exclude_partners,
            limit=search.limit,
        )
        rows = _rows(cluster, recommendations)
    landscape = selectors.landscape_get()
    context = {
        "cluster": cluster,
        "search": search,
        "recommendations": recommendations,
        "rows": rows,
        "missing_help": explain.missing_help(recommendations.missing if recommendations else []),
        "query": request.GET.urlencode(),
        "can_edit": request.user.has_perm("clusters.change_cluster_profile", cluster),
        "active_filters": sum(
            len(values)
            for values in (
                search.filters.countries,
                search.filters.regions,
                search.filters.fields,
                search.filters.kinds,
            )
        ),
        **_choices(landscape.index, cluster.country),
    }
    return render(request, "matching/partners.html", context, status=400 if search.errors else 200)


@require_GET
def partner_csv(request: HttpRequest, slug: str) -> HttpResponse:
    cluster = selectors.cluster_by_slug(slug=slug)
    search = _search(request)
    if search.errors:
        return HttpResponse(
            "\n".join(search.errors.values()), status=400, content_type="text/plain; charset=utf-8"
        )
    recommendations = selectors.partners_for(
        cluster=cluster,
        filters=search.filters,
        exclude_partners=search.exclude_partners,
        limit=search.limit,
    )
    response = spreadsheet.csv_download(f"partners-{cluster.slug}.csv")
    writer = spreadsheet.Writer(response)
    writer.writerow(["rank", "slug", "name", "country", "score", *PARTS, "explanation"])
    for row in _rows(cluster, recommendations):
        m = row.match
        writer.writerow(
            [
                row.rank,
                m.candidate.slug,
                m.candidate.name,
                m.candidate.country,
                f"{m.score:.4f}",
                *(f"{m.parts[name]:.4f}" for name in PARTS),
                " ".join(row.sentences),
            ]
        )
    if not recommendations.matches and recommendations.missing:
        writer.writerow([])
        writer.writerow(
            [pgettext("CSV row", "Note"), *explain.missing_help(recommendations.missing)]
        )
    return response
