"""Keeps the controlled vocabularies in the database in step with the data files."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.db import transaction

from clusterbridge.taxonomy.models import Branch, MemberType, TechnologyField, ValueChainRole

DATA_DIR = Path(__file__).resolve().parent / "data"


def _load(name: str) -> Any:
    return json.loads((DATA_DIR / name).read_text(encoding="utf-8"))


@transaction.atomic
def taxonomy_sync() -> dict[str, int]:
    """Creates or updates every term from the data files; terms no file names are left alone,
    because clusters may still refer to them."""
    counts: dict[str, int] = {}
    for item in _load("branches.json"):
        Branch.objects.update_or_create(
            slug=item["slug"],
            defaults={
                "label_en": item["label_en"],
                "label_de": item["label_de"],
                "synonyms_en": item.get("synonyms_en", []),
                "synonyms_de": item.get("synonyms_de", []),
            },
        )
    counts["branches"] = Branch.objects.count()
    branches = dict(Branch.objects.values_list("slug", "pk"))
    for item in _load("technology_fields.json"):
        TechnologyField.objects.update_or_create(
            slug=item["slug"],
            defaults={
                "label_en": item["label_en"],
                "label_de": item["label_de"],
                "synonyms_en": item.get("synonyms_en", []),
                "synonyms_de": item.get("synonyms_de", []),
                "branch_id": branches[item["branch"]],
            },
        )
    counts["technology_fields"] = TechnologyField.objects.count()
    for position, item in enumerate(_load("value_chain_roles.json")):
        ValueChainRole.objects.update_or_create(
            slug=item["slug"],
            defaults={
                "label_en": item["label_en"],
                "label_de": item["label_de"],
                "description_en": item.get("description_en", ""),
                "description_de": item.get("description_de", ""),
                "position": item.get("position", position),
            },
        )
    counts["value_chain_roles"] = ValueChainRole.objects.count()
    for position, item in enumerate(_load("member_types.json")):
        MemberType.objects.update_or_create(
            slug=item["slug"],
            defaults={
                "label_en": item["label_en"],
                "label_de": item["label_de"],
                "position": item.get("position", position),
            },
        )
    counts["member_types"] = MemberType.objects.count()
    return counts


def field_mapping() -> dict[str, list[str]]:
    """The published field words of the demo data, mapped to technology field slugs."""
    mapping: dict[str, list[str]] = _load("field_mapping.json")
    return mapping


@lru_cache(maxsize=1)
def places() -> list[dict[str, Any]]:
    """Cities and regions whose names differ between languages (München, Munich)."""
    data: list[dict[str, Any]] = _load("places.json")
    return data


def kind_mapping() -> dict[str, Any]:
    data: dict[str, Any] = _load("cluster_kinds.json")
    return data
