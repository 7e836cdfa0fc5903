from __future__ import annotations

from django.conf import settings
from django.db import connection
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponsePermanentRedirect,
    HttpResponseRedirect,
    JsonResponse,
)
from django.shortcuts import render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import get_language_from_request
from django.views.decorators.http import require_GET

from clusterbridge.accounts.selectors import recently_claimed_clusters
from clusterbridge.common.params import InvalidParameter
from clusterbridge.web import legal, selectors


def root_redirect(request: HttpRequest) -> HttpResponse:
    """`/` sends people to the home page in the language their browser prefers."""
    language = get_language_from_request(request)
    return HttpResponseRedirect(f"/{language}/")


HOME_LIST_LENGTH = 5


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    context = {
        "counts": selectors.home_counts(),
        "partnerships": selectors.latest_partnerships(limit=HOME_LIST_LENGTH),
        "profile_changes": selectors.latest_profile_changes(limit=HOME_LIST_LENGTH),
        "recently_claimed": recently_claimed_clusters(limit=HOME_LIST_LENGTH),
        "signup_url": reverse("account_signup"),
        # One more block of "what is new" renders once its context is here: `open_calls`, when
        # calls for proposals arrive with the content app.
    }
    return render(request, "web/home.html", context)


@require_GET
def about(request: HttpRequest) -> HttpResponse:
    return render(request, "web/about.html")


@require_GET
def imprint(request: HttpRequest) -> HttpResponse:
    return render(request, "web/imprint.html", {"details": legal.operator_details()})


@require_GET
def privacy(request: HttpRequest) -> HttpResponse:
    context = {
        "operator_name": legal.operator_detail("OPERATOR_NAME"),
        "operator_address": legal.operator_detail("OPERATOR_ADDRESS"),
        "contact": legal.data_protection_contact(),
        "cookies": legal.cookies(),
        "sign_in_log_days": settings.SIGN_IN_LOG_DAYS,
    }
    return render(request, "web/privacy.html", context)


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


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """The plain 400 page; it names a query parameter a page cannot use, and keeps other
    reasons (a suspicious host, a broken upload) to the log."""
    message = str(exception) if isinstance(exception, InvalidParameter) else ""
    return HttpResponseBadRequest(render_to_string("400.html", {"message": message}))


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", {"message": str(exception or "")}, status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "500.html", status=500)
