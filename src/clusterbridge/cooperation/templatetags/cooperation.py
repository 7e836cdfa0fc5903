"""`{% cooperation_profile_panel cluster %}`: the partnerships section of a cluster's profile;
`{{ user|person_name }}`: a person's name, or "former user" for an account that is gone."""

from __future__ import annotations

from django import template
from django.contrib.auth.models import AnonymousUser
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from clusterbridge.accounts.models import User, display_name
from clusterbridge.clusters.models import Cluster
from clusterbridge.cooperation import selectors

register = template.Library()


@register.filter
def person_name(user: User | None) -> str:
    return display_name(user)


@register.simple_tag(takes_context=True)
def cooperation_profile_panel(context: template.Context, cluster: Cluster) -> SafeString:
    """Partnerships with their stage and since when; for the cluster's managers a link to their
    contact requests, for managers of a cluster that could partner with it a button to send one."""
    request = context.get("request")
    user = getattr(request, "user", None) or AnonymousUser()
    partnerships = [
        {"partnership": partnership, "other": partnership.other_side(cluster)}
        for partnership in selectors.partnerships_of(cluster=cluster, user=user)
    ]
    managed = selectors.managed_cluster_ids(user)
    is_manager = cluster.pk in managed
    html = render_to_string(
        "cooperation/_profile_panel.html",
        {
            "cluster": cluster,
            "partnerships": partnerships,
            "is_manager": is_manager,
            "open_count": selectors.open_request_count(cluster=cluster) if is_manager else 0,
            "senders": selectors.clusters_to_contact_from(user=user, target=cluster)
            if managed and not is_manager
            else [],
        },
        request=request,
    )
    return SafeString(html)
