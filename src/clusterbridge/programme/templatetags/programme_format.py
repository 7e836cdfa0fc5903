"""Small display filters for the programme's pages."""

from __future__ import annotations

from decimal import Decimal

from django import template

from clusterbridge.programme import figures
from clusterbridge.programme.models import Application
from clusterbridge.taxonomy.geo import country_name, is_country

register = template.Library()


@register.filter
def country(code: str) -> str:
    """A country's name in the current language (the code itself when unknown)."""
    return country_name(code) if code and is_country(code) else code


@register.filter
def requested_eur(application: Application) -> Decimal | None:
    """The application's planned budget in all, None where none is recorded."""
    return figures.application_requested_eur(application)
