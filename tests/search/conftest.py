"""Fixtures shared by the search tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest


@pytest.fixture(params=["database", "memory", "memory-dense"])
def engine(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Each way a query is answered: by the backend's full-text index (small indexes), and in
    memory from its postings (large ones, see `search.memory`), with facet counts taken row by
    row or, as for many matches, posting by posting."""
    from clusterbridge.search import facet_index

    facet_index.forget()
    monkeypatch.setattr(facet_index, "IN_MEMORY_FROM", 0 if request.param != "database" else 10**9)
    monkeypatch.setattr(facet_index, "DENSE_FROM", 10**9 if request.param == "memory-dense" else 1)
    yield request.param
    facet_index.forget()
