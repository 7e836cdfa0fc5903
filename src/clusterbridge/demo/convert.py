"""Turns the published records of real clusters into exchange records, adding nothing invented.

What the sources do not say stays empty, with two labelled exceptions: missing coordinates are
taken from another record in the same city or, for German records, the federal state's centre
(marked approximate), and competences sought are derived from the cluster's own fields and the
value-chain roles it does not cover (marked as a derived starting point).
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

from clusterbridge.clusters.enums import ClusterKind, Language, LocationPrecision, Provenance
from clusterbridge.clusters.records import ClusterRecord, CompetenceRecord, make_slug
from clusterbridge.clusters.validators import normalise_website
from clusterbridge.taxonomy.services import field_mapping, kind_mapping

DATA_DIR = Path(__file__).resolve().parent / "data"
ROLES = ("research", "development", "production", "application", "services")

# Approximate geographic centres of the German federal states, for records without a city.
STATE_CENTRES: dict[str, tuple[float, float]] = {
    "DE-BW": (48.54, 9.04),
    "DE-BY": (48.95, 11.40),
    "DE-BE": (52.50, 13.40),
    "DE-BB": (52.46, 13.02),
    "DE-HB": (53.08, 8.80),
    "DE-HH": (53.55, 10.00),
    "DE-HE": (50.60, 9.03),
    "DE-MV": (53.77, 12.58),
    "DE-NI": (52.76, 9.39),
    "DE-NW": (51.48, 7.55),
    "DE-RP": (49.91, 7.45),
    "DE-SL": (49.38, 6.95),
    "DE-SN": (51.05, 13.35),
    "DE-ST": (51.97, 11.70),
    "DE-SH": (54.19, 9.82),
    "DE-TH": (50.90, 11.03),
}


def load_raw() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    german = json.loads((DATA_DIR / "german_clusters.json").read_text(encoding="utf-8"))
    international = json.loads(
        (DATA_DIR / "international_clusters.json").read_text(encoding="utf-8")
    )
    return german, international


def _label_names(raw: dict[str, Any]) -> dict[str, str]:
    """The record's labels: German name by English name (the exchange format carries the
    English name; the German one is set on the label afterwards)."""
    names = {}
    if year := raw.get("leading_edge_round"):
        names[f"Leading-Edge Cluster Competition winner {year}"] = (
            f"Gewinner des Spitzencluster-Wettbewerbs {year}"
        )
    if year := raw.get("round"):
        names[f"Internationalisation measure, round {year}"] = (
            f"Internationalisierung von Spitzenclustern, Runde {year}"
        )
    elif year := raw.get("round_inferred"):
        names[f"Internationalisation measure, round {year} (inferred)"] = (
            f"Internationalisierung von Spitzenclustern, Runde {year} (erschlossen)"
        )
    return names


def demo_label_names_de() -> dict[str, str]:
    """German names of every label the demo records carry, by English name."""
    german, international = load_raw()
    return {en: de for raw in [*german, *international] for en, de in _label_names(raw).items()}


def _slugs(records: list[dict[str, Any]]) -> list[str]:
    """Acronyms make short addresses where they are unique; otherwise the full name."""
    acronym_slugs = [make_slug(r["acronym"]) if r.get("acronym") else "" for r in records]
    name_slugs = [make_slug(r["name"]) for r in records]
    acronym_counts = Counter(s for s in acronym_slugs if s)
    taken = set(name_slugs)
    slugs: list[str] = []
    used: set[str] = set()
    for acronym_slug, name_slug, raw in zip(acronym_slugs, name_slugs, records, strict=True):
        slug = name_slug
        if (
            acronym_slug
            and len(acronym_slug) >= 3
            and acronym_counts[acronym_slug] == 1
            and acronym_slug not in taken
        ):
            slug = acronym_slug
        if slug in used:
            slug = f"{slug}-{raw['country'].lower()}"
        counter = 2
        base = slug
        while slug in used:
            slug = f"{base}-{counter}"
            counter += 1
        used.add(slug)
        slugs.append(slug)
    return slugs


def _city_coordinates(records: list[dict[str, Any]]) -> dict[tuple[str, str], tuple[float, float]]:
    known: dict[tuple[str, str], tuple[float, float]] = {}
    for raw in records:
        city = raw.get("city")
        if city and raw.get("latitude") is not None and raw.get("longitude") is not None:
            known.setdefault((raw["country"], city), (raw["latitude"], raw["longitude"]))
    return known


def _sought(fields: list[str], roles: list[str], labels: dict[str, str]) -> list[CompetenceRecord]:
    """Value-chain partners in the cluster's own main fields, for the roles it does not cover."""
    missing = [role for role in ROLES if role not in roles]
    sought: list[CompetenceRecord] = []
    for field_slug in fields[:2]:
        for role in missing[:2]:
            sought.append(
                CompetenceRecord(
                    phrase=f"{role} partners in {labels[field_slug].lower()}",
                    language=Language.EN.value,
                    technology_field=field_slug,
                    value_chain_role=role,
                    provenance=Provenance.DERIVED.value,
                )
            )
    return sought


