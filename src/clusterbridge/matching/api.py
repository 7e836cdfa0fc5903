"""Matchmaking in the API: `GET /api/v1/clusters/{slug}/partners` (mounted beside the clusters
router, see api/root.py) and the matching router under /api/v1/matching."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils import translation
from ninja import Query, Router
from ninja.errors import ValidationError as NinjaValidationError

from clusterbridge.api.problems import problem_responses
from clusterbridge.matching import explain, selectors
from clusterbridge.matching.forms import partner_search_parse
from clusterbridge.matching.schemas import PartnerListOut, PartnerQuery

router = Router(tags=["matching"])
clusters_router = Router(tags=["matching"])


@clusters_router.get(
    "/{slug}/partners",
    response=PartnerListOut,
    url_name="cluster_partners",
    openapi_extra=problem_responses(404, 422),
)
def cluster_partners(request: HttpRequest, slug: str, params: Query[PartnerQuery]) -> Any:
    """The cluster's best complementary partners abroad, best first, each with its score
    parts and an explanation. Unknown filter values are refused (422), never ignored."""
    search = partner_search_parse(
        countries=params.country,
        regions=params.region,
        fields=params.field,
        kinds=params.kind,
        exclude_partners=params.exclude_partners,
        limit=params.limit,
    )
    if search.errors:
        raise NinjaValidationError(
            [{"loc": ("query", name), "msg": message} for name, message in search.errors.items()]
        )
    cluster = selectors.cluster_by_slug(slug=slug)
    language = params.lang or translation.get_language() or "en"
    with translation.override(language):
        recommendations = selectors.partners_for(
            cluster=cluster,
            filters=search.filters,
            exclude_partners=search.exclude_partners,
            limit=search.limit,
        )
        partners = [
            {
                "rank": rank,
                "slug": m.candidate.slug,
                "name": m.candidate.name,
                "country": m.candidate.country,
                "kind": m.candidate.kind,
                "url": reverse("clusters:detail", kwargs={"slug": m.candidate.slug}),
                "score": m.score,
                "parts": m.parts,
                "explanation": explain.sentences(m, recommendations.labels),
                "shared_fields": list(m.shared_fields),
                "strong_roles": list(m.strong_roles),
                "offers_sought": [asdict(p) for p in m.offers_sought],
                "sought_offered": [asdict(p) for p in m.sought_offered],
                "same_offers": [asdict(p) for p in m.same_offers],
            }
            for rank, m in enumerate(recommendations.matches, start=1)
        ]
        message = explain.missing_help(recommendations.missing)
    return {
        "cluster": cluster.slug,
        "count": len(partners),
        "missing": recommendations.missing,
        "message": message,
        "partners": partners,
    }
