from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings

from clusterbridge.accounts.models import User
from clusterbridge.demo.accounts import DEMO_ACCOUNTS, DEMO_PASSWORD

register = template.Library()


@register.inclusion_tag("demo/_logins.html")
def demo_logins() -> dict[str, Any]:
    """The demo's logins on the sign-in page, in DEBUG only and only where `demo` made them."""
    if not settings.DEBUG:
        return {"accounts": []}
    existing = set(
        User.objects.filter(
            email__in=[account.email for account in DEMO_ACCOUNTS], is_active=True
        ).values_list("email", flat=True)
    )
    accounts = [account for account in DEMO_ACCOUNTS if account.email in existing]
    return {"accounts": accounts, "password": DEMO_PASSWORD}
