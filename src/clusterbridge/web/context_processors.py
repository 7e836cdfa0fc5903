from __future__ import annotations

from django.http import HttpRequest


def navigation(request: HttpRequest) -> dict[str, object]:
    """What the base template needs on every page: the current path without its language prefix."""
    path = request.get_full_path()
    for code in ("/en/", "/de/"):
        if path.startswith(code):
            path = "/" + path[len(code) :]
            break
    return {"path_without_language": path}
