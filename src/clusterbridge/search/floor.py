"""The relevance floor of partial matches: which documents holding only some of a query's words
still count as results.

When no document holds every word of a query, the search falls back to documents holding any
of them. A descriptive query then matched nearly everything through its common words: "clusters
that help small companies develop batteries for electric cars" found 580 of the 582 documents
of the demo index, most of them for "clusters" or "companies" alone, and the facet counts
counted them all. A partial match stays a result only where its evidence clears a floor:

- its words are specific: a document of the index picked at random would hold all the words
  it holds with a chance of at most `SPECIFIC_SHARE` divided by the number k of query words
  the index knows (taking words as independent, as BM25's idf does; dividing by k, as the
  Bonferroni correction does, because a query of k words offers k chances of a lucky match).
  In log terms: the sum over the words it holds of log(N / df) reaches log(k / share). With
  two known words, one held by 5 % of the documents passes alone; "clusters", held by nearly
  all, never does; two words held by a fifth of the documents each pass together.
- or, when the search blends in meaning, its vector is close to the query's: cosine at least
  `PARTIAL_COSINE`. The documents found by meaning alone need `SEMANTIC_THRESHOLD` (see
  selectors); a partial match has some lexical evidence too, so less suffices.

The database and the in-memory path both hand this module the same set of documents per word,
so they keep the same documents and report the same totals.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np

# Chosen on the relevance set (tests/search/relevance.json) with `python -m bench.search_floor`
# (results in bench/results/search-floor-*.json): every share of 1, 2, 5, 10, 20 and 30 %
# crossed with every cosine of 0.20, 0.25, 0.30, 0.35 and 0.42, on both engines (SQLite).
# Taken: the pair that (1) keeps blend recall@10 where it is without a floor on both engines
# (0.914 database, 0.920 memory), (2) costs the lexical-only mode, which has no cosine to
# rescue a match, at most 0.02 of recall@10, and (3) leaves the fewest results per query:
# 8.2 instead of 17.0 (the descriptive queries: 11 instead of 78). Stricter pairs drop
# relevant clusters that hold one specific word of a German descriptive query and resemble it
# only loosely (q120 "Maschinen für die Feldarbeit auf dem Bauernhof": cvc holds "Maschinen",
# 6 % of the documents, at cosine 0.27: a share of 5 % drops it).
SPECIFIC_SHARE = 0.10
PARTIAL_COSINE = 0.30


def floor_ids(
    clause_ids: Sequence[np.ndarray],
    size: int,
    similarity: Callable[[np.ndarray], np.ndarray] | None = None,
) -> np.ndarray:
    """The documents, among those holding at least one clause, whose evidence clears the
    floor, as ascending ids. `clause_ids`: per clause (and phrase), the ids of every document
    of the index that matches it; `size`: the number of documents in the index;
    `similarity(ids)`: the query's cosine with those documents (None: lexical evidence only)."""
    sets = [np.asarray(ids, dtype=np.int64) for ids in clause_ids]
    if not sets or size <= 0:
        return np.empty(0, dtype=np.int64)
    candidates = np.unique(np.concatenate(sets))
    information = np.zeros(candidates.size, dtype=np.float64)
    known = [ids for ids in sets if ids.size]
    if not known:
        return np.empty(0, dtype=np.int64)
    for ids in known:
        information[np.isin(candidates, ids)] += math.log(size / min(size, ids.size))
    # Bonferroni: a query of k known words offers k chances of a lucky match, so each must be
    # k times as unlikely. No word is more specific than one held by a single document, which
    # keeps a small index (where no word is rare) from losing every partial match.
    need = min(math.log(len(known)) - math.log(SPECIFIC_SHARE), math.log(size))
    keep = information >= need - 1e-9  # a hair of tolerance for rounding
    if similarity is not None and not keep.all():
        rest = np.flatnonzero(~keep)
        keep[rest] = similarity(candidates[rest]) >= PARTIAL_COSINE
    return candidates[keep]
