"""The API docs page (/api/v1/docs) is built from this site's own files: no asset from another
host (it used to load Swagger UI from a CDN and was blank offline), and the site's content
security policy applies to it like to every other page."""

from __future__ import annotations

import json
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.test import Client

pytestmark = pytest.mark.django_db


class _Assets(HTMLParser):
    """Every src and href of the page, and the JSON of its `swagger-settings` script."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.settings_json = ""
        self._in_settings = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        self.urls += [value for name, value in attrs if name in {"src", "href"} and value]
        self._in_settings = tag == "script" and values.get("id") == "swagger-settings"

    def handle_data(self, data: str) -> None:
        if self._in_settings:
            self.settings_json += data

    def handle_endtag(self, tag: str) -> None:
        self._in_settings = False


def _assets(client: Client) -> _Assets:
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    parser = _Assets()
    parser.feed(response.content.decode())
    return parser


def test_docs_page_loads_only_same_origin_assets(client: Client) -> None:
    assets = _assets(client)

    assert assets.urls == [
        "/static/vendor/swagger-ui/swagger-ui.css",
        "/static/web/favicon.svg",
        "/static/vendor/swagger-ui/swagger-ui-bundle.js",
        "/static/web/api-docs.js",
    ]


def _status(client: Client, url: str) -> int:
    response = client.get(url)
    response.close()  # a static file is streamed from an open file
    return response.status_code


def test_docs_page_assets_are_served(client: Client) -> None:
    urls = _assets(client).urls

    assert [(url, _status(client, url)) for url in urls] == [(url, 200) for url in urls]


def test_docs_page_points_swagger_at_the_document_without_the_online_validator(
    client: Client,
) -> None:
    swagger = json.loads(_assets(client).settings_json)

    assert (swagger["url"], swagger["validatorUrl"]) == ("/api/v1/openapi.json", None)


def test_docs_page_keeps_the_sites_content_security_policy(client: Client) -> None:
    response = client.get("/api/v1/docs")

    assert response.headers["Content-Security-Policy"] == settings.CONTENT_SECURITY_POLICY
