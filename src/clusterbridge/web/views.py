from __future__ import annotations

from django.db import connection
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponsePermanentRedirect,
    HttpResponseRedirect,
    JsonResponse,
)
from django.shortcuts import render
from django.templatetags.static import static
from django.utils.translation import get_language_from_request
from django.views.decorators.http import require_GET

from clusterbridge.clusters.selectors import landscape_counts


def root_redirect(request: HttpRequest) -> HttpResponse:
    """`/` sends people to the home page in the language their browser prefers."""
    language = get_language_from_request(request)
    return HttpResponseRedirect(f"/{language}/")


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "web/home.html", {"counts": landscape_counts()})


@require_GET
def about(request: HttpRequest) -> HttpResponse:
    return render(request, "web/about.html")


@require_GET
def robots_txt(request: HttpRequest) -> HttpResponse:
    return HttpResponse(
        "User-agent: *\nDisallow: /en/admin/\nDisallow: /de/admin/\n", content_type="text/plain"
    )


@require_GET
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico whatever the page says; send them to the SVG icon."""
    return HttpResponsePermanentRedirect(static("web/favicon.svg"))


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", {"message": str(exception or "")}, status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "500.html", status=500)
