"""Every setting that comes from the environment, declared once with type, default and meaning.

The README's configuration table is checked against this list by a test, so a new
option cannot go undocumented.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

OptionType = Literal["str", "bool", "int", "list"]

BASE_DIR = Path(__file__).resolve().parents[3]


@dataclass(frozen=True)
class Option:
    name: str
    type: OptionType
    default: str
    description: str


OPTIONS: tuple[Option, ...] = (
    Option("DEBUG", "bool", "false", "Show detailed error pages; never in production."),
    Option(
        "SECRET_KEY",
        "str",
        "generated into var/secret_key",
        "Django's signing key. Set it in production; locally a random key is kept under var/.",
    ),
    Option(
        "DATABASE_URL",
        "str",
        "sqlite:///var/clusterbridge.sqlite3",
        "Database as a URL, e.g. postgres://user@127.0.0.1:5432/clusterbridge.",
    ),
    Option(
        "ALLOWED_HOSTS",
        "list",
        "127.0.0.1,localhost",
        "Comma-separated host names the site answers to.",
    ),
    Option(
        "CSRF_TRUSTED_ORIGINS",
        "list",
        "",
        "Comma-separated origins (scheme and host) trusted for form posts behind a proxy.",
    ),
    Option(
        "REDIS_URL",
        "str",
        "",
        "Redis for the shared cache (e.g. redis://127.0.0.1:6379/0); empty uses a local cache.",
    ),
    Option("VAR_DIR", "str", "var", "Directory for the SQLite database, secret key and uploads."),
    Option(
        "STATIC_ROOT",
        "str",
        "var/static",
        "Where `clusterbridge collectstatic` puts static files for production.",
    ),
    Option(
        "EMAIL_URL",
        "str",
        "",
        "Outgoing mail: `smtp://user:pass@host:587?tls=1` sends them, `console:` prints them, "
        "`outbox:` keeps them for the outbox page (`/en/accounts/outbox/`, DEBUG only). "
        "Empty: `outbox:` when DEBUG, else `console:`.",
    ),
    Option(
        "DEFAULT_FROM_EMAIL",
        "str",
        "clusterbridge <noreply@localhost>",
        "Sender address of the platform's mails.",
    ),
    Option(
        "SECURE",
        "bool",
        "false",
        "Behind HTTPS: secure cookies, HSTS and redirect to https.",
    ),
    Option("TIME_ZONE", "str", "Europe/Berlin", "Time zone for dates shown to people."),
    Option("LOG_LEVEL", "str", "INFO", "Level of the application log written to stderr."),
    Option(
        "API_PAGE_SIZE_MAX",
        "int",
        "100",
        "Largest page size a client may ask of a paged API endpoint.",
    ),
    Option(
        "CONTACT_REQUESTS_PER_DAY",
        "int",
        "10",
        "How many contact requests one person may send to other clusters within a day.",
    ),
    Option(
        "TRUSTED_CLIENT_IP_HEADER",
        "str",
        "",
        "Header a trusted reverse proxy sets to the client's address (e.g. `X-Real-IP`); "
        "login throttling and the sign-in log use it. Empty: the connection's address.",
    ),
    Option(
        "TRUSTED_PROXY_COUNT",
        "int",
        "0",
        "Number of your own proxies in front of the app; with 1 or more, the client address is "
        "read from `X-Forwarded-For` at that position (ignored when the header above is set).",
    ),
    # The operator's details for the imprint and privacy pages; `check --deploy` names the
    # required ones that are still empty.
    Option("OPERATOR_NAME", "str", "", "Name of the person or organisation running the site."),
    Option(
        "OPERATOR_ADDRESS",
        "str",
        "",
        "The operator's postal address; separate lines with `;`.",
    ),
    Option("OPERATOR_EMAIL", "str", "", "The operator's contact e-mail address."),
    Option("OPERATOR_PHONE", "str", "", "The operator's telephone number (optional)."),
    Option(
        "OPERATOR_REPRESENTATIVE",
        "str",
        "",
        "Who represents the operator if it is an organisation, e.g. its managing director.",
    ),
    Option(
        "OPERATOR_REGISTER",
        "str",
        "",
        "Register court and number, e.g. `Amtsgericht Berlin-Charlottenburg, HRB 12345` (if any).",
    ),
    Option("OPERATOR_VAT_ID", "str", "", "The operator's VAT identification number (if any)."),
    Option(
        "DATA_PROTECTION_CONTACT",
        "str",
        "",
        "Whom to ask about personal data (e.g. the data protection officer's address); "
        "empty uses OPERATOR_EMAIL.",
    ),
    Option(
        "SIGN_IN_LOG_DAYS",
        "int",
        "90",
        "How many days sign-ins and failed attempts (with the client address) are kept.",
    ),
    Option(
        "COOPERATION_INVITE_UNCLAIMED",
        "bool",
        "false",
        "When a contact request is held for a cluster without managers, mail its published "
        "address an invitation to join (once while requests wait). Never on for the demo.",
    ),
)

_BY_NAME = {option.name: option for option in OPTIONS}


def _raw(name: str) -> str:
    option = _BY_NAME[name]
    return os.environ.get(name, option.default)


def env_str(name: str) -> str:
    return _raw(name)


def env_bool(name: str) -> bool:
    value = _raw(name).strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off", ""}:
        return False
    raise ValueError(f"{name}={value!r} is not a boolean: use true or false")


def env_int(name: str) -> int:
    value = _raw(name)
    try:
        return int(value)
    except ValueError:
        raise ValueError(f"{name}={value!r} is not a whole number") from None


def env_list(name: str) -> list[str]:
    return [item.strip() for item in _raw(name).split(",") if item.strip()]


def var_dir() -> Path:
    path = Path(env_str("VAR_DIR"))
    if not path.is_absolute():
        path = BASE_DIR / path
    path.mkdir(parents=True, exist_ok=True)
    return path


def secret_key() -> str:
    """The configured key, or one generated once under var/, so sessions survive restarts."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    key_file = var_dir() / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()
