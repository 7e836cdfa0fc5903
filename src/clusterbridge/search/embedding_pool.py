"""Analysing and embedding many documents on every core: worker processes.

The embedder is pure numpy on one BLAS thread (see `semantic.Usem3Embedder`) and the analysis
pure Python, so one process uses one core: a full reindex hands its documents to worker
processes, which analyse and embed them, while it reads the next ones and writes the results.
Workers are spawned (not forked: the parent holds database
connections and threads) and get only texts; they return float16 vectors as bytes, which the
parent writes. Only the default embedder runs in workers: a configured one may depend on
Django settings or state that a fresh process does not have, and embeds in the caller instead.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from clusterbridge.search.backends import IndexRow
    from clusterbridge.search.types import IndexDocument

# Fewer texts than this are embedded in the caller: starting workers (about 2 s each, loading
# the model) would cost more than it saves.
POOL_FROM = 4000
CHUNK = 256

_worker_embedder: Any = None
_worker_analyzer: Any = None


def _start_worker(concepts: Sequence[tuple[str, Sequence[str]]] | None) -> None:
    global _worker_embedder, _worker_analyzer
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    from clusterbridge.search.semantic import Usem3Embedder

    _worker_embedder = Usem3Embedder()
    _worker_embedder.load()
    if concepts is not None:
        from clusterbridge.search.analysis import build_analyzer

        _worker_analyzer = build_analyzer(concepts)


def _analyse(
    documents: Sequence[IndexDocument], embed: bool
) -> tuple[list[IndexRow], bytes | None]:
    """The documents' index rows (ids left 0) and, if asked, their vectors."""
    from clusterbridge.search.backends import document_row

    rows = [document_row(0, document, _worker_analyzer) for document in documents]
    vectors = (
        _embed([document.embedding_text or document.title for document in documents])
        if embed
        else None
    )
    return rows, vectors


def _embed(texts: Sequence[str]) -> bytes:
    """float16 little-endian rows, as `semantic.vector_to_bytes` stores them."""
    import numpy as np

    vectors = _worker_embedder.embed(list(texts))
    if not np.all(np.isfinite(vectors)):
        raise ValueError("the embedder returned non-finite components")
    return bytes(vectors.astype("<f2").tobytes())


def workers_for(count: int) -> int:
    """How many worker processes `count` texts are worth: none below `POOL_FROM`, otherwise
    one per core (setting SEARCH_EMBED_WORKERS overrides; 0 embeds in the caller)."""
    from django.conf import settings

    from clusterbridge.search.semantic import Usem3Embedder, get_embedder

    configured = getattr(settings, "SEARCH_EMBED_WORKERS", None)
    wanted = int(configured) if configured is not None else (os.cpu_count() or 1)
    if count < POOL_FROM or wanted < 1 or type(get_embedder()) is not Usem3Embedder:
        return 0
    return wanted


class EmbeddingPool:
    """Submit (id, text) pairs in any number of calls; `done()` yields finished (id, vector
    bytes) pairs as they come, `finish()` the rest."""

    def __init__(
        self,
        workers: int,
        dimensions: int,
        *,
        concepts: Sequence[tuple[str, Sequence[str]]] | None = None,
    ) -> None:
        """`concepts`: what the analyzer is built from (see `services.analyzer_fingerprint`),
        for `submit_documents`."""
        self.dimensions = dimensions
        self.max_queued = 2 * workers + 2
        self._executor = ProcessPoolExecutor(
            max_workers=workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_start_worker,
            initargs=(concepts,),
        )
        self._pending: list[tuple[list[int], Future[bytes]]] = []
        self._buffer: list[tuple[int, str]] = []
        self._documents: deque[
            tuple[Sequence[IndexDocument], Future[tuple[list[IndexRow], bytes | None]]]
        ] = deque()

    def submit_documents(self, documents: Sequence[IndexDocument], *, embed: bool) -> None:
        self._documents.append((documents, self._executor.submit(_analyse, documents, embed)))

    def analysed(
        self, *, wait: bool
    ) -> Iterator[tuple[Sequence[IndexDocument], list[IndexRow], bytes | None]]:
        """Finished batches in the order they were submitted (all of them if `wait`). Waits for
        the oldest while more than a few are queued, so that memory stays bounded when the
        workers fall behind."""
        while self._documents and (
            wait or self._documents[0][1].done() or len(self._documents) > self.max_queued
        ):
            documents, future = self._documents.popleft()
            rows, vectors = future.result()
            yield documents, rows, vectors

    def submit(self, items: Sequence[tuple[int, str]]) -> None:
        self._buffer.extend(items)
        while len(self._buffer) >= CHUNK:
            self._send(self._buffer[:CHUNK])
            self._buffer = self._buffer[CHUNK:]

    def _send(self, items: Sequence[tuple[int, str]]) -> None:
        ids = [doc_id for doc_id, _text in items]
        future = self._executor.submit(_embed, [text for _id, text in items])
        self._pending.append((ids, future))

    def _split(self, ids: list[int], data: bytes) -> list[tuple[int, bytes]]:
        size = self.dimensions * 2
        if len(data) != size * len(ids):
            raise RuntimeError(f"a worker returned {len(data)} bytes for {len(ids)} texts")
        return [(doc_id, data[i * size : (i + 1) * size]) for i, doc_id in enumerate(ids)]

    def done(self) -> list[tuple[int, bytes]]:
        finished, waiting = [], []
        for ids, future in self._pending:
            if future.done():
                finished.extend(self._split(ids, future.result()))
            else:
                waiting.append((ids, future))
        self._pending = waiting
        return finished

    def finish(self) -> list[tuple[int, bytes]]:
        if self._buffer:
            self._send(self._buffer)
            self._buffer = []
        finished = []
        for ids, future in self._pending:
            finished.extend(self._split(ids, future.result()))
        self._pending = []
        return finished

    def close(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> EmbeddingPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
