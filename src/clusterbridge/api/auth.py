from __future__ import annotations

from allauth.core import ratelimit
from django.http import HttpRequest
from ninja.security import HttpBearer

from clusterbridge.accounts.models import SignInEvent, User
from clusterbridge.accounts.services import api_token_authenticate
from clusterbridge.accounts.signins import sign_in_record


class TokenThrottledError(Exception):
    """Too many wrong tokens from one client address: answered 429."""


class TokenAuth(HttpBearer):
    """Bearer tokens for API writes; the user is set on the request for the services.

    Wrong tokens are throttled per client address like sign-ins (rate "api_token_failed"), and
    both wrong and refused attempts land in the sign-in log.
    """

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        prefix = token[:8]
        if not ratelimit.consume(request, action="api_token_failed", dry_run=True):
            sign_in_record(
                request=request,
                outcome=SignInEvent.Outcome.THROTTLED,
                identifier=prefix,
                channel=SignInEvent.Channel.API,
            )
            raise TokenThrottledError
        user = api_token_authenticate(token)
        if user is None:
            ratelimit.consume(request, action="api_token_failed")
            sign_in_record(
                request=request,
                outcome=SignInEvent.Outcome.FAILED,
                identifier=prefix,
                channel=SignInEvent.Channel.API,
            )
            return None
        request.user = user
        return user
