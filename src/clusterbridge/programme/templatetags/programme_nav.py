"""`{% programme_nav %}`: the programme's entries in the main navigation, by role: everybody
sees "Programme"; managers of a German cluster "My applications"; jury members "Reviews";
programme officers "Programme office"."""

from __future__ import annotations

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from clusterbridge.clusters.models import Cluster
from clusterbridge.programme import selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def programme_nav(context: template.Context) -> SafeString:
    request = context.get("request")
    user = getattr(request, "user", None)
    active = user is not None and user.is_authenticated and user.is_active
    match = getattr(request, "resolver_match", None)
    current = match.url_name if match is not None and match.app_name == "programme" else None
    entries = {
        "is_applicant": active and Cluster.objects.filter(managers=user, country="DE").exists(),
        "is_juror": active and selectors.is_juror(user),
        "is_officer": active and selectors.is_officer(user),
        "current": current,
    }
    return mark_safe(render_to_string("programme/_nav.html", entries))  # noqa: S308
