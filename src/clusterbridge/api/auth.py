from __future__ import annotations

from django.http import HttpRequest
from ninja.security import HttpBearer

from clusterbridge.accounts.models import User
from clusterbridge.accounts.services import api_token_authenticate


class TokenAuth(HttpBearer):
    """Bearer tokens for API writes; the user is set on the request for the services."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = api_token_authenticate(token)
        if user is not None:
            request.user = user
        return user
