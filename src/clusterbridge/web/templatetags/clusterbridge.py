from __future__ import annotations

import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from clusterbridge.taxonomy import geo

# The same escapes Django's json_script applies.
_JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}

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


@register.filter
def jsonld_script(value: object) -> SafeString:
    """A schema.org JSON-LD block, escaped like json_script so no text can close the tag."""
    data = json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False).translate(_JSON_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(data))  # noqa: S308
