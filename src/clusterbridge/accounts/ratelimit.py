"""Login throttling: a few failed attempts per user name and per address, then a pause.

Counts live in the cache (Redis in production), so every app process sees the same numbers.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache


def _keys(username: str, address: str) -> list[str]:
    digest = hashlib.sha256(username.strip().lower().encode()).hexdigest()[:32]
    return [f"login-fail:user:{digest}", f"login-fail:addr:{address}"]


def login_blocked(*, username: str, address: str) -> bool:
    counts = cache.get_many(_keys(username, address))
    return any(count >= settings.LOGIN_RATE_LIMIT for count in counts.values())


def login_failed(*, username: str, address: str) -> None:
    for key in _keys(username, address):
        if not cache.add(key, 1, timeout=settings.LOGIN_RATE_WINDOW_SECONDS):
            try:
                cache.incr(key)
            except ValueError:
                cache.set(key, 1, timeout=settings.LOGIN_RATE_WINDOW_SECONDS)


def login_succeeded(*, username: str, address: str) -> None:
    cache.delete(_keys(username, address)[0])
