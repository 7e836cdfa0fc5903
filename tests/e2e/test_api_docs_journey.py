"""The API docs in Chromium, offline: every request to another host is cut, the site's content
security policy is enforced (not bypassed), and Swagger UI still lists every operation of the
OpenAPI document."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db(transaction=True)


def test_api_docs_render_every_operation_offline_under_the_csp(
    live_server: Any, browser: Any
) -> None:
    document = json.loads(Client().get("/api/v1/openapi.json").content)
    operations = sorted(
        f"{method.upper()} {path}"
        for path, item in document["paths"].items()
        for method in item
        if method in {"get", "post", "put", "patch", "delete"}
    )
    origin = urlsplit(live_server.url).netloc
    foreign: list[str] = []
    context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
    # Offline: nothing leaves this host.
    context.route(
        "**/*",
        lambda route: (
            route.continue_()
            if urlsplit(route.request.url).netloc == origin
            else (foreign.append(route.request.url), route.abort())
        ),
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)

    page.goto(f"{live_server.url}/api/v1/docs")
    page.locator(".opblock").nth(len(operations) - 1).wait_for()
    shown = sorted(
        f"{block.locator('.opblock-summary-method').inner_text()} "
        f"{block.locator('.opblock-summary-path').get_attribute('data-path')}"
        for block in page.locator(".opblock").all()
    )
    title = page.locator(".info .title").inner_text()
    context.close()

    assert (title.startswith("clusterbridge API"), shown, foreign, errors) == (
        True,
        operations,
        [],
        [],
    )
