"""API shapes of the vocabularies, countries and regions; both labels always, so clients need
not ask twice for a bilingual interface."""

from __future__ import annotations

from typing import Any

from ninja import Field, Schema


class TechnologyFieldOut(Schema):
    slug: str
    label_en: str
    label_de: str
    synonyms_en: list[str]
    synonyms_de: list[str]
    branch: str = Field(description="Slug of the branch the field belongs to.")
    cluster_count: int

    @staticmethod
    def resolve_branch(obj: Any) -> str:
        return str(obj.branch_slug)


class BranchOut(Schema):
    slug: str
    label_en: str
    label_de: str
    synonyms_en: list[str]
    synonyms_de: list[str]
    cluster_count: int


class ValueChainRoleOut(Schema):
    slug: str
    label_en: str
    label_de: str
    description_en: str
    description_de: str
    position: int


class MemberTypeOut(Schema):
    slug: str
    label_en: str
    label_de: str
    position: int


class CountryOut(Schema):
    code: str = Field(description="ISO 3166-1 alpha-2 code.")
    name_en: str
    name_de: str
    cluster_count: int


class RegionOut(Schema):
    code: str = Field(description="ISO 3166-2 code, e.g. DE-BY.")
    country: str
    type: str = Field(description="The subdivision's kind in ISO 3166-2, e.g. State.")
    parent: str = Field(description="Code of the enclosing subdivision, or empty.")
    name: str = Field(description="The name in the country's own language.")
    name_en: str
    name_de: str
