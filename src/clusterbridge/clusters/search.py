"""What of a cluster the search index holds, and its facets (declared here, not in `search`)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from functools import lru_cache
from typing import Any

from django.core.cache import cache
from django.utils.translation import get_language, override
from django.utils.translation import gettext_lazy as _

from clusterbridge.clusters.enums import ClusterKind, Direction
from clusterbridge.clusters.models import (
    Cluster,
    Competence,
    Label,
    MemberCount,
    label_display_name,
)
from clusterbridge.search.types import FacetSpec, IndexDocument, IndexText, SearchSpec
from clusterbridge.taxonomy import geo
from clusterbridge.taxonomy.models import Branch, MemberType, TechnologyField

CHUNK = 1000
EMBEDDING_CHARS = 150


@lru_cache(maxsize=8)
def _labels(model: type, field: str = "slug") -> dict[str, tuple[str, str]]:
    rows = model.objects.values_list(field, "label_en", "label_de")  # type: ignore[attr-defined]
    return {key: (en, de) for key, en, de in rows}


def _label_of(model: type) -> object:
    def display(value: str) -> str:
        labels = _labels(model).get(value)
        if labels is None:
            return value
        return labels[1] if (get_language() or "en").startswith("de") else labels[0]

    return display


# Label names by slug, English and German; dropped when German names are set.
LABEL_NAMES_KEY = "search:label-names:en-de"


def _label_name(slug: str) -> str:
    # Labels change with imports; a short-lived shared cache keeps facet rendering to one query.
    names = cache.get_or_set(
        LABEL_NAMES_KEY,
        lambda: {
            slug: (en, de) for slug, en, de in Label.objects.values_list("slug", "name", "name_de")
        },
        60,
    )
    name, name_de = (names or {}).get(slug, (slug, ""))
    return label_display_name(name, name_de)


def _kind(value: str) -> str:
    return str(ClusterKind(value).label) if value in ClusterKind.values else value


@lru_cache(maxsize=4096)
def _both_languages(function: Callable[[str], str], value: str) -> tuple[str, ...]:
    """Country, state and kind names in English and German (fixed, so cached per process)."""
    names = []
    for language in ("en", "de"):
        with override(language):
            names.append(function(value))
    return tuple(dict.fromkeys(names))


@dataclass(frozen=True)
class _Term:
    slug: str
    label_en: str
    label_de: str


@dataclass
class _ClusterData:
    """What the index reads of a cluster, read as plain rows (building model instances and
    their prefetched relations cost more than analysing the text)."""

    pk: int
    slug: str
    name: str
    acronym: str
    description_en: str
    description_de: str
    field_terms: list[str]
    keywords: list[str]
    city: str
    region_name: str
    country: str
    region: str
    kind: str
    kind_original: str
    created_at: Any
    management_name: str
    fields: list[_Term] = dataclass_field(default_factory=list)
    branches: list[_Term] = dataclass_field(default_factory=list)
    offered: list[str] = dataclass_field(default_factory=list)
    sought: list[str] = dataclass_field(default_factory=list)
    labels: list[str] = dataclass_field(default_factory=list)
    member_types: list[str] = dataclass_field(default_factory=list)


_COLUMNS = (
    "pk",
    "slug",
    "name",
    "acronym",
    "description_en",
    "description_de",
    "field_terms",
    "keywords",
    "city",
    "region_name",
    "country",
    "region",
    "kind",
    "kind_original",
    "created_at",
    "management_organisation__name",
)
_FIELD_NAMES = (*_COLUMNS[:-1], "management_name")


def cluster_document(cluster: _ClusterData) -> IndexDocument:
    fields = cluster.fields
    branches = cluster.branches
    offered = cluster.offered
    sought = cluster.sought
    places = [
        cluster.city,
        cluster.region_name,
        *_both_languages(geo.country_name, cluster.country),
    ]
    if cluster.region:
        places += [*_both_languages(geo.subdivision_name, cluster.region)]
    kind = _both_languages(_kind, cluster.kind)
    title = cluster.name
    texts = [
        IndexText(cluster.acronym, "A"),
        IndexText(cluster.description_en, "B"),
        IndexText(cluster.description_de, "B"),
        IndexText(" \n ".join(offered), "B"),
        IndexText(" \n ".join(sought), "C"),
        IndexText(" \n ".join(cluster.field_terms), "B"),
        IndexText(" \n ".join(cluster.keywords), "B"),
        IndexText(" \n ".join(p for p in places if p), "B"),
        IndexText(cluster.management_name, "B"),
        # Field and branch names in both languages, one text each (the same for many
        # clusters, so analysed once): the analyzer turns them into concepts.
        *(IndexText(f"{f.label_en} \n {f.label_de}", "C") for f in fields),
        *(IndexText(f"{b.label_en} \n {b.label_de}", "C") for b in branches),
        IndexText(" \n ".join([*kind, cluster.kind_original]), "C"),
    ]
    facets = {
        "country": [cluster.country],
        "field": sorted(f.slug for f in fields),
        "branch": sorted(b.slug for b in branches),
        "kind": [cluster.kind],
        "label": sorted(cluster.labels),
        "member_type": sorted(cluster.member_types),
    }
    if cluster.region:
        facets["region"] = [cluster.region]
    # Short, because embedding costs grow with the text (a 700-character text embeds five
    # times slower than 150): the name, the fields and the first offered competences carry the
    # meaning (blend recall@10 on the relevance set 0.914, against 0.916 with 400 characters of
    # the description added).
    embedding_text = ". ".join(
        part
        for part in [cluster.name, ", ".join(f.label_en for f in fields), "; ".join(offered[:2])]
        if part
    )
    if len(embedding_text) > EMBEDDING_CHARS:
        embedding_text = embedding_text[:EMBEDDING_CHARS].rsplit(" ", 1)[0]
    return IndexDocument(
        doc_type="cluster",
        object_id=cluster.pk,
        title=title,
        url_path=f"/clusters/{cluster.slug}/",
        texts=[t for t in texts if t.text.strip()],
        summary_en=cluster.description_en,
        summary_de=cluster.description_de,
        facets={name: values for name, values in facets.items() if values},
        published_at=cluster.created_at,
        embedding_text=embedding_text,
    )


def _terms(model: type) -> dict[int, _Term]:
    rows = model.objects.values_list("pk", "slug", "label_en", "label_de")  # type: ignore[attr-defined]
    return {pk: _Term(slug, en, de) for pk, slug, en, de in rows}


def _clusters(pks: list[int], taxonomy: dict[str, Any]) -> list[_ClusterData]:
    clusters: dict[int, _ClusterData] = {}
    for row in Cluster.objects.filter(pk__in=pks).values_list(*_COLUMNS):
        values = dict(zip(_FIELD_NAMES, row, strict=True))
        values["management_name"] = values["management_name"] or ""
        clusters[row[0]] = _ClusterData(**values)
    fields = Cluster.technology_fields.through.objects.filter(cluster_id__in=pks)
    for cluster_id, term_id in fields.values_list("cluster_id", "technologyfield_id"):
        clusters[cluster_id].fields.append(taxonomy["fields"][term_id])
    branches = Cluster.branches.through.objects.filter(cluster_id__in=pks)
    for cluster_id, term_id in branches.values_list("cluster_id", "branch_id"):
        clusters[cluster_id].branches.append(taxonomy["branches"][term_id])
    labels = Cluster.labels.through.objects.filter(cluster_id__in=pks)
    for cluster_id, slug in labels.values_list("cluster_id", "label__slug"):
        clusters[cluster_id].labels.append(slug)
    competences = Competence.objects.filter(cluster_id__in=pks).order_by(
        "cluster_id", "direction", "position", "pk"
    )
    for cluster_id, direction, phrase in competences.values_list(
        "cluster_id", "direction", "phrase"
    ):
        data = clusters[cluster_id]
        (data.offered if direction == Direction.OFFERS else data.sought).append(phrase)
    counts = MemberCount.objects.filter(cluster_id__in=pks, count__gt=0)
    for cluster_id, slug in counts.values_list("cluster_id", "member_type__slug"):
        clusters[cluster_id].member_types.append(slug)
    for data in clusters.values():
        # As the taxonomy lists them: by English name.
        data.fields.sort(key=lambda term: (term.label_en, term.slug))
        data.branches.sort(key=lambda term: (term.label_en, term.slug))
    return [clusters[pk] for pk in pks if pk in clusters]


def cluster_documents(ids: Iterable[int] | None) -> Iterator[IndexDocument]:
    queryset = Cluster.objects.order_by("pk")
    if ids is not None:
        queryset = queryset.filter(pk__in=list(ids))
    pks = list(queryset.values_list("pk", flat=True))
    taxonomy = {"fields": _terms(TechnologyField), "branches": _terms(Branch)}
    for start in range(0, len(pks), CHUNK):
        for data in _clusters(pks[start : start + CHUNK], taxonomy):
            yield cluster_document(data)


SPEC = SearchSpec(
    doc_type="cluster",
    label=_("Cluster"),
    model=Cluster,
    documents=cluster_documents,
    facets=[
        FacetSpec("field", _("Technology field"), _label_of(TechnologyField)),  # type: ignore[arg-type]
        FacetSpec("branch", _("Branch"), _label_of(Branch)),  # type: ignore[arg-type]
        FacetSpec("country", _("Country"), geo.country_name),
        FacetSpec("region", _("German federal state"), geo.subdivision_name),
        FacetSpec("kind", _("Kind"), _kind),
        FacetSpec("label", _("Label"), _label_name),
        FacetSpec("member_type", _("Member type"), _label_of(MemberType)),  # type: ignore[arg-type]
    ],
)
