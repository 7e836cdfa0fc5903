from __future__ import annotations

from django.http import QueryDict

from clusterbridge.common.params import parse_int
from clusterbridge.search.selectors import SORTS, Mode, SearchRequest, facet_names


def request_from_query(params: QueryDict, *, page_size: int = 20) -> SearchRequest:
    """A SearchRequest from URL parameters, shared by the page and the API; `validate` in the
    selector checks what this cannot (unknown facet values, ranges)."""
    filters = {
        name: tuple(v for v in params.getlist(name) if v)
        for name in params
        if name not in {"q", "sort", "page", "page_size", "mode", "typing"}
    }
    known = set(facet_names())
    for name in list(filters):
        if name not in known and name.startswith("_"):
            filters.pop(name)  # cache-busting parameters some clients add
    sort = params.get("sort", "relevance")
    # Not a whole number: 0, which validate() refuses with a message naming the parameter.
    page = parse_int(params.get("page", "1")) or 0
    size = parse_int(params.get("page_size", str(page_size))) or 0
    mode: Mode = "lexical" if params.get("mode") == "lexical" else "blend"
    return SearchRequest(
        q=params.get("q", ""),
        filters={k: v for k, v in filters.items() if v},
        sort=sort if sort in SORTS else "relevance",  # type: ignore[arg-type]
        page=page,
        page_size=size,
        mode=mode,
    )
