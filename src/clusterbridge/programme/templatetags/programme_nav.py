"""`{% programme_nav %}`: the programme's entries in the main navigation, by role: everybody
sees "Programme"; managers of a German cluster "My applications"; jury members "Reviews";
programme officers "Programme office"."""

from __future__ import annotations

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from clusterbridge.accounts.enums import Role
from clusterbridge.clusters.models import Cluster

register = template.Library()


@register.simple_tag(takes_context=True)
def programme_nav(context: template.Context) -> SafeString:
    request = context.get("request")
    user = getattr(request, "user", None)
    active = bool(user is not None and user.is_authenticated and user.is_active)
    match = getattr(request, "resolver_match", None)
    current = match.url_name if match is not None and match.app_name == "programme" else None
    # Roles as `User.has_role` decides them, in one query on every page; one more for managing.
    roles: set[str] = set()
    if active:
        roles = set(user.groups.values_list("name", flat=True))  # type: ignore[union-attr]
        if user.is_superuser:  # type: ignore[union-attr]
            roles |= {Role.JURY_MEMBER.value, Role.PROGRAMME_OFFICER.value}
    entries = {
        "is_applicant": active and Cluster.objects.filter(managers=user, country="DE").exists(),
        "is_juror": Role.JURY_MEMBER.value in roles,
        "is_officer": Role.PROGRAMME_OFFICER.value in roles,
        "current": current,
    }
    return mark_safe(render_to_string("programme/_nav.html", entries))  # noqa: S308
