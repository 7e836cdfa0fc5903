"""Reads of matchmaking: the landscape as a `MatchIndex`, partners and similar clusters of one
cluster, and the cached profile panel.

Each process keeps one index, rebuilt when the landscape changes: the key is the shared
landscape version (moved on by every write through the clusters services) plus a cheap
fingerprint of the tables (counts, latest change), so that writes which bypass the services,
and test databases, are noticed too. The profile panel is cached in the shared cache under the
landscape version: a profile page reads it without touching the index.
"""

from __future__ import annotations

import logging
import threading
from collections import defaultdict
from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Any, Final

import numpy as np
from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Max, Q
from django.http import Http404
from django.utils.translation import gettext as _

from clusterbridge.clusters.enums import Direction
from clusterbridge.clusters.models import Cluster, Competence
from clusterbridge.clusters.selectors import ClusterFilters, landscape_version
from clusterbridge.matching.engine import (
    DEFAULT_ROLES,
    ClusterProfile,
    Match,
    MatchIndex,
    MatchWeights,
    Phrase,
)
from clusterbridge.matching.lexical import tokenizer
from clusterbridge.search.semantic import get_embedder
from clusterbridge.search.services import analyzer_get
from clusterbridge.taxonomy.models import Branch, TechnologyField, ValueChainRole

logger = logging.getLogger(__name__)

# Phrases without a stored vector are embedded while the index is built when there are at
# most this many (a profile edit); more (an import) wait for `clusterbridge match_refresh` and
# match lexically meanwhile.
EMBED_INLINE_LIMIT: Final = 200
PANEL_SIZE: Final = 5
PANEL_CACHE_SECONDS: Final = 24 * 3600
LIMIT_MAX: Final = 100
# Labels and funding programmes that show international experience.
INTERNATIONAL_LABEL_PREFIX: Final = "internationalisation"
INTERNATIONAL_FUNDING_WORDS: Final = ("interreg", "horizon", "international", "euroclusters")


VECTORS_VERSION_KEY: Final = "matching:vectors-version"


def vectors_version() -> int:
    """Moved on by `match_refresh` when it stores new phrase vectors, so that every process
    rebuilds its index (which matched those phrases lexically only) and its panels."""
    return int(cache.get(VECTORS_VERSION_KEY) or 1)


def cluster_by_slug(*, slug: str) -> Cluster:
    """The cluster alone, as matching needs it (its profile comes from the index), or 404."""
    cluster = Cluster.objects.only("id", "slug", "name", "country").filter(slug=slug).first()
    if cluster is None:
        raise Http404(_("No cluster with the address “%(slug)s”.") % {"slug": slug[:120]})
    return cluster


def weights_get() -> MatchWeights:
    """The MATCHING_WEIGHTS setting (a dict of part name → weight) over the defaults."""
    return MatchWeights.from_mapping(getattr(settings, "MATCHING_WEIGHTS", None))


@dataclass(frozen=True)
class Labels:
    """English and German labels of the taxonomy terms an explanation names."""

    fields: dict[str, tuple[str, str]] = field(default_factory=dict)
    branches: dict[str, tuple[str, str]] = field(default_factory=dict)
    roles: dict[str, tuple[str, str]] = field(default_factory=dict)


@dataclass(frozen=True)
class Landscape:
    index: MatchIndex
    labels: Labels


def _labels() -> Labels:
    def rows(model: Any) -> dict[str, tuple[str, str]]:
        return {
            s: (en, de) for s, en, de in model.objects.values_list("slug", "label_en", "label_de")
        }

    return Labels(fields=rows(TechnologyField), branches=rows(Branch), roles=rows(ValueChainRole))


