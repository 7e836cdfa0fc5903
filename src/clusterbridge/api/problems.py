from __future__ import annotations

import json
from typing import Any

from django.http import HttpResponse

PROBLEM_CONTENT_TYPE = "application/problem+json"


def problem(status: int, title: str, detail: str, **extra: Any) -> HttpResponse:
    """An RFC 9457 problem document, the API's single error shape."""
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail, **extra}
    return HttpResponse(
        json.dumps(body, ensure_ascii=False), status=status, content_type=PROBLEM_CONTENT_TYPE
    )


# Written out rather than generated from a pydantic model: a generated schema nests its parts
# under `$defs`, and a `#/$defs/...` reference does not resolve inside an OpenAPI document.
_LOCATED_ERROR: dict[str, Any] = {
    "type": "object",
    "required": ["location", "message"],
    "properties": {
        "location": {
            "type": "string",
            "description": "Where the error is, e.g. `query.country` or `website`.",
        },
        "message": {"type": "string"},
    },
}


def problem_schema(error_item: dict[str, Any] = _LOCATED_ERROR) -> dict[str, Any]:
    """JSON schema of an RFC 9457 problem document, the API's one error shape."""
    return {
        "type": "object",
        "required": ["type", "title", "status", "detail"],
        "properties": {
            "type": {"type": "string"},
            "title": {"type": "string"},
            "status": {"type": "integer"},
            "detail": {"type": "string"},
            "errors": {"type": "array", "items": error_item},
        },
    }


_PROBLEM_DESCRIPTIONS = {
    401: "No valid bearer token.",
    403: "The token's user may not do this.",
    404: "No such resource.",
    413: "The upload is too large.",
    422: "Invalid parameters or data; `errors` names each one.",
    429: "Too many wrong tokens from this client address; `Retry-After` says when to try again.",
}


def problem_responses(
    *statuses: int, schema: dict[str, Any] | None = None, description: str = ""
) -> dict[str, Any]:
    """`openapi_extra` documenting error responses as application/problem+json.

    Declaring them as ninja response models would document them as application/json, which is
    not what `api.root` sends, and schema checkers (schemathesis) would flag the mismatch.
    """
    body = {PROBLEM_CONTENT_TYPE: {"schema": schema or problem_schema()}}
    if 401 in statuses and 429 not in statuses:
        # Wherever a token is checked, wrong tokens are throttled per client address.
        statuses = (*statuses, 429)
    return {
        "responses": {
            status: {
                "description": description or _PROBLEM_DESCRIPTIONS.get(status, "Error."),
                "content": body,
            }
            for status in statuses
        }
    }
