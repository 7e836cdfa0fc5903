"""`{% programme_nav %}`: the programme's entries in the main navigation, by role."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.simple_tag(takes_context=True)
def programme_nav(context: template.Context) -> SafeString:
    return mark_safe("")