def _profiles() -> list[ClusterProfile]:
    """Every cluster as a `ClusterProfile`, in a fixed number of queries."""
    field_branch = dict(TechnologyField.objects.values_list("slug", "branch__slug"))

    def pairs(through: Any, column: str) -> dict[int, list[str]]:
        out: dict[int, list[str]] = defaultdict(list)
        for cluster_id, slug in through.objects.values_list("cluster_id", column).order_by(
            "cluster_id", column
        ):
            out[cluster_id].append(slug)
        return out

    fields_of = pairs(Cluster.technology_fields.through, "technologyfield__slug")
    branches_of = pairs(Cluster.branches.through, "branch__slug")
    roles_of = pairs(Cluster.value_chain_roles.through, "valuechainrole__slug")
    funded = set(Cluster.funding_sources.through.objects.values_list("cluster_id", flat=True))
    international_funding = Q()
    for word in INTERNATIONAL_FUNDING_WORDS:
        international_funding |= Q(fundingsource__slug__contains=word)
    international = set(
        Cluster.labels.through.objects.filter(
            label__slug__startswith=INTERNATIONAL_LABEL_PREFIX
        ).values_list("cluster_id", flat=True)
    ) | set(
        Cluster.funding_sources.through.objects.filter(international_funding).values_list(
            "cluster_id", flat=True
        )
    )
    offers: dict[int, list[Phrase]] = defaultdict(list)
    seeks: dict[int, list[Phrase]] = defaultdict(list)
    for cluster_id, direction, text, language, field_slug, role_slug in (
        Competence.objects.values_list(
            "cluster_id",
            "direction",
            "phrase",
            "language",
            "technology_field__slug",
            "value_chain_role__slug",
        )
        .order_by("cluster_id", "direction", "position", "id")
        .iterator(chunk_size=5000)
    ):
        target = offers if direction == Direction.OFFERS else seeks
        target[cluster_id].append(Phrase(text, language, field_slug, role_slug))
    profiles = []
    for cluster_id, slug, name, country, region, kind, management_id in (
        Cluster.objects.values_list(
            "id", "slug", "name", "country", "region", "kind", "management_organisation_id"
        )
        .order_by("id")
        .iterator(chunk_size=5000)
    ):
        fields = fields_of.get(cluster_id, [])
        branches = set(branches_of.get(cluster_id, [])) | {
            field_branch[f] for f in fields if field_branch.get(f)
        }
        roles = set(roles_of.get(cluster_id, [])) | {
            p.role for p in offers.get(cluster_id, []) if p.role
        }
        profiles.append(
            ClusterProfile(
                id=cluster_id,
                slug=slug,
                name=name,
                country=country,
                region=region,
                kind=kind,
                fields=tuple(fields),
                branches=tuple(sorted(branches)),
                roles=tuple(sorted(roles)),
                offers=tuple(offers.get(cluster_id, ())),
                seeks=tuple(seeks.get(cluster_id, ())),
                has_management=True if management_id else None,
                states_funding=True if cluster_id in funded else None,
                international=True if cluster_id in international else None,
            )
        )
    return profiles


def _vectors(profiles: list[ClusterProfile]) -> dict[str, np.ndarray]:
    from clusterbridge.matching import services

    phrases = {p.text for profile in profiles for p in (*profile.offers, *profile.seeks)}
    vectors = services.phrase_vectors_load(phrases=phrases)
    missing = sorted(phrases - set(vectors))
    if missing and len(missing) <= EMBED_INLINE_LIMIT:
        vectors.update(services.phrase_vectors_embed(phrases=missing))
    elif missing:
        logger.warning(
            "%d competence phrases have no vector and match lexically only: "
            "run `clusterbridge match_refresh`",
            len(missing),
        )
    return vectors


def landscape_build() -> Landscape:
    """A fresh index of the whole landscape from the database."""
    profiles = _profiles()
    embedder = get_embedder()
    roles = list(ValueChainRole.objects.order_by("position").values_list("slug", flat=True))
    index = MatchIndex(
        profiles,
        vectors=_vectors(profiles),
        tokenize=tokenizer(analyzer_get()),
        dims=embedder.dimensions,
        roles=roles or DEFAULT_ROLES,
        weights=weights_get(),
    )
    return Landscape(index=index, labels=_labels())


def _fingerprint() -> Hashable:
    clusters = Cluster.objects.aggregate(n=Count("id"), latest=Max("updated_at"))
    competences = Competence.objects.aggregate(n=Count("id"), last=Max("id"))
    return (
        landscape_version(),
        vectors_version(),
        clusters["n"],
        clusters["latest"],
        competences["n"],
        competences["last"],
        get_embedder().name,
        weights_get(),
    )


_lock = threading.Lock()
_entry: tuple[Hashable, Landscape] | None = None


def landscape_get() -> Landscape:
    """The process's index of the current landscape (built on first use and after changes;
    while one thread rebuilds, the others wait, since an outdated index could name a cluster
    that no longer exists)."""
    global _entry
    key = _fingerprint()
    entry = _entry
    if entry is not None and entry[0] == key:
        return entry[1]
    with _lock:
        entry = _entry
        if entry is not None and entry[0] == key:
            return entry[1]
        landscape = landscape_build()
        _entry = (key, landscape)
        return landscape


def landscape_forget() -> None:
    """Drops this process's index (tests, after changing settings)."""
    global _entry
    with _lock:
        _entry = None


# --- partners --------------------------------------------------------------------------------


@dataclass
class Recommendations:
    """A's ranked partners, or, where A's profile lacks what matching needs, what to fill in."""

    cluster: ClusterProfile
    matches: list[Match]
    missing: list[str]  # "competences", "offers", "seeks", "fields"
    labels: Labels

    @property
    def can_match(self) -> bool:
        return "competences" not in self.missing and "fields" not in self.missing


def missing_for(profile: ClusterProfile) -> list[str]:
    missing = []
    if not profile.has_competences:
        missing.append("competences")
    else:
        if not profile.offers:
            missing.append("offers")
        if not profile.seeks:
            missing.append("seeks")
    if not profile.fields and not profile.branches:
        missing.append("fields")
    return missing


