"""Where domains declare what of them is searchable (documents, facets) and which concepts
(taxonomy terms in both languages) the analyzer should recognise."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from clusterbridge.search.types import SearchSpec

ConceptSource = Callable[[], Iterable[tuple[str, list[str]]]]

_specs: dict[str, SearchSpec] = {}
_concept_sources: list[ConceptSource] = []


def register(spec: SearchSpec) -> None:
    _specs[spec.doc_type] = spec


def register_concepts(source: ConceptSource) -> None:
    """`source()` yields (concept key, terms in both languages), e.g. a technology field."""
    if source not in _concept_sources:
        _concept_sources.append(source)


def specs() -> list[SearchSpec]:
    return list(_specs.values())


def spec_for(doc_type: str) -> SearchSpec:
    return _specs[doc_type]


def spec_for_model(model: type) -> SearchSpec | None:
    return next((spec for spec in _specs.values() if spec.model is model), None)


def concept_sources() -> list[ConceptSource]:
    return list(_concept_sources)
