"""Parsing the filters of a partner search (page, CSV and API share it)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from clusterbridge.clusters.selectors import ClusterFilters, cluster_filters_parse
from clusterbridge.common.params import parse_int
from clusterbridge.matching.selectors import LIMIT_MAX

LIMIT_DEFAULT = 20


@dataclass(frozen=True)
class PartnerSearch:
    filters: ClusterFilters
    exclude_partners: bool = False
    limit: int = LIMIT_DEFAULT
    errors: dict[str, str] = field(default_factory=dict)


def _flag(raw: str | None) -> tuple[bool, bool]:
    """(value, valid) of a yes/no parameter."""
    value = (raw or "").strip().lower()
    if value in {"", "0", "false", "no", "off"}:
        return False, True
    if value in {"1", "true", "yes", "on"}:
        return True, True
    return False, False


def partner_search_parse(
    *,
    countries: list[str] | None = None,
    regions: list[str] | None = None,
    fields: list[str] | None = None,
    kinds: list[str] | None = None,
    exclude_partners: str | bool | None = None,
    limit: str | int | None = None,
) -> PartnerSearch:
    """Normalised filters; unknown codes, bad flags and limits outside 1..100 become errors
    (the caller answers 4xx) instead of being ignored."""
    filters = cluster_filters_parse(
        countries=countries, fields=fields, kinds=kinds, regions=regions
    )
    errors = dict(filters.errors)
    if isinstance(exclude_partners, bool):
        exclude = exclude_partners
    else:
        exclude, valid = _flag(exclude_partners)
        if not valid:
            errors["exclude_partners"] = _("Use yes or no to exclude existing partners.")
    size = LIMIT_DEFAULT
    if limit not in (None, ""):
        parsed = parse_int(limit, min_value=1, max_value=LIMIT_MAX)
        if parsed is None:
            errors["limit"] = _("The number of partners must be between 1 and %(max)d.") % {
                "max": LIMIT_MAX
            }
        else:
            size = parsed
    return PartnerSearch(filters=filters, exclude_partners=exclude, limit=size, errors=errors)
