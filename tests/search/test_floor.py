"""The relevance floor of partial matches (see clusterbridge.search.floor)."""

from __future__ import annotations

import numpy as np

from clusterbridge.search.floor import floor_ids


def _ids(*values: int) -> np.ndarray:
    return np.array(values, dtype=np.int64)


def test_a_word_nearly_every_document_holds_carries_no_partial_match() -> None:
    # 100 documents: 90 hold "cluster", documents 1 and 2 hold "batteries" (2 %).
    cluster = _ids(*range(1, 91))
    batteries = _ids(1, 2)

    kept = floor_ids([cluster, batteries], 100)

    assert kept.tolist() == [1, 2]


def test_two_words_a_fifth_of_the_documents_hold_pass_together_not_alone() -> None:
    # Two known words: each must be held by at most 10 % / 2 of the documents, or together.
    electric = _ids(*range(0, 20))
    cars = _ids(*range(10, 30))

    kept = floor_ids([electric, cars], 100)

    assert kept.tolist() == list(range(10, 20))


def test_a_query_of_more_words_asks_more_of_each() -> None:
    # 8 % of the documents: enough for one known word (10 %), not for two (5 % each).
    rare = _ids(*range(8))
    common = _ids(*range(50, 100))

    assert floor_ids([rare], 100).tolist() == list(range(8))
    assert floor_ids([rare, common], 100).tolist() == []


def test_a_close_meaning_carries_a_partial_match_the_words_do_not() -> None:
    cluster = _ids(*range(1, 91))

    def similarity(ids: np.ndarray) -> np.ndarray:
        return np.where(ids == 7, 0.31, 0.29).astype(np.float32)

    assert floor_ids([cluster], 100, similarity).tolist() == [7]


def test_in_a_small_index_a_word_one_document_holds_still_counts() -> None:
    # Five documents: no word can be held by 10 % of them; the rarest possible passes.
    assert floor_ids([_ids(3), _ids(1, 2, 3, 4)], 5).tolist() == [3]


def test_no_known_word_keeps_nothing() -> None:
    assert floor_ids([_ids(), _ids()], 100).tolist() == []
    assert floor_ids([], 100).tolist() == []
