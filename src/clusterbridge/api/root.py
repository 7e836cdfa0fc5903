"""The API under /api/v1/: one NinjaAPI, routers from each domain, one error shape (RFC 9457)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from ninja import NinjaAPI, Swagger
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from clusterbridge.api.auth import TokenThrottledError
from clusterbridge.api.problems import problem
from clusterbridge.clusters.api import router as clusters_router
from clusterbridge.cooperation.api import router as cooperation_router
from clusterbridge.matching.api import clusters_router as matching_clusters_router
from clusterbridge.matching.api import router as matching_router
from clusterbridge.programme.api import router as programme_router
from clusterbridge.search.api import router as search_router
from clusterbridge.taxonomy.api import router as taxonomy_router


class OfflineSwagger(Swagger):
    """Swagger UI from the site's own static files (web/static/vendor/swagger-ui, refreshed by
    scripts/vendor_static.sh) instead of a CDN: the docs work offline and under the site's
    content security policy, which allows no other host and no inline script."""

    template = "api/docs.html"

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        settings = {**self.settings, "url": self.get_openapi_url(api, kwargs)}
        return render(request, self.template, {"api": api, "swagger_settings": settings})


api = NinjaAPI(
    title="clusterbridge API",
    version="1",
    description=(
        "The cluster landscape as data. Reads are public; writes need a bearer token "
        "(create one on your account page). Errors are application/problem+json."
    ),
    urls_namespace="api-v1",
    # No validator badge: it would send the document to validator.swagger.io.
    docs=OfflineSwagger(settings={"validatorUrl": None}),
    docs_url="/docs",
    openapi_url="/openapi.json",
)
api.add_router("/clusters", clusters_router)
api.add_router("/clusters", matching_clusters_router)
api.add_router("/taxonomy", taxonomy_router)
api.add_router("/search", search_router)
api.add_router("/matching", matching_router)
api.add_router("/cooperation", cooperation_router)
api.add_router("/programme", programme_router)


def _location(loc: list[Any]) -> str:
    """`body.payload.website` → `website`, the same name the services use for a body field."""
    parts = [str(part) for part in loc]
    if parts[:2] == ["body", "payload"]:
        parts = parts[2:]
    return ".".join(parts)


@api.exception_handler(NinjaValidationError)
def _invalid_request(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors: list[dict[str, Any]] = [
        {"location": _location(error.get("loc", [])), "message": error.get("msg", "")}
        for error in exc.errors
    ]
    return problem(422, "Invalid request", "Some parameters are not valid.", errors=errors)


@api.exception_handler(ValidationError)
def _rule_broken(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    if hasattr(exc, "error_dict"):
        errors = [
            {"location": field, "message": message}
            for field, messages in exc.message_dict.items()
            for message in messages
        ]
    else:
        errors = [{"location": "", "message": message} for message in exc.messages]
    return problem(422, "Invalid data", "The data breaks a rule.", errors=errors)


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return problem(404, "Not found", str(exc) or "No such resource.")


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return problem(403, "Forbidden", str(exc) or "You may not do this.")


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = problem(401, "Unauthorized", "A valid bearer token is required.")
    response.headers["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(TokenThrottledError)
def _throttled(request: HttpRequest, exc: TokenThrottledError) -> HttpResponse:
    response = problem(
        429, "Too many requests", "Too many wrong tokens from your address; try again later."
    )
    response.headers["Retry-After"] = "300"
    return response


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return problem(exc.status_code, HttpResponse(status=exc.status_code).reason_phrase, str(exc))
