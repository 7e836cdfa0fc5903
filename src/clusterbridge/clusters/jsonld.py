"""schema.org descriptions of clusters (JSON-LD), for exports and for profile pages."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from clusterbridge.clusters.records import ClusterRecord

CONTEXT = "https://schema.org"


def record_to_jsonld(record: ClusterRecord, *, base_url: str = "") -> dict[str, Any]:
    """One cluster as a schema.org Organization."""
    data: dict[str, Any] = {
        "@type": "Organization",
        "identifier": record.slug,
        "name": record.name,
    }
    if base_url:
        data["@id"] = f"{base_url.rstrip('/')}/en/clusters/{record.slug}/"
    if record.acronym:
        data["alternateName"] = record.acronym
    if record.website:
        data["url"] = record.website
    descriptions = [
        {"@language": language, "@value": text}
        for language, text in (("en", record.description_en), ("de", record.description_de))
        if text
    ]
    if descriptions:
        data["description"] = descriptions
    address: dict[str, Any] = {"@type": "PostalAddress", "addressCountry": record.country}
    if record.region:
        address["addressRegion"] = record.region
    if record.city:
        address["addressLocality"] = record.city
    data["address"] = address
    if record.latitude is not None and record.longitude is not None:
        data["geo"] = {
            "@type": "GeoCoordinates",
            "latitude": record.latitude,
            "longitude": record.longitude,
        }
    if record.technology_fields:
        data["knowsAbout"] = [*record.technology_fields, *record.field_terms]
    if record.management_organisation:
        organisation: dict[str, Any] = {
            "@type": "Organization",
            "name": record.management_organisation,
        }
        if record.management_website:
            organisation["url"] = record.management_website
        if record.management_email:
            organisation["email"] = record.management_email
        data["parentOrganization"] = organisation
    if record.keywords:
        data["keywords"] = ", ".join(record.keywords)
    if record.labels:
        data["award"] = record.labels
    if record.funding_sources:
        data["funder"] = [{"@type": "Organization", "name": n} for n in record.funding_sources]
    if record.sources:
        data["subjectOf"] = [{"@type": "WebPage", "url": url} for url in record.sources]
    # Members are organisations, not employees, so the count is a property, not numberOfEmployees.
    properties: list[tuple[str, Any]] = [
        ("kind", record.kind),
        ("membersApprox", record.members_approx),
        ("offers", [c.phrase for c in record.competences_offered]),
        ("seeks", [c.phrase for c in record.competences_sought]),
    ]
    data["additionalProperty"] = [
        {"@type": "PropertyValue", "name": name, "value": value}
        for name, value in properties
        if value not in (None, [], "")
    ]
    return data


def write_jsonld(records: Iterable[ClusterRecord], out: Any, *, base_url: str = "") -> int:
    """A schema.org graph: one JSON-LD document whose @graph lists every cluster."""
    count = 0
    out.write('{\n"@context": "https://schema.org",\n"@graph": [')
    for record in records:
        out.write(",\n" if count else "\n")
        out.write(json.dumps(record_to_jsonld(record, base_url=base_url), ensure_ascii=False))
        count += 1
    out.write("\n]\n}\n")
    return count
