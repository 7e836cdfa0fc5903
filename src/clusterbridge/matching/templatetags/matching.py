"""`{% matching_profile_panel cluster %}`: the matchmaking section of a cluster's profile."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString, mark_safe

from clusterbridge.clusters.models import Cluster

register = template.Library()


@register.simple_tag(takes_context=True)
def matching_profile_panel(context: template.Context, cluster: Cluster) -> SafeString:
    return mark_safe("")
