"""Small display filters for the programme's pages."""

from __future__ import annotations

from django import template

from clusterbridge.programme.enums import audit_action_label
from clusterbridge.taxonomy.geo import country_name, is_country

register = template.Library()


@register.filter
def country(code: str) -> str:
    """A country's name in the current language (the code itself when unknown)."""
    return country_name(code) if code and is_country(code) else code


@register.filter
def audit_label(action: str) -> str:
    """The audit action as a sentence in the reader's language."""
    return str(audit_action_label(action))
