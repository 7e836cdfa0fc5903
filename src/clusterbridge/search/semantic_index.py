"""Semantic neighbours of a query among the indexed documents' vectors.

Each process keeps the vectors in memory (about 100 MB for 100,000 documents as float16) and
reloads them when the index changes; nothing is shared between processes.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Hashable
from functools import lru_cache

import numpy as np
from django.db import connection

from clusterbridge.search.models import SearchDocument
from clusterbridge.search.semantic import VectorCache, VectorIndex, get_embedder

_cache = VectorCache()
# Comparing the version costs a scan of the documents (about 100 ms at 100,000 on SQLite), more
# than the search itself: a large index is trusted for a few seconds between checks, unless this
# process changed it. Small indexes (tests, a fresh site) are checked on every query.
RECHECK_SECONDS = 5.0
TRUSTED_FROM = 20_000
_checked: tuple[float, int, Hashable] | None = None  # (when, local changes, version)
_changes = 0
_changes_lock = threading.Lock()


def index_changed() -> None:
    """Called by this process's writes to vectors: the next query compares versions again."""
    global _changes
    with _changes_lock:
        _changes += 1


def _current_version() -> Hashable:
    global _checked
    checked, entry, now = _checked, _cache._entry, time.monotonic()
    if (
        checked is not None
        and entry is not None
        and entry[0] == checked[2]
        and len(entry[1]) >= TRUSTED_FROM
        and checked[1] == _changes
        and now - checked[0] < RECHECK_SECONDS
    ):
        return checked[2]
    changes = _changes
    version = _version()
    _checked = (now, changes, version)
    return version


def _version() -> tuple[object, ...]:
    embedder = get_embedder()
    # Two subqueries, each answered from the (embedder, indexed_at) index.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (SELECT COUNT(*) FROM search_searchdocument WHERE embedder = %s), "
            "(SELECT MAX(indexed_at) FROM search_searchdocument WHERE embedder = %s)",
            [embedder.name, embedder.name],
        )
        count, latest = cursor.fetchone()
    return (embedder.name, count, str(latest))


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
    index = _cache.get(_current_version(), _load)
    allowed = None if allowed_ids is None else np.asarray(allowed_ids, dtype=np.int64)
    return index.search(_query_vector(text[:1000]), k, allowed_ids=allowed)


def semantic_similarities(text: str, ids: np.ndarray) -> np.ndarray:
    """The cosine of the query text with each document of `ids` (aligned; -1 without a
    vector)."""
    index = _cache.get(_current_version(), _load)
    return index.similarities(_query_vector(text[:1000]), ids)
