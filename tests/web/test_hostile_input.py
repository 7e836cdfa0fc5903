"""NUL characters, lone surrogates and bytes that are not UTF-8 never reach a view (PostgreSQL
cannot store NUL; no database can encode a lone surrogate): every route of the URL resolver,
GET and POST, anonymous and signed in, answers 400, as application/problem+json on the API and
as a plain page elsewhere."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.web.conftest import World

pytestmark = pytest.mark.django_db

USERS = ("anonymous", "manager", "partner", "juror", "officer", "admin")
# Parameters the views and endpoints read, and a few they do not.
NAMES = ("q", "country", "field", "kind", "region", "page", "round", "per", "limit", "next")
NAMES += ("format", "exclude_partners", "title", "message", "summary", "name", "x")

API_TYPE = "application/problem+json"
PAGE_TYPE = "text/html; charset=utf-8"

unsafe_char = st.one_of(st.just("\x00"), st.integers(0xD800, 0xDFFF).map(chr))
# Text with a NUL or a lone surrogate somewhere in it.
unsafe_text = st.builds(
    lambda before, char, after: before + char + after,
    st.text(max_size=6),
    unsafe_char,
    st.text(max_size=6),
)


def _has_surrogate(text: str) -> bool:
    return any(0xD800 <= ord(char) <= 0xDFFF for char in text)


nul_text = st.builds(
    lambda before, after: before + "\x00" + after, st.text(max_size=6), st.text(max_size=6)
).filter(lambda text: not _has_surrogate(text))


def _not_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


def _bytes(text: str) -> bytes:
    """UTF-8, with a lone surrogate written as the (invalid) three bytes it would take."""
    return text.encode("utf-8", errors="surrogatepass")


@dataclass(frozen=True)
class Hostile:
    """One request with unsafe input in one place, and where the API says it found it."""

    placement: str
    name: str
    value: bytes  # text already encoded (percent-encoded, raw or as JSON)
    location: str


def _query(name: str, value: bytes) -> str:
    """A QUERY_STRING as WSGI passes it: the raw bytes decoded as Latin-1."""
    return (name.encode() + b"=" + value).decode("iso-8859-1")


def _send(client: Client, method: str, route: str, hostile: Hostile, token: str) -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    if hostile.placement == "path":
        # Into the last segment, which is a path parameter's value on many routes.
        head, slash, tail = route.rstrip("/").rpartition("/")
        path = head + slash + tail + hostile.value.decode("ascii") + route[len(route.rstrip("/")) :]
        return client.generic(method, path, headers=headers)
    if hostile.placement == "query":
        query = _query(hostile.name, hostile.value)
        return client.generic(method, route, QUERY_STRING=query, headers=headers)
    if hostile.placement == "form":
        body = hostile.name.encode() + b"=" + hostile.value
        content_type = "application/x-www-form-urlencoded"
    elif hostile.placement == "multipart":
        boundary = "BoUnDaRy"
        head = f'--{boundary}\r\nContent-Disposition: form-data; name="{hostile.name}"\r\n\r\n'
        body = head.encode() + hostile.value + f"\r\n--{boundary}--\r\n".encode()
        content_type = f"multipart/form-data; boundary={boundary}"
    else:
        body, content_type = hostile.value, "application/json"
    return client.generic(method, route, data=body, content_type=content_type, headers=headers)


def _percent(text: str) -> bytes:
    return quote(_bytes(text), safe="").encode()


hostiles = st.one_of(
    st.builds(
        lambda name, text: Hostile("query", name, _percent(text), f"query.{name}"),
        st.sampled_from(NAMES),
        unsafe_text,
    ),
    st.builds(
        lambda name, data: Hostile("query", name, data, f"query.{name}"),
        st.sampled_from(NAMES),
        st.one_of(unsafe_text.map(_bytes), st.binary(min_size=1, max_size=8).filter(_not_utf8))
        .map(lambda data: data.replace(b"&", b"").replace(b"%", b"").replace(b"+", b""))
        .filter(lambda data: b"\x00" in data or _not_utf8(data)),
    ),
    st.builds(
        lambda name, text: Hostile("form", name, _percent(text), f"form.{name}"),
        st.sampled_from(NAMES),
        unsafe_text,
    ),
    st.builds(
        lambda name, text: Hostile("multipart", name, text.encode(), f"form.{name}"),
        st.sampled_from(NAMES),
        nul_text,
    ),
    st.builds(
        lambda name, text: Hostile("json", name, json.dumps({name: text}).encode(), name),
        st.sampled_from(NAMES),
        unsafe_text,
    ),
    st.builds(
        lambda name, text: Hostile(
            "json",
            name,
            # Not escaped: a lone surrogate is three bytes that are not UTF-8.
            _bytes(json.dumps([{name: text}], ensure_ascii=False)),
            f"0.{name}",
        ),
        st.sampled_from(NAMES),
        unsafe_text,
    ),
    st.builds(lambda text: Hostile("path", "", _percent(text), "path"), nul_text),
)


def _expected(route: str, hostile: Hostile) -> tuple[int, str, Any]:
    if route.startswith("/api/"):
        message = "Remove the character or fix the encoding."
        problem = {
            "type": "about:blank",
            "title": "Bad request",
            "status": 400,
            "detail": "The request holds a NUL character, a lone surrogate or bytes that are "
            "not UTF-8.",
            "errors": [{"location": hostile.location, "message": message}],
        }
        return 400, API_TYPE, problem
    return 400, PAGE_TYPE, "Bad request"


def _seen(response: Any, route: str) -> tuple[int, str, Any]:
    if route.startswith("/api/") and response["Content-Type"] == API_TYPE:
        return response.status_code, response["Content-Type"], json.loads(response.content)
    title = response.content.decode(errors="replace").partition("<h1>")[2].partition("</h1>")[0]
    return response.status_code, response["Content-Type"], title


@pytest.fixture
def clients(world: World) -> Callable[[str], Client]:
    made: dict[str, Client] = {}

    def client(who: str) -> Client:
        if who not in made:
            made[who] = world.client(who)
        return made[who]

    return client


# Every parameter name at once in the bodies (a view reads what it knows), one at a time in the
# query string (where a view may refuse another parameter before it reaches the database).
_EVERYWHERE = b"".join(b"&" + name.encode() + b"=%00" for name in NAMES[1:])
SAMPLES = (
    Hostile("query", "q", b"%00", "query.q"),
    Hostile("query", "field", b"%00", "query.field"),
    Hostile("query", "country", b"x%00", "query.country"),
    Hostile("query", "page", b"1%ED%A0%80", "query.page"),
    Hostile("form", "title", b"a%00" + _EVERYWHERE, "form.title"),
    Hostile("json", "title", json.dumps(dict.fromkeys(NAMES, "\ud800")).encode(), "q"),
    # Raw JSON whose lone surrogate is three bytes that are not UTF-8 (json.loads reads them).
    Hostile("json", "title", b'{"title": "\xed\xa0\x80"}', "title"),
    Hostile("path", "", b"%00", "path"),
)


def test_every_route_refuses_unsafe_input_as_400(
    world: World, clients: Callable[[str], Client]
) -> None:
    failures = []
    for route in world.routes:
        for who in ("anonymous", "admin"):
            for method in ("GET", "POST"):
                for hostile in SAMPLES:
                    if method == "GET" and hostile.placement in {"form", "json"}:
                        continue
                    token = world.tokens.get(who, "")
                    response = _send(clients(who), method, route, hostile, token)
                    seen, expected = _seen(response, route), _expected(route, hostile)
                    if seen != expected:
                        failures.append((method, route, who, hostile.placement, seen[:2]))

    assert (len(world.routes) > 300, failures) == (True, [])


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    route_index=st.integers(min_value=0, max_value=10_000),
    method=st.sampled_from(["GET", "POST", "PATCH"]),
    who=st.sampled_from(USERS),
    hostile=hostiles,
)
def test_unsafe_input_anywhere_is_refused_never_5xx(
    world: World,
    clients: Callable[[str], Client],
    route_index: int,
    method: str,
    who: str,
    hostile: Hostile,
) -> None:
    route = world.routes[route_index % len(world.routes)]
    if hostile.placement == "multipart":
        method = "POST"  # Django reads multipart bodies of POST requests only

    response = _send(clients(who), method, route, hostile, world.tokens.get(who, ""))

    assert _seen(response, route) == _expected(route, hostile)


@pytest.mark.parametrize(
    "path",
    ["/api/v1/clusters?field=%00", "/api/v1/clusters?q=%00", "/en/clusters/?country=%00"],
)
def test_reported_requests_are_refused(world: World, path: str) -> None:
    route, _sep, query = path.partition("?")
    name = query.partition("=")[0]

    response = world.client("anonymous").get(path)

    assert _seen(response, route) == _expected(
        route, Hostile("query", name, b"%00", f"query.{name}")
    )


def test_refusal_page_speaks_the_language_of_the_address(world: World) -> None:
    response = world.client("anonymous").get("/de/clusters/?country=%00")

    assert _seen(response, "/de/clusters/") == (400, PAGE_TYPE, "Ungültige Anfrage")


def test_unsafe_session_cookie_is_dropped_not_looked_up(world: World) -> None:
    client = world.client("anonymous")
    client.cookies["sessionid"] = "\x00" * 40

    response = client.get("/en/accounts/me/")

    assert (response.status_code, response["Location"]) == (
        302,
        "/en/accounts/login/?next=/en/accounts/me/",
    )


def test_valid_text_passes_umlauts_and_surrogate_pairs(world: World) -> None:
    """Only unsafe input is refused: umlauts in the query, an emoji written as a JSON surrogate
    pair and NUL bytes inside an uploaded file reach the view."""
    admin = world.client("admin")
    token = world.tokens["admin"]
    headers = {"Authorization": f"Bearer {token}"}

    page = admin.get("/en/clusters/?q=M%C3%BCnchen")
    patched = admin.patch(
        f"/api/v1/clusters/{world.german.slug}",
        data=b'{"description_en": "Lasers \\ud83d\\ude00"}',
        content_type="application/json",
        headers=headers,
    )

    assert (page.status_code, patched.status_code) == (200, 200)
    assert json.loads(patched.content)["description_en"] == "Lasers \U0001f600"
