"""GET /api/v1/search and /api/v1/search/suggest: the search page's engine as data."""

from __future__ import annotations

from django.http import HttpRequest, QueryDict
from django.utils.translation import get_language
from ninja import Router, Schema
from ninja.errors import ValidationError as NinjaValidationError

from clusterbridge.api.problems import problem_responses
from clusterbridge.search import selectors
from clusterbridge.search.forms import request_from_query
from clusterbridge.search.query import MAX_QUERY_LENGTH

router = Router(tags=["search"])


class HitOut(Schema):
    type: str
    id: int
    title: str
    url: str
    snippet_html: str
    score: float
    matched_by: str
    facets: dict[str, list[str]]


class FacetValueOut(Schema):
    value: str
    label: str
    count: int
    selected: bool


class FacetOut(Schema):
    name: str
    label: str
    values: list[FacetValueOut]


class SearchOut(Schema):
    query: str
    count: int
    page: int
    page_size: int
    pages: int
    notice: str
    results: list[HitOut]
    facets: list[FacetOut]


class SuggestionOut(Schema):
    title: str
    url: str
    type: str


_PARAMETERS = [
    {
        "name": "q",
        "in": "query",
        "schema": {"type": "string"},
        "description": f"Search text; longer text is cut to {MAX_QUERY_LENGTH} characters.",
    },
    {"name": "sort", "in": "query", "schema": {"enum": list(selectors.SORTS)}},
    {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}},
    {
        "name": "page_size",
        "in": "query",
        "schema": {"type": "integer", "minimum": 1, "maximum": selectors.MAX_PAGE_SIZE},
    },
    {"name": "mode", "in": "query", "schema": {"enum": ["blend", "lexical"]}},
    *[
        {
            "name": name,
            "in": "query",
            "schema": {"type": "array", "items": {"type": "string"}},
            "style": "form",
            "explode": True,
            "description": "Facet filter; repeat for several values (OR), combine facets (AND).",
        }
        for name in ("type", "field", "branch", "country", "region", "kind", "label", "member_type")
    ],
]


def _strict(
    params: QueryDict, *, scalars: tuple[str, ...], choices: dict[str, tuple[str, ...]]
) -> None:
    """The page forgives what a form may send (an unknown sort falls back to relevance); the API
    refuses it, so a client learns of its mistake. Long texts are cut, not refused (see `q`)."""
    errors = [
        {"loc": ["query", name], "msg": "give this parameter once"}
        for name in scalars
        if len(params.getlist(name)) > 1
    ]
    errors += [
        {"loc": ["query", name], "msg": f"one of: {', '.join(allowed)}"}
        for name, allowed in choices.items()
        if name in params and params[name] not in allowed
    ]
    if errors:
        raise NinjaValidationError(errors)


@router.get(
    "",
    response=SearchOut,
    summary="Search everything",
    openapi_extra={"parameters": _PARAMETERS, **problem_responses(422)},
)
def search(request: HttpRequest) -> SearchOut:
    _strict(
        request.GET,
        scalars=("q", "sort", "page", "page_size", "mode"),
        choices={"sort": tuple(selectors.SORTS), "mode": ("blend", "lexical")},
    )
    search_request = request_from_query(request.GET)
    try:
        results = selectors.search(search_request)
    except selectors.SearchInputError as error:
        raise NinjaValidationError(
            [{"loc": ["query", error.field], "msg": error.message}]
        ) from None
    language = (get_language() or "en")[:2]
    return SearchOut(
        query=results.query.text,
        count=results.total,
        page=search_request.page,
        page_size=search_request.page_size,
        pages=results.pages,
        notice=results.notice,
        results=[
            HitOut(
                type=hit.doc_type,
                id=hit.object_id,
                title=hit.title,
                url=request.build_absolute_uri(f"/{language}{hit.url_path}"),
                snippet_html=str(hit.snippet),
                score=hit.score,
                matched_by=hit.matched_by,
                facets=hit.facets,
            )
            for hit in results.hits
        ],
        facets=[
            FacetOut(
                name=facet.name,
                label=facet.label,
                values=[FacetValueOut(**value.__dict__) for value in facet.values],
            )
            for facet in results.facets
        ],
    )


@router.get(
    "/suggest",
    response=list[SuggestionOut],
    summary="Titles for search-as-you-type",
    openapi_extra={
        "parameters": [
            {
                "name": "q",
                "in": "query",
                "schema": {"type": "string"},
                "description": "The words typed so far; a long text gives no suggestions.",
            }
        ],
        **problem_responses(422),
    },
)
def suggest(request: HttpRequest) -> list[SuggestionOut]:
    _strict(request.GET, scalars=("q",), choices={})
    language = (get_language() or "en")[:2]
    return [
        SuggestionOut(
            title=s["title"],
            url=request.build_absolute_uri(f"/{language}{s['url_path']}"),
            type=s["type"],
        )
        for s in selectors.suggest(request.GET.get("q", ""))
    ]
