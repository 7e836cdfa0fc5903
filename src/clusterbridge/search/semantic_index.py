"""Semantic neighbours of a query among the indexed documents' vectors.

Each process keeps the vectors in memory (about 100 MB for 100,000 documents as float16) and
reloads them when the index changes; nothing is shared between processes.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from django.db.models import Count, Max

from clusterbridge.search.models import SearchDocument
from clusterbridge.search.semantic import VectorCache, VectorIndex, get_embedder

_cache = VectorCache()


def _version() -> tuple[object, ...]:
    embedder = get_embedder()
    stats = SearchDocument.objects.filter(embedder=embedder.name).aggregate(
        n=Count("pk"), latest=Max("indexed_at")
    )
    return (embedder.name, stats["n"], stats["latest"])


def _load() -> VectorIndex:
    embedder = get_embedder()
    rows = SearchDocument.objects.filter(embedder=embedder.name).values_list("pk", "embedding")
    return VectorIndex.build(
        ((pk, bytes(blob)) for pk, blob in rows.iterator(chunk_size=5000) if blob),
        embedder.dimensions,
    )


@lru_cache(maxsize=512)
def _query_vector(text: str) -> np.ndarray:
    return get_embedder().embed([text])[0]


def semantic_neighbours(
    text: str, *, allowed_ids: list[int] | None, k: int
) -> list[tuple[int, float]]:
    index = _cache.get(_version(), _load)
    allowed = None if allowed_ids is None else np.asarray(allowed_ids, dtype=np.int64)
    return index.search(_query_vector(text[:1000]), k, allowed_ids=allowed)
