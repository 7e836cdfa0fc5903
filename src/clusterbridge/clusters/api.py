"""The cluster landscape under /api/v1/clusters. Endpoints parse, call one selector or service,
and shape the answer; rules and permissions live in services and rules."""

from __future__ import annotations

import io
import math
import tempfile
from collections.abc import Callable
from typing import Any, Literal

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router
from ninja.errors import ValidationError as NinjaValidationError
from ninja.files import UploadedFile

from clusterbridge.accounts.models import User
from clusterbridge.api.auth import TokenAuth
from clusterbridge.api.problems import problem, problem_responses, problem_schema
from clusterbridge.clusters import selectors, services
from clusterbridge.clusters.jsonld import write_jsonld
from clusterbridge.clusters.models import Cluster
from clusterbridge.clusters.records import write_csv, write_json
from clusterbridge.clusters.schemas import (
    ClusterDetailOut,
    ClusterListQuery,
    ClusterPageOut,
    ClusterProfileIn,
    ImportReportOut,
    RowErrorOut,
)
from clusterbridge.taxonomy.selectors import technology_fields_by_slugs

router = Router(tags=["clusters"])

IMPORT_MAX_BYTES = 20 * 1024 * 1024
# Exports are written to a spooled file first: memory stays bounded (rolling over to disk past
# this size), a database error becomes a 500 instead of a truncated download, and the
# database cursor is used in the request's own thread and transaction.
EXPORT_SPOOL_BYTES = 1024 * 1024