def _offered(
    phrases: list[str], fields: list[str], synonyms: dict[str, list[str]]
) -> list[CompetenceRecord]:
    result = []
    for phrase in phrases:
        lower = phrase.lower()
        tied = next(
            (f for f in fields if any(term.lower() in lower for term in synonyms.get(f, []))),
            None,
        )
        result.append(CompetenceRecord(phrase=phrase.strip()[:200], technology_field=tied))
    return result


def demo_records(
    *,
    labels: dict[str, str],
    synonyms: dict[str, list[str]],
    branch_of: dict[str, str],
) -> list[ClusterRecord]:
    """Every real record as an exchange record; the dicts describe technology fields by slug."""
    german, international = load_raw()
    all_raw = german + international
    mapping = field_mapping()
    kinds = kind_mapping()["mapping"]
    coordinates = _city_coordinates(all_raw)
    records = []
    for raw, slug in zip(all_raw, _slugs(all_raw), strict=True):
        is_german = raw["country"] == "DE"
        fields: list[str] = []
        for term in raw.get("technology_fields") or []:
            for field_slug in mapping.get(term, []):
                if field_slug not in fields:
                    fields.append(field_slug)
        roles = [r for r in ROLES if r in (raw.get("value_chain_roles") or [])]
        kind = kinds["de" if is_german else "intl"][raw["kind"]]
        latitude, longitude = raw.get("latitude"), raw.get("longitude")
        precision = LocationPrecision.EXACT.value if latitude is not None else ""
        city = raw.get("city") or ""
        if latitude is None and city and (raw["country"], city) in coordinates:
            latitude, longitude = coordinates[(raw["country"], city)]
            precision = LocationPrecision.CITY.value
        elif latitude is None and is_german and raw.get("federal_state") in STATE_CENTRES:
            latitude, longitude = STATE_CENTRES[raw["federal_state"]]
            precision = LocationPrecision.REGION.value
        management = raw.get("management_organisation") or raw.get("legal_entity") or ""
        records.append(
            ClusterRecord(
                slug=slug,
                name=raw["name"].strip(),
                kind=ClusterKind(kind).value,
                country=raw["country"],
                acronym=(raw.get("acronym") or "").strip(),
                kind_original=raw["kind"],
                region=(raw.get("federal_state") or "") if is_german else "",
                region_name="" if is_german else (raw.get("region_or_city") or ""),
                city=city,
                latitude=latitude,
                longitude=longitude,
                location_precision=precision,
                website=normalise_website(raw.get("website") or ""),
                members_approx=raw.get("members_approx"),
                management_organisation=management.strip()[:300],
                description_en=(raw.get("summary_own_words") or "").strip(),
                technology_fields=sorted(fields),
                branches=sorted({branch_of[f] for f in fields}),
                value_chain_roles=roles,
                labels=sorted(_label_names(raw)),
                funding_sources=sorted(set(raw.get("programmes") or [])),
                competences_offered=_offered(
                    raw.get("competences_offered") or [], fields, synonyms
                ),
                competences_sought=_sought(fields, roles, labels),
                field_terms=list(raw.get("technology_fields") or []),
                keywords=list(dict.fromkeys(raw.get("keywords") or [])),
                sources=list(dict.fromkeys(raw.get("sources") or [])),
            )
        )
    return records
