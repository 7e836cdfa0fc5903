"""How django-allauth fits clusterbridge: mails in the person's language, throttled attempts in
the sign-in log, and the dashboard in the person's language after sign-in."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.urls import reverse
from django.utils import translation

from clusterbridge.accounts.models import SignInEvent, User


class AccountAdapter(DefaultAccountAdapter):
    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError:
            from clusterbridge.accounts.signins import sign_in_record

            identifier = str(credentials.get("email") or credentials.get("username") or "")
            sign_in_record(
                request=request, outcome=SignInEvent.Outcome.THROTTLED, identifier=identifier
            )
            raise

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        # A person gets their mails in the language they chose, whatever page they were on.
        user = context.get("user")
        language = (
            user.preferred_language
            if isinstance(user, User) and user.pk
            else translation.get_language()
        )
        with translation.override(language):
            super().send_mail(template_prefix, email, context)

    def login(self, request: HttpRequest, user: Any) -> None:
        super().login(request, user)
        # The pages after sign-in (the dashboard first) speak the person's chosen language.
        if isinstance(user, User) and user.preferred_language:
            translation.activate(user.preferred_language)
            request.LANGUAGE_CODE = user.preferred_language

    def get_login_redirect_url(self, request: HttpRequest) -> str:
        return reverse("accounts:dashboard")