def _allowed(
    index: MatchIndex, filters: ClusterFilters | None, excluded_ids: set[int]
) -> np.ndarray | None:
    if filters is None and not excluded_ids:
        return None
    mask = np.ones(len(index), dtype=bool)
    if filters is not None:
        if filters.countries:
            codes = [index.country_code[c] for c in filters.countries if c in index.country_code]
            mask &= np.isin(index.country, codes)
        if filters.regions:
            codes = [index.region_code[r] for r in filters.regions if r in index.region_code]
            mask &= np.isin(index.region, codes)
        if filters.kinds:
            codes = [index.kind_code[k] for k in filters.kinds if k in index.kind_code]
            mask &= np.isin(index.kind, codes)
        if filters.fields:
            columns = [index.field_col[f] for f in filters.fields if f in index.field_col]
            mask &= index.fields[:, columns].sum(axis=1) > 0 if columns else False
    if excluded_ids:
        mask &= ~np.isin(index.ids, np.fromiter(excluded_ids, dtype=np.int64))
    return mask


def partners_for(
    *,
    cluster: Cluster,
    filters: ClusterFilters | None = None,
    exclude_partners: bool = False,
    limit: int = 20,
) -> Recommendations:
    """A's best complementary partners abroad, after the filters; existing partners left out
    on request."""
    landscape = landscape_get()
    index = landscape.index
    a = index.position[cluster.slug]
    profile = index.profiles[a]
    missing = missing_for(profile)
    if "competences" in missing or "fields" in missing:
        return Recommendations(profile, [], missing, landscape.labels)
    excluded: set[int] = set()
    if exclude_partners:
        from clusterbridge.cooperation.selectors import partner_cluster_ids

        excluded = partner_cluster_ids(cluster)
    allowed = _allowed(index, filters, excluded)
    matches = index.partners(a, limit=max(1, min(limit, LIMIT_MAX)), allowed=allowed)
    return Recommendations(profile, matches, missing, landscape.labels)


def similar_for(*, cluster: Cluster, limit: int = PANEL_SIZE) -> list[Match]:
    index = landscape_get().index
    return index.similar(index.position[cluster.slug], limit=limit)


# --- the profile panel -----------------------------------------------------------------------


@dataclass(frozen=True)
class PanelEntry:
    slug: str
    name: str
    country: str
    score: float


@dataclass(frozen=True)
class Panel:
    partners: tuple[PanelEntry, ...]
    similar: tuple[PanelEntry, ...]
    missing: tuple[str, ...]


def _panel_key(cluster_id: int) -> str:
    return f"matching:panel:{landscape_version()}.{vectors_version()}:{cluster_id}"


def _entries(index: MatchIndex, ranked: list[tuple[int, float]]) -> tuple[PanelEntry, ...]:
    return tuple(
        PanelEntry(
            slug=index.profiles[b].slug,
            name=index.profiles[b].name,
            country=index.profiles[b].country,
            score=round(score, 4),
        )
        for b, score in ranked
    )


def _panel(index: MatchIndex, a: int) -> Panel:
    profile = index.profiles[a]
    missing = missing_for(profile)
    partners: list[tuple[int, float]] = []
    if "competences" not in missing and "fields" not in missing:
        partners = [
            (index.position[m.candidate.slug], m.score) for m in index.partners(a, limit=PANEL_SIZE)
        ]
    similar = [
        (index.position[m.candidate.slug], m.score) for m in index.similar(a, limit=PANEL_SIZE)
    ]
    return Panel(_entries(index, partners), _entries(index, similar), tuple(missing))


def profile_panel(*, cluster: Cluster) -> Panel:
    """The five best partners abroad and the five most similar clusters, from the shared
    cache (filled by `match_refresh` or by the first visit after a change)."""
    key = _panel_key(cluster.pk)
    panel = cache.get(key)
    if isinstance(panel, Panel):
        return panel
    index = landscape_get().index
    panel = _panel(index, index.position[cluster.slug])
    cache.set(key, panel, PANEL_CACHE_SECONDS)
    return panel


def profile_panels_warm() -> int:
    """Computes every cluster's panel at once (the all-pairs refresh) into the shared cache."""
    index = landscape_get().index
    ranked = index.all_pairs(partners=PANEL_SIZE, similar=PANEL_SIZE)
    panels: dict[str, Panel] = {}
    for a, (partners, similar) in ranked.items():
        profile = index.profiles[a]
        missing = missing_for(profile)
        if "competences" in missing or "fields" in missing:
            partners = []
        panels[_panel_key(profile.id)] = Panel(
            _entries(index, partners), _entries(index, similar), tuple(missing)
        )
    cache.set_many(panels, PANEL_CACHE_SECONDS)
    return len(panels)
