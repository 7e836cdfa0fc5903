"""Matching and ranking in memory, for large indexes.

At 100,000 documents a field word matches tens of thousands of them. Each search would have the
full-text index evaluate the whole query twice (once for the matched set that facets are counted
over, once more to rank the few within the filters, as ranking first counts every query word's
documents): 20 to 40 ms on SQLite, more on PostgreSQL, for every query.

Here the backend's full-text index is asked per query *word* instead: which documents hold the
token in their title, text and taxonomy columns (or a word with the prefix, or the phrase). Those
postings are kept per process with the facet index of the same version (`FacetIndex.postings`),
so a query is combined from postings mostly seen before: unions and intersections of boolean
masks, a few milliseconds. The boolean logic is the one the backends run (see `query`), so the
matches are the same; the ranking is BM25 over about the same column weights, counting whether
a column holds a token rather than how often (the analysed columns rarely repeat a token).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from clusterbridge.search.backends import get_backend
from clusterbridge.search.facet_index import FacetIndex, full_text_row, parse_ids
from clusterbridge.search.query import ParsedQuery, rank_tokens

# As the backends rank (title 10, text 3, taxonomy 1.5, words 0.5), except that text and
# taxonomy are not told apart: reading which holds a token would cost a third pass over its
# documents, for a small difference in the ranking (relevance set: recall@10 unchanged).
TITLE_WEIGHT = 10.0
MATCH_WEIGHT = 2.25  # held in the title, text or taxonomy
WORDS_WEIGHT = 0.5  # prefixes and phrases, matched in the words
K1 = 1.2
# Postings kept per process and index version, oldest dropped first.
CACHE_BYTES = 192 * 1024 * 1024
# Postings fetched per statement.
FETCH_BATCH = 24

# ("token", token), ("prefix", prefix) or ("phrase", words)
Key = tuple[str, Any]


@dataclass(frozen=True)
class Posting:
    rows: np.ndarray  # ascending rows (see FacetIndex) of the documents that hold it
    weights: np.ndarray  # per row: the weight of the columns that hold it

    @property
    def nbytes(self) -> int:
        return int(self.rows.nbytes + self.weights.nbytes)


def _token_key(token: str) -> Key:
    return ("token", token)


def _prefix_key(prefix: str) -> Key:
    return ("prefix", prefix)


def _phrase_key(phrase: Sequence[str]) -> Key:
    return ("phrase", tuple(phrase))


def posting(index: FacetIndex, key: Key) -> Posting:
    """The key's posting, from this process's copy or else from the full-text index."""
    cached = index.postings.get(key)
    if cached is not None:
        return cached
    return fetch(index, [key])[key]


def fetch(index: FacetIndex, keys: Iterable[Key]) -> dict[Key, Posting]:
    """Fetches the postings of the keys this process has not seen yet, many per statement (on
    PostgreSQL each statement also costs a transaction and two settings); returns them."""
    missing = [key for key in dict.fromkeys(keys) if key not in index.postings]
    fetched: dict[Key, Posting] = {}
    for start in range(0, len(missing), FETCH_BATCH):
        chunk = missing[start : start + FETCH_BATCH]
        parts: list[str] = []
        params: list[object] = []
        for number, key in enumerate(chunk):
            sql, key_params = _postings_sql(key)
            parts.append(f"({sql}) AS p{number}")
            params.extend(key_params)
        row = full_text_row("SELECT * FROM " + ", ".join(parts), params) or ()  # noqa: S608
        offset = 0
        for key in chunk:
            width = 2 if key[0] == "token" else 1
            values = [*row[offset : offset + width], None, None][:width]
            fetched[key] = _posting_of(index, key[0], values)
            offset += width
        with index.lock:
            index.postings.update((key, fetched[key]) for key in chunk)
            _evict(index)
    return fetched


def _postings_sql(key: Key) -> tuple[str, list[object]]:
    kind, value = key
    backend = get_backend()
    if kind == "token":
        return backend.token_postings_sql(value)
    text = value if kind == "prefix" else " ".join(value)
    return backend.words_postings_sql(text, prefix=kind == "prefix")


def _posting_of(index: FacetIndex, kind: str, values: Sequence[str | None]) -> Posting:
    rows = index.rows_of(parse_ids(values[0]))  # ascending, as the ids are
    if kind == "token":
        weights = np.full(rows.size, MATCH_WEIGHT, dtype=np.float32)
        titled = index.rows_of(parse_ids(values[1]))
        weights[np.isin(rows, titled, assume_unique=True)] += TITLE_WEIGHT
    else:
        weights = np.full(rows.size, WORDS_WEIGHT, dtype=np.float32)
    return Posting(rows.astype(np.int32), weights)


def query_keys(query: ParsedQuery) -> list[Key]:
    """Every posting the query's matching and ranking read."""
    keys = [_token_key(token) for token in rank_tokens(query)]
    keys += [_prefix_key(clause.prefix) for clause in query.clauses if clause.prefix]
    keys += [_phrase_key(phrase) for phrase in query.phrases]
    return keys


