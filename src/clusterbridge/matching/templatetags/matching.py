"""`{% matching_profile_panel cluster %}`: the matchmaking section of a cluster's profile."""

from __future__ import annotations

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from clusterbridge.clusters.models import Cluster
from clusterbridge.matching import explain, selectors
from clusterbridge.taxonomy import geo

register = template.Library()


@register.simple_tag(takes_context=True)
def matching_profile_panel(context: template.Context, cluster: Cluster) -> SafeString:
    """Five best partners abroad and five most similar clusters, from the shared cache (no
    query on a cache hit), each a link; or what to fill in where matching cannot work yet."""
    panel = selectors.profile_panel(cluster=cluster)
    return render_to_string(
        "matching/_panel.html",
        {
            "cluster": cluster,
            "partners": [(e, geo.country_name(e.country)) for e in panel.partners],
            "similar": [(e, geo.country_name(e.country)) for e in panel.similar],
            "missing_help": explain.missing_help(
                [m for m in panel.missing if m in {"competences", "fields"}]
            ),
        },
        request=context.get("request"),
    )
