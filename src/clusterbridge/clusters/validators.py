"""Validators shared by models, forms, the import and the API schemas."""

from __future__ import annotations

import re
from urllib.parse import urlparse

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from clusterbridge.taxonomy import geo

MAX_DESCRIPTION_LENGTH = 5000
MAX_PHRASE_LENGTH = 200
_SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# Paths beside /clusters/<slug>/ in the pages and the API; a cluster cannot take them.
RESERVED_SLUGS = frozenset({"export", "import", "new", "search", "map"})


def validate_country(code: str) -> None:
    if not geo.is_country(code):
        raise ValidationError(
            _("%(code)s is not an ISO 3166-1 alpha-2 country code"),
            code="unknown_country",
            params={"code": code},
        )


def validate_region(code: str) -> None:
    if not geo.is_subdivision(code):
        raise ValidationError(
            _("%(code)s is not an ISO 3166-2 subdivision code"),
            code="unknown_region",
            params={"code": code},
        )


def validate_latitude(value: float) -> None:
    if not -90 <= value <= 90:
        raise ValidationError(
            _("latitude %(value)s is outside -90 to 90"), code="latitude", params={"value": value}
        )


def validate_longitude(value: float) -> None:
    if not -180 <= value <= 180:
        raise ValidationError(
            _("longitude %(value)s is outside -180 to 180"),
            code="longitude",
            params={"value": value},
        )


def validate_slug(value: str) -> None:
    if value in RESERVED_SLUGS:
        raise ValidationError(
            _("%(value)s is reserved for a page of the platform; choose another slug"),
            code="slug_reserved",
            params={"value": value},
        )
    if not _SLUG_RE.match(value) or len(value) > 120:
        raise ValidationError(
            _("%(value)s is not a slug (lowercase letters, digits and single hyphens)"),
            code="slug",
            params={"value": value},
        )


def validate_url(value: str) -> None:
    try:
        parsed = urlparse(value)
    except ValueError:  # e.g. "https://[x": an unbalanced IPv6 bracket
        raise ValidationError(
            _("%(value)s is not an http(s) address"), code="url", params={"value": value}
        ) from None
    if parsed.scheme not in {"http", "https"} or not parsed.netloc:
        raise ValidationError(
            _("%(value)s is not an http(s) address"), code="url", params={"value": value}
        )


def normalise_website(value: str) -> str:
    """The data writes websites without a scheme (`mobilitylogistics.de`); store a full URL."""
    value = value.strip()
    if value and "://" not in value:
        value = f"https://{value}"
    return value