def _evict(index: FacetIndex) -> None:
    total = sum(p.nbytes for p in index.postings.values())
    for key in list(index.postings):
        if total <= CACHE_BYTES:
            return
        total -= index.postings.pop(key).nbytes


def clause_masks(query: ParsedQuery, index: FacetIndex) -> list[np.ndarray]:
    """Over all rows, per clause and then per phrase: whether the document matches it (as the
    backends match one clause)."""
    size = len(index)
    fetch(index, query_keys(query))

    def mask_of(key: Key) -> np.ndarray:
        mask = np.zeros(size, dtype=bool)
        mask[posting(index, key).rows] = True
        return mask

    masks = []
    for clause in query.clauses:
        clause_mask = np.zeros(size, dtype=bool)
        for alternative in clause.alternatives:
            alternative_mask: np.ndarray | None = None
            for group in alternative:
                group_mask = np.zeros(size, dtype=bool)
                for token in group:
                    group_mask[posting(index, _token_key(token)).rows] = True
                alternative_mask = (
                    group_mask if alternative_mask is None else alternative_mask & group_mask
                )
            if alternative_mask is not None:
                clause_mask |= alternative_mask
        if clause.prefix:
            clause_mask |= mask_of(_prefix_key(clause.prefix))
        masks.append(clause_mask)
    for phrase in query.phrases:
        masks.append(mask_of(_phrase_key(phrase)))
    return masks


def matches(query: ParsedQuery, index: FacetIndex) -> np.ndarray:
    """The rows of the documents the query matches (as the backends would), ascending."""
    masks = clause_masks(query, index)
    if not masks:
        return np.empty(0, dtype=np.int64)
    combined = masks[0]
    for mask in masks[1:]:
        combined = (combined | mask) if query.any_words else (combined & mask)
    return np.flatnonzero(combined)


def scores(query: ParsedQuery, index: FacetIndex, rows: np.ndarray) -> np.ndarray:
    """BM25 of the given rows for the query's tokens (higher is better): each token's inverse
    document frequency times its saturated column weight, as FTS5's bm25() with the backends'
    column weights, counting presence rather than frequency."""
    size = len(index)
    total = np.zeros(size, dtype=np.float64)
    for key in query_keys(query):
        found = posting(index, key)
        holding = found.rows.size
        if not holding:
            continue
        idf = max(math.log((size - holding + 0.5) / (holding + 0.5)), 1e-6)
        weight = found.weights.astype(np.float64)
        total[found.rows] += idf * weight * (K1 + 1) / (weight + K1)
    return total[rows]


def ranked(
    query: ParsedQuery, index: FacetIndex, rows: np.ndarray, *, sort: str, limit: int
) -> list[int]:
    """The ids of the first `limit` of the rows in the order asked for: relevance (ties by id),
    name or newest."""
    if rows.size == 0 or limit <= 0:
        return []
    if sort == "relevance":
        score = scores(query, index, rows)
        if rows.size > limit:
            # Only the rows scoring at least the limit-th best can make the cut.
            threshold = np.partition(score, rows.size - limit)[rows.size - limit]
            keep = score >= threshold
            rows, score = rows[keep], score[keep]
        order = np.lexsort((index.ids[rows], -score))
    else:
        place = (index.name_rank if sort == "name" else index.newest_rank)[rows]
        if rows.size > limit:
            keep = np.argpartition(place, limit - 1)[:limit]
            rows, place = rows[keep], place[keep]
        order = np.argsort(place, kind="stable")
    return [int(i) for i in index.ids[rows[order][:limit]]]
