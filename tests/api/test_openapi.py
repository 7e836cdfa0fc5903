from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

EXPECTED_OPERATIONS = {
    "/api/v1/clusters": {"get"},
    "/api/v1/clusters/export": {"get"},
    "/api/v1/clusters/import": {"post"},
    "/api/v1/clusters/{slug}": {"get", "patch"},
    "/api/v1/clusters/{slug}/partners": {"get"},
    "/api/v1/taxonomy/fields": {"get"},
    "/api/v1/taxonomy/branches": {"get"},
    "/api/v1/taxonomy/value-chain-roles": {"get"},
    "/api/v1/taxonomy/member-types": {"get"},
    "/api/v1/taxonomy/countries": {"get"},
    "/api/v1/taxonomy/regions": {"get"},
}


@pytest.fixture
def schema(client: Client) -> dict[str, Any]:
    response = client.get("/api/v1/openapi.json")
    assert (response.status_code, response.headers["Content-Type"]) == (200, "application/json")
    document: dict[str, Any] = json.loads(response.content)
    return document


def _refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from _refs(item)


def test_openapi_lists_the_cluster_and_taxonomy_operations(schema: dict[str, Any]) -> None:
    ours = {
        path: set(operations)
        for path, operations in schema["paths"].items()
        if path.startswith(("/api/v1/clusters", "/api/v1/taxonomy"))
    }

    assert (schema["openapi"][:2], ours) == ("3.", EXPECTED_OPERATIONS)


def test_openapi_every_reference_resolves_inside_the_document(schema: dict[str, Any]) -> None:
    components = schema.get("components", {}).get("schemas", {})

    unresolved = [
        ref
        for ref in _refs(schema["paths"])
        if not (
            ref.startswith("#/components/schemas/")
            and ref.removeprefix("#/components/schemas/") in components
        )
    ]

    assert unresolved == []


def test_openapi_writes_need_the_bearer_token_and_reads_do_not(schema: dict[str, Any]) -> None:
    paths = schema["paths"]

    security = {
        (path, method): operation.get("security")
        for path, operations in paths.items()
        if path.startswith("/api/v1/clusters")
        for method, operation in operations.items()
    }

    assert security == {
        ("/api/v1/clusters", "get"): None,
        ("/api/v1/clusters/export", "get"): None,
        ("/api/v1/clusters/import", "post"): [{"TokenAuth": []}],
        ("/api/v1/clusters/{slug}", "get"): None,
        ("/api/v1/clusters/{slug}", "patch"): [{"TokenAuth": []}],
        ("/api/v1/clusters/{slug}/partners", "get"): None,
    }
    assert schema["components"]["securitySchemes"]["TokenAuth"] == {
        "type": "http",
        "scheme": "bearer",
    }


def test_openapi_documents_errors_as_problem_json(schema: dict[str, Any]) -> None:
    patch = schema["paths"]["/api/v1/clusters/{slug}"]["patch"]

    error_types = {
        status: sorted(response["content"])
        for status, response in patch["responses"].items()
        if status != "200"
    }

    assert error_types == {
        "401": ["application/problem+json"],
        "403": ["application/problem+json"],
        "404": ["application/problem+json"],
        "422": ["application/problem+json"],
        "429": ["application/problem+json"],
    }


def test_openapi_export_documents_its_three_formats(schema: dict[str, Any]) -> None:
    export = schema["paths"]["/api/v1/clusters/export"]["get"]

    assert sorted(export["responses"]["200"]["content"]) == [
        "application/json",
        "application/ld+json",
        "text/csv",
    ]
    assert [p["schema"]["enum"] for p in export["parameters"] if p["name"] == "format"] == [
        ["csv", "json", "jsonld"]
    ]


def test_openapi_profile_input_refuses_unknown_keys(schema: dict[str, Any]) -> None:
    profile = schema["components"]["schemas"]["ClusterProfileIn"]

    assert (profile["additionalProperties"], sorted(profile["properties"])) == (
        False,
        [
            "acronym",
            "city",
            "competences_offered",
            "competences_sought",
            "description_de",
            "description_en",
            "members_approx",
            "name",
            "technology_fields",
            "website",
        ],
    )


def test_openapi_docs_page_is_served(client: Client) -> None:
    response = client.get("/api/v1/docs")

    assert (response.status_code, response.headers["Content-Type"]) == (
        200,
        "text/html; charset=utf-8",
    )
    assert b"/api/v1/openapi.json" in response.content
