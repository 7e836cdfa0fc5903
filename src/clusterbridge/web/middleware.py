from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import unquote_to_bytes

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.http.request import RawPostDataException
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from clusterbridge.api.problems import problem

# NUL cannot be stored in a PostgreSQL text column, and a lone surrogate cannot be encoded for
# any database (SQLite included); neither belongs in text a person typed.
_UNSAFE = re.compile("[\x00\ud800-\udfff]")
_API_PREFIX = "/api/"


def _unsafe(text: str) -> bool:
    return _UNSAFE.search(text) is not None


def _label(name: str) -> str:
    """A field name fit to be shown in an error (its unsafe characters replaced)."""
    return _UNSAFE.sub("\ufffd", name)


def _form_unsafe(raw: bytes, prefix: str) -> str | None:
    """The first field of an application/x-www-form-urlencoded string (a query string or a form
    body) that holds bytes which are not UTF-8 or an unsafe character, raw or percent-encoded.

    Django itself decodes such strings leniently (U+FFFD for broken bytes), so the check reads
    the raw bytes rather than `request.GET` or `request.POST`."""
    for field in raw.split(b"&"):
        if not field:
            continue
        name, _sep, value = field.partition(b"=")
        if not (_form_text_safe(name) and _form_text_safe(value)):
            return prefix + _label(_unquote(name).decode("utf-8", errors="replace"))
    return None


def _unquote(part: bytes) -> bytes:
    return unquote_to_bytes(part.replace(b"+", b" "))


def _form_text_safe(part: bytes) -> bool:
    try:
        return not _unsafe(_unquote(part).decode("utf-8"))
    except UnicodeDecodeError:
        return False


def _json_strings(node: Any) -> Iterator[tuple[str, str]]:
    """Every key and string in a parsed JSON document with its dotted location, in document
    order (an object's keys before its values); iterative, so deep nesting cannot exhaust the
    stack."""
    stack: list[tuple[str, Any]] = [("", node)]
    while stack:
        location, value = stack.pop()
        children: list[tuple[str, Any]] = []
        if isinstance(value, str):
            yield location, value
        elif isinstance(value, dict):
            for key, item in value.items():
                here = f"{location}.{_label(key)}" if location else _label(key)
                yield here, key
                children.append((here, item))
        elif isinstance(value, list):
            children = [
                (f"{location}.{index}" if location else str(index), item)
                for index, item in enumerate(value)
            ]
        stack.extend(reversed(children))


def _json_unsafe(body: bytes) -> str | None:
    """Where a JSON body holds an unsafe string: `\\u0000` and `\\ud800` are valid JSON escapes,
    and `json.loads` reads a surrogate's three UTF-8 bytes too. The API parses any body as JSON
    whatever its declared type, so every body that parses is checked."""
    try:
        document = json.loads(body)
    except (ValueError, RecursionError):
        return None  # not JSON (other bytes that are not UTF-8 included): the API refuses it
    for location, text in _json_strings(document):
        if _unsafe(text):
            return location or "body"
    return None


def _multipart_unsafe(request: HttpRequest) -> str | None:
    """The fields of a multipart upload. Django decodes them leniently (U+FFFD for bytes that
    are not UTF-8) and drops unprintable characters from file names; the files' content may be
    anything."""
    # Parse errors (too many fields, a broken body) propagate as they would from the view.
    for name, values in request.POST.lists():
        if _unsafe(name) or any(_unsafe(value) for value in values):
            return f"form.{_label(name)}"
    for name in request.FILES:
        if _unsafe(name):
            return f"form.{_label(name)}"
    return None


def _wsgi_bytes(value: str) -> bytes:
    """WSGI hands over the query string as bytes decoded as Latin-1 (PEP 3333)."""
    try:
        return value.encode("iso-8859-1")
    except UnicodeEncodeError:  # a server that decoded it as UTF-8 already
        return value.encode("utf-8", errors="surrogatepass")


def unsafe_input(request: HttpRequest) -> str | None:
    """Where the request holds a NUL character or a lone surrogate (or, in its query string or
    form body, bytes that are not UTF-8): `path`, `query.<name>`, `form.<name>`, a JSON location
    such as `members.0.name`, or `body`; None if nowhere."""
    if _unsafe(request.path_info):
        return "path"
    found = _form_unsafe(_wsgi_bytes(request.META.get("QUERY_STRING", "")), "query.")
    if found is not None:
        return found
    if request.method == "POST" and request.content_type == "multipart/form-data":
        return _multipart_unsafe(request)
    try:
        body = request.body
    except (RequestDataTooBig, RawPostDataException):
        return None  # whoever reads the body gets the same error as without this check
    if not body:
        return None
    if request.content_type == "application/x-www-form-urlencoded":
        found = _form_unsafe(body, "form.")
        if found is not None:
            return found
    return _json_unsafe(body)


def _refusal(request: HttpRequest, location: str) -> HttpResponse:
    if request.path_info.startswith(_API_PREFIX):
        return problem(
            400,
            "Bad request",
            "The request holds a NUL character, a lone surrogate or bytes that are not UTF-8.",
            errors=[{"location": location, "message": "Remove the character or fix the encoding."}],
        )
    with translation.override(translation.get_language_from_request(request, check_path=True)):
        page = render_to_string(
            "400.html",
            {
                "message": _(
                    "The address or the form holds characters that cannot be processed, such "
                    "as a NUL character or text that is not UTF-8."
                )
            },
        )
    return HttpResponseBadRequest(page)


class UnsafeInputMiddleware:
    """Refuses a request whose path, query string or body holds a NUL character or a lone
    surrogate, or whose query string or form body is not UTF-8, before any view sees it: 400,
    application/problem+json on the API, a plain page elsewhere. PostgreSQL cannot store NUL and
    no database can encode a lone surrogate, so such input used to end in a 500.

    Cookies with such characters are dropped instead (a bad session cookie would be looked up in
    the database): the browser sends them with every request, and refusing would lock it out.
    Sits before the session middleware for that reason."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        for name in [n for n, v in request.COOKIES.items() if _unsafe(n) or _unsafe(v)]:
            del request.COOKIES[name]
        location = unsafe_input(request)
        if location is not None:
            return _refusal(request, location)
        return self.get_response(request)


class SecurityHeadersMiddleware:
    """Headers Django does not set itself: the content security policy and permissions policy."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()"
        )
        return response
