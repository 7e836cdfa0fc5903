"""The taxonomy's terms as search concepts: every label and synonym, in both languages."""

from __future__ import annotations

from collections.abc import Iterator

from clusterbridge.taxonomy.models import Branch, TechnologyField
from clusterbridge.taxonomy.services import places


def taxonomy_concepts() -> Iterator[tuple[str, list[str]]]:
    for field in TechnologyField.objects.order_by("slug"):
        yield f"field:{field.slug}", field.all_terms()
    for branch in Branch.objects.order_by("slug"):
        yield f"branch:{branch.slug}", branch.all_terms()
    # Places with other names in other languages (München, Munich): one concept each.
    for place in places():
        yield f"place:{place['slug']}", list(place["names"])
