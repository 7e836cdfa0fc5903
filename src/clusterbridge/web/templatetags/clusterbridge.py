from __future__ import annotations

from django import template

from clusterbridge.taxonomy import geo

register = template.Library()


@register.filter
def country_name(code: str) -> str:
    return geo.country_name(code) if code else ""


@register.filter
def region_name(code: str) -> str:
    return geo.subdivision_name(code) if code else ""


@register.filter
def country_numeric(code: str) -> str:
    """ISO 3166-1 numeric code, the id world-atlas gives each country shape."""
    return geo.country_numeric(code) if code else ""