def _actor(request: HttpRequest) -> User:
    """The token's user, which `TokenAuth` puts on the request."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied(_("A user account is required."))
    return user


def _page_url(request: HttpRequest, page: int) -> str:
    query = request.GET.copy()
    query["page"] = str(page)
    return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")


@router.get(
    "",
    response=ClusterPageOut,
    url_name="cluster_list",
    openapi_extra=problem_responses(404, 422),
)
def cluster_list(request: HttpRequest, params: Query[ClusterListQuery]) -> dict[str, Any]:
    """Clusters by name, paged. Unknown filter values are refused (422), never ignored."""
    filters = selectors.cluster_filters_parse(
        countries=params.country,
        fields=params.field,
        kinds=params.kind,
        regions=params.region,
        query=params.q,
    )
    if filters.errors:
        raise NinjaValidationError(
            [{"loc": ("query", name), "msg": message} for name, message in filters.errors.items()]
        )
    queryset = selectors.cluster_list(filters=filters)
    count = queryset.count()
    pages = max(1, math.ceil(count / params.page_size))
    if params.page > pages:
        raise Http404(
            _("Page %(page)s does not exist; the last page is %(pages)s.")
            % {"page": params.page, "pages": pages}
        )
    start = (params.page - 1) * params.page_size
    return {
        "count": count,
        "page": params.page,
        "page_size": params.page_size,
        "next": _page_url(request, params.page + 1) if params.page < pages else None,
        "previous": _page_url(request, params.page - 1) if params.page > 1 else None,
        "results": list(queryset[start : start + params.page_size]),
    }


_FORMATS: dict[str, tuple[Callable[..., int], str, str]] = {
    "csv": (write_csv, "text/csv; charset=utf-8", "clusters.csv"),
    "json": (write_json, "application/json", "clusters.json"),
    "jsonld": (write_jsonld, "application/ld+json", "clusters.jsonld"),
}


# Declared before /{slug}, which would otherwise take "export" for a slug.
@router.get(
    "/export",
    url_name="cluster_export",
    openapi_extra={
        "responses": {
            200: {
                "description": "Every cluster in the exchange format (CSV, JSON) or as "
                "schema.org JSON-LD.",
                "content": {
                    "text/csv": {"schema": {"type": "string"}},
                    "application/json": {"schema": {"type": "array", "items": {"type": "object"}}},
                    "application/ld+json": {
                        "schema": {"type": "object", "required": ["@context", "@graph"]}
                    },
                },
            },
            **problem_responses(422)["responses"],
        }
    },
)
def cluster_export(
    request: HttpRequest, format: Literal["csv", "json", "jsonld"] = "csv"
) -> FileResponse:
    """All clusters as a download; CSV and JSON re-import unchanged through POST /import."""
    writer, content_type, filename = _FORMATS[format]
    # Not in a `with` block: FileResponse closes the file once it is sent.
    spool = tempfile.SpooledTemporaryFile(max_size=EXPORT_SPOOL_BYTES, mode="w+b")  # noqa: SIM115
    try:
        text = io.TextIOWrapper(spool, encoding="utf-8", newline="", write_through=True)
        if format == "jsonld":
            writer(selectors.cluster_records(), text, base_url=request.build_absolute_uri("/"))
        else:
            writer(selectors.cluster_records(), text)
        text.detach()
        spool.seek(0)
    except BaseException:
        spool.close()
        raise
    return FileResponse(spool, as_attachment=True, filename=filename, content_type=content_type)


@router.post(
    "/import",
    auth=TokenAuth(),
    response=ImportReportOut,
    url_name="cluster_import",
    openapi_extra={
        "responses": {
            **problem_responses(401, 403, 413)["responses"],
            **problem_responses(
                422,
                schema=problem_schema(RowErrorOut.model_json_schema()),
                description="The file was rejected and nothing was imported; `errors` lists "
                "every row and column at fault.",
            )["responses"],
        }
    },
)
def cluster_import(
    request: HttpRequest, file: File[UploadedFile], skip_invalid: Form[bool] = False
) -> HttpResponse | services.ImportReport:
    """Imports a CSV or JSON file (administrators only): all or nothing unless `skip_invalid`."""
    actor = _actor(request)
    if not actor.has_perm("clusters.import_clusters"):
        raise PermissionDenied(_("Only administrators may import clusters."))
    if (file.size or 0) > IMPORT_MAX_BYTES:
        return problem(
            413,
            "Content too large",
            _("The file is larger than %(mb)s MB.") % {"mb": IMPORT_MAX_BYTES // (1024 * 1024)},
        )
    try:
        return services.cluster_import(
            data=file.read(),
            filename=file.name or "",
            actor=actor,
            skip_invalid=skip_invalid,
        )
    except services.ImportRejectedError as exc:
        return problem(
            422,
            "Import rejected",
            f"{exc} (the database is unchanged)",
            errors=[
                {"row": error.row, "column": error.column, "message": error.message}
                for error in exc.report.errors
            ],
        )


@router.get(
    "/{slug}",
    response=ClusterDetailOut,
    url_name="cluster_detail",
    openapi_extra=problem_responses(404),
)
def cluster_detail(request: HttpRequest, slug: str) -> Cluster:
    """One cluster's whole profile."""
    return selectors.cluster_get(slug=slug)


@router.patch(
    "/{slug}",
    auth=TokenAuth(),
    response=ClusterDetailOut,
    url_name="cluster_update",
    openapi_extra=problem_responses(401, 403, 404, 422),
)
def cluster_update(request: HttpRequest, slug: str, payload: ClusterProfileIn) -> Cluster:
    """Edits a profile (managers of the cluster and administrators); only sent keys change."""
    actor = _actor(request)
    cluster = selectors.cluster_get(slug=slug)
    # Checked here as well as in the service, so that nobody learns about vocabularies or
    # gets validation hints for a cluster they may not edit.
    if not actor.has_perm("clusters.change_cluster_profile", cluster):
        raise PermissionDenied(_("You may only edit the profiles of clusters you manage."))
    fields = payload.list_sent("technology_fields")
    services.cluster_update_profile(
        cluster=cluster,
        actor=actor,
        data=payload.profile_data(),
        technology_fields=technology_fields_by_slugs(slugs=fields) if fields is not None else None,
        competences_offered=payload.list_sent("competences_offered"),
        competences_sought=payload.list_sent("competences_sought"),
    )
    return selectors.cluster_get(slug=slug)
