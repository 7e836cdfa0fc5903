from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from clusterbridge.search import selectors
from clusterbridge.search.forms import request_from_query


@require_GET
def search_page(request: HttpRequest) -> HttpResponse:
    search_request = request_from_query(request.GET)
    context: dict[str, object] = {
        "search_request": search_request,
        "error": None,
        "active_filters": sum(len(values) for values in search_request.filters.values()),
    }
    status = 200
    try:
        context["results"] = selectors.search(search_request)
    except selectors.SearchInputError as error:
        context["error"] = error
        context["results"] = None
        status = 400
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("typing", None)
    context["base_query"] = query.urlencode()
    template = "search/_results.html" if request.htmx else "search/search.html"  # type: ignore[attr-defined]
    return render(request, template, context, status=status)


@require_GET
def suggest(request: HttpRequest) -> HttpResponse:
    suggestions = selectors.suggest(request.GET.get("q", ""))
    return render(request, "search/_suggestions.html", {"suggestions": suggestions})
