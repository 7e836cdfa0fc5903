"""Property-based contract test of the whole API (DESIGN §4): schemathesis generates requests from
the OpenAPI document and sends them over real HTTP to a live server; no response may be a 5xx
or break the documented schema, status codes and content types.

Not sent: the NUL character (see below). Not checked: "schema-valid data is accepted". The
schema says a region is a string, but only real ISO codes are accepted (a clear 422 names the bad
value), which that check counts as a failure by design."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
import schemathesis
from django.test import Client
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from clusterbridge.api.root import api
from clusterbridge.clusters.models import Cluster


@pytest.fixture
def seeded(make_cluster: Callable[..., Cluster]) -> None:
    # A German and an international cluster, so generated slugs sometimes meet real rows.
    make_cluster(slug="photonics-net", name="Photonics Net", technology_fields=["photonics"])
    make_cluster(
        slug="lyon-biopole",
        name="Lyonbiopôle",
        country="FR",
        region="FR-ARA",
        city="Lyon",
        latitude=45.76,
        longitude=4.84,
        technology_fields=["biotechnology"],
    )


# The document the server publishes at /api/v1/openapi.json (a test asserts they are the same).
schema = schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix="/api/v1"))
# A NUL never reaches an operation: the middleware refuses it with a 400 before routing, for every
# route alike (tests/web/test_hostile_input.py and tests/api/test_hostile_input.py). Here the
# operations' own contract is checked.
schema.config.generation.update(allow_x00=False)


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@pytest.mark.django_db(transaction=True)
def test_api_conforms_to_its_openapi(case: Any, live_server: Any, seeded: None) -> None:
    case.call_and_validate(base_url=live_server.url, excluded_checks=[positive_data_acceptance])


@pytest.mark.django_db
def test_fuzzed_document_is_the_published_one(client: Client) -> None:
    response = client.get("/api/v1/openapi.json")

    assert json.loads(response.content) == schema.raw_schema
