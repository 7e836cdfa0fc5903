"""Writes of matchmaking: phrase vectors, and the refresh that precomputes every profile's
recommendations."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from django.core.cache import cache
from django.db import transaction
from tqdm import tqdm

from clusterbridge.clusters.models import Competence
from clusterbridge.matching.models import PhraseVector
from clusterbridge.search.semantic import bytes_to_vector, get_embedder, vector_to_bytes

logger = logging.getLogger(__name__)
EMBED_BATCH = 256


def phrase_vectors_load(*, phrases: Iterable[str]) -> dict[str, np.ndarray]:
    """Stored vectors of the configured embedder for these phrases (those that have one)."""
    embedder = get_embedder()
    wanted = set(phrases)
    found: dict[str, np.ndarray] = {}
    rows = PhraseVector.objects.filter(embedder=embedder.name).values_list("phrase", "vector")
    for phrase, blob in rows.iterator(chunk_size=2000):
        if phrase in wanted:
            found[phrase] = bytes_to_vector(bytes(blob), embedder.dimensions)
    return found


def phrase_vectors_embed(
    *, phrases: Sequence[str], progress: bool = False
) -> dict[str, np.ndarray]:
    """Embeds the phrases and stores their vectors (a phrase stored meanwhile by another
    process is kept as it is: the same model gives the same vector)."""
    embedder = get_embedder()
    todo = sorted(set(phrases))
    out: dict[str, np.ndarray] = {}
    bar = tqdm(total=len(todo), desc="Embedding phrases", unit=" phrases", disable=not progress)
    for start in range(0, len(todo), EMBED_BATCH):
        chunk = todo[start : start + EMBED_BATCH]
        vectors = embedder.embed(chunk)
        with transaction.atomic():
            PhraseVector.objects.bulk_create(
                [
                    PhraseVector(embedder=embedder.name, phrase=p, vector=vector_to_bytes(v))
                    for p, v in zip(chunk, vectors, strict=True)
                ],
                ignore_conflicts=True,
            )
        out.update(zip(chunk, vectors, strict=True))
        bar.update(len(chunk))
    bar.close()
    return out


def phrase_vectors_refresh(*, progress: bool = False) -> int:
    """Embeds every competence phrase that has no vector yet; returns how many were embedded.
    `clusterbridge match_refresh` runs it; run it after large imports (the demo loader too)."""
    phrases = set(Competence.objects.values_list("phrase", flat=True).distinct())
    stored = set(
        PhraseVector.objects.filter(embedder=get_embedder().name).values_list("phrase", flat=True)
    )
    missing = sorted(phrases - stored)
    if missing:
        phrase_vectors_embed(phrases=missing, progress=progress)
    return len(missing)


def vectors_changed() -> None:
    """Moves the shared vectors version on (see `selectors.vectors_version`)."""
    from clusterbridge.matching.selectors import VECTORS_VERSION_KEY

    if not cache.add(VECTORS_VERSION_KEY, 2, timeout=None):
        try:
            cache.incr(VECTORS_VERSION_KEY)
        except ValueError:
            cache.set(VECTORS_VERSION_KEY, 2, timeout=None)


@dataclass
class RefreshReport:
    embedded: int
    clusters: int
    seconds: float


def matching_refresh(*, progress: bool = False) -> RefreshReport:
    """Embeds missing phrase vectors, then computes every cluster's profile panel (five
    partners abroad, five similar clusters) into the shared cache under the current landscape
    version, so that no profile page waits for matchmaking. The lead's demo loader may call
    this after loading."""
    from clusterbridge.matching import selectors

    started = time.perf_counter()
    embedded = phrase_vectors_refresh(progress=progress)
    if embedded:
        vectors_changed()
    clusters = selectors.profile_panels_warm()
    return RefreshReport(
        embedded=embedded, clusters=clusters, seconds=round(time.perf_counter() - started, 2)
    )
