"""The contract between the search app and the domains that register with it.

`search` knows no domain: each domain describes its objects as `IndexDocument`s through a
`SearchSpec` (as Wagtail's `search_fields` do), and the index, the backends, the query parser and
the embedder work on those alone.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

Weight = Literal["A", "B", "C"]


@dataclass(frozen=True)
class IndexText:
    """A piece of searchable text; A counts most (titles), C least (taxonomy expansions)."""

    text: str
    weight: Weight = "B"


@dataclass(frozen=True)
class IndexDocument:
    doc_type: str
    object_id: int
    title: str
    url_path: str  # without the language prefix, e.g. "/clusters/clib2021/"
    texts: Sequence[IndexText]
    summary_en: str = ""
    summary_de: str = ""
    # Facet name → values, e.g. {"country": ["DE"], "field": ["photonics", "lasers"]}.
    facets: dict[str, list[str]] = field(default_factory=dict)
    published_at: datetime | None = None
    # The text the semantic embedder reads: short and dense (name, fields, competences).
    embedding_text: str = ""


@dataclass(frozen=True)
class FacetSpec:
    name: str  # URL parameter, e.g. "country"
    label: Any  # lazy translated label
    # Turns a stored value into the label shown to people, in the active language.
    display: Callable[[str], str] = str


@dataclass(frozen=True)
class SearchSpec:
    """How one model joins the index."""

    doc_type: str
    label: Any
    model: type
    documents: Callable[[Iterable[int] | None], Iterable[IndexDocument]]
    facets: Sequence[FacetSpec] = ()
