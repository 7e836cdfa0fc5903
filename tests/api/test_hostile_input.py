"""Unsafe input over real HTTP: raw bytes as a client can put them on the wire (a NUL, bytes that
are not UTF-8, JSON `\\u0000` and `\\ud800` escapes) reach the live server, which answers 400
application/problem+json naming where it found them, anonymous or with a token, and never 5xx."""

from __future__ import annotations

import http.client
import json
import socket
from collections.abc import Callable
from typing import Any
from urllib.parse import quote, urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clusterbridge.accounts.models import User
from clusterbridge.clusters.models import Cluster
from tests.api.conftest import HttpResult

pytestmark = pytest.mark.django_db(transaction=True)

# API routes that read query parameters or bodies; `{slug}` becomes a real cluster's slug.
ROUTES = (
    ("GET", "/api/v1/clusters"),
    ("GET", "/api/v1/clusters/{slug}"),
    ("PATCH", "/api/v1/clusters/{slug}"),
    ("GET", "/api/v1/clusters/{slug}/partners"),
    ("GET", "/api/v1/search"),
    ("GET", "/api/v1/search/suggest"),
    ("GET", "/api/v1/taxonomy/regions"),
    ("POST", "/api/v1/cooperation/contact-requests"),
    ("GET", "/api/v1/programme/schedule"),
    ("POST", "/api/v1/programme/rounds"),
)
NAMES = ("q", "country", "field", "region", "kind", "round", "page", "limit", "description_en")


def raw_request(
    base_url: str, method: str, target: bytes, *, body: bytes = b"", token: str = ""
) -> HttpResult:
    """One request written byte for byte: http.client refuses to send what is tested here."""
    parts = urlsplit(base_url)
    lines = [
        method.encode() + b" " + target + b" HTTP/1.1",
        f"Host: {parts.hostname}:{parts.port}".encode(),
        b"Connection: close",
        b"Accept: application/json",
    ]
    if token:
        lines.append(f"Authorization: Bearer {token}".encode())
    if body:
        lines += [b"Content-Type: application/json", f"Content-Length: {len(body)}".encode()]
    with socket.create_connection((parts.hostname or "localhost", parts.port or 80), 30) as sock:
        sock.sendall(b"\r\n".join(lines) + b"\r\n\r\n" + body)
        response = http.client.HTTPResponse(sock)
        response.begin()
        return HttpResult(
            status=response.status,
            headers={key.lower(): value for key, value in response.getheaders()},
            body=response.read(),
        )


def _problem(location: str) -> dict[str, Any]:
    return {
        "type": "about:blank",
        "title": "Bad request",
        "status": 400,
        "detail": "The request holds a NUL character, a lone surrogate or bytes that are not "
        "UTF-8.",
        "errors": [{"location": location, "message": "Remove the character or fix the encoding."}],
    }


unsafe_text = st.builds(
    lambda before, char, after: before + char + after,
    st.text(max_size=5),
    st.one_of(st.just("\x00"), st.integers(0xD800, 0xDFFF).map(chr)),
    st.text(max_size=5),
)


def _wire(text: str) -> bytes:
    """Percent-encoded UTF-8; a lone surrogate becomes three bytes that are not UTF-8."""
    return quote(text.encode("utf-8", errors="surrogatepass"), safe="").encode()


# (how the value travels, its bytes) -> the location the API names.
placements = st.one_of(
    st.tuples(st.just("query"), unsafe_text.map(_wire)),
    # Raw bytes the test server's request-line parser does not take for spaces (\xa0 and \x85
    # are spaces to it once decoded as Latin-1).
    st.tuples(st.just("raw-query"), st.sampled_from([b"\x00", b"a\xff", b"\xed\xbf\xbf", b"\xc3"])),
    st.tuples(st.just("json"), unsafe_text.map(lambda text: json.dumps(text).encode())),
)


@pytest.fixture
def seeded(make_cluster: Callable[..., Cluster], make_user: Callable[..., User]) -> str:
    make_cluster(slug="photonics-net", name="Photonics Net")
    return "photonics-net"


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    route=st.sampled_from(ROUTES),
    name=st.sampled_from(NAMES),
    placement=placements,
    signed_in=st.booleans(),
)
def test_unsafe_input_over_http_is_a_400_problem(
    live_server: Any,
    seeded: str,
    token_for: Callable[[User], str],
    admin_user: User,
    route: tuple[str, str],
    name: str,
    placement: tuple[str, bytes],
    signed_in: bool,
) -> None:
    method, path = route[0], route[1].replace("{slug}", seeded)
    how, value = placement
    token = token_for(admin_user) if signed_in else ""
    if how == "json":
        body = b'{"' + name.encode() + b'": ' + value + b"}"
        result = raw_request(live_server.url, method, path.encode(), body=body, token=token)
    else:
        target = path.encode() + b"?" + name.encode() + b"=" + value
        result = raw_request(live_server.url, method, target, token=token)

    location = name if how == "json" else f"query.{name}"
    assert (result.status, result.headers["content-type"], result.json()) == (
        400,
        "application/problem+json",
        _problem(location),
    )


def test_nul_in_a_path_parameter_over_http_is_a_400_problem(live_server: Any, seeded: str) -> None:
    result = raw_request(live_server.url, "GET", b"/api/v1/clusters/photonics%00net")

    assert (result.status, result.json()) == (400, _problem("path"))


def test_nul_in_a_field_of_an_upload_is_a_400_problem(
    live_server: Any, admin_user: User, token_for: Callable[[User], str]
) -> None:
    boundary = "BoUnDaRy"
    body = (
        f"--{boundary}\r\n"
        'Content-Disposition: form-data; name="file"; filename="clusters.csv"\r\n'
        "Content-Type: text/csv\r\n\r\nslug,name\r\n"
        f"--{boundary}\r\n"
        'Content-Disposition: form-data; name="skip_invalid"\r\n\r\nyes\x00\r\n'
        f"--{boundary}--\r\n"
    ).encode()
    parts = urlsplit(live_server.url)
    connection = http.client.HTTPConnection(parts.hostname or "localhost", parts.port, timeout=30)
    try:
        connection.request(
            "POST",
            "/api/v1/clusters/import",
            body=body,
            headers={
                "Content-Type": f"multipart/form-data; boundary={boundary}",
                "Authorization": f"Bearer {token_for(admin_user)}",
            },
        )
        response = connection.getresponse()
        status, document = response.status, json.loads(response.read())
    finally:
        connection.close()

    assert (status, document) == (400, _problem("form.skip_invalid"))
