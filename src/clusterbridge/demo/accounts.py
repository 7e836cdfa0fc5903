"""The demo's logins, one per role. Created only by `clusterbridge demo` (never by migrations
or any other command), all with one published password, and listed on the sign-in page only
when DEBUG is on."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

DEMO_PASSWORD = "clusterbridge-demo"  # noqa: S105 - published on purpose: demo data only


@dataclass(frozen=True)
class DemoAccount:
    email: str
    first_name: str
    last_name: str
    role: Promise
    language: str = "en"


DEMO_ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount(
        "manager.de@demo.example", "Anna", "Becker", _("manager of a German cluster"), "de"
    ),
    DemoAccount(
        "manager.abroad@demo.example", "Louise", "Martin", _("manager of a cluster abroad")
    ),
    DemoAccount("juror@demo.example", "Jonas", "Richter", _("jury member"), "de"),
    DemoAccount("officer@demo.example", "Olivia", "Wagner", _("programme officer")),
    DemoAccount("admin@demo.example", "Adam", "Schulz", _("administrator")),
)
