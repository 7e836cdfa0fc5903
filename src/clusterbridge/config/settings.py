"""Django settings, all read from the environment through `config.options`."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

import dj_database_url
from django.utils.translation import gettext_lazy as _

from clusterbridge.config.options import (
    env_bool,
    env_int,
    env_list,
    env_str,
    secret_key,
    var_dir,
)

PACKAGE_DIR = Path(__file__).resolve().parents[1]
VAR_DIR = var_dir()

DEBUG = env_bool("DEBUG")
SECRET_KEY = secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "clusterbridge.accounts",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "allauth",
    "allauth.account",
    "django_htmx",
    "rules.apps.AutodiscoverRulesConfig",
    "clusterbridge.taxonomy",
    "clusterbridge.clusters",
    "clusterbridge.search",
    "clusterbridge.audit",
    "clusterbridge.matching",
    "clusterbridge.cooperation",
    "clusterbridge.programme",
    "clusterbridge.demo",
    "clusterbridge.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Early, so that the responses of the middleware below carry the policy too.
    "clusterbridge.web.middleware.SecurityHeadersMiddleware",
    # Before anything reads the session cookie, the query string or the body.
    "clusterbridge.web.middleware.UnsafeInputMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "clusterbridge.config.urls"
WSGI_APPLICATION = "clusterbridge.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "clusterbridge.web.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL").replace("var/", f"{VAR_DIR}/", 1)
        if env_str("DATABASE_URL").startswith("sqlite:///var/")
        else env_str("DATABASE_URL"),
        conn_max_age=60,
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers go on while one writer writes; the timeout waits out short locks.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    # Signs in by e-mail address (django-allauth); the admin's own login goes through it too.
    "allauth.account.auth_backends.AuthenticationBackend",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "accounts:dashboard"
LOGOUT_REDIRECT_URL = "web:home"

# Accounts (django-allauth): sign-in by e-mail, verified before the first sign-in; a taken
# address at sign-up gets the same answer as a new one (a mail tells its owner), so accounts
# cannot be probed; one address per person, a new one verified before it replaces the old.
ACCOUNT_ADAPTER = "clusterbridge.accounts.adapter.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "clusterbridge.accounts.forms.SignupDetailsForm"
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS = 3
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[clusterbridge] "
ACCOUNT_USER_DISPLAY = "clusterbridge.accounts.models.display_name"
ACCOUNT_LOGOUT_REDIRECT_URL = "web:home"
# Throttling per account and per client address. A successful sign-in takes back only its own
# attempt, so an attacker cannot wipe the count by signing in to an account of their own.
ACCOUNT_RATE_LIMITS = {
    "login_failed": "20/5m/ip,5/5m/key",
    "api_token_failed": "20/5m/ip",
}
# The client address comes from a header only when a trusted proxy sets it (see README).
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = env_str("TRUSTED_CLIENT_IP_HEADER") or None
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT")
SIGN_IN_LOG_DAYS = env_int("SIGN_IN_LOG_DAYS")

_redis_url = env_str("REDIS_URL")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _redis_url}
        if _redis_url
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("de", _("German"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale", PACKAGE_DIR / "accounts" / "allauth_locale"]
# English dates as in Britain (7 December 2026, 07/12/2026, 24-hour clock); see formats/en.
FORMAT_MODULE_PATH = ["clusterbridge.formats"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = env_str("TIME_ZONE")

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT"))
if not STATIC_ROOT.is_absolute():
    STATIC_ROOT = VAR_DIR.parent / STATIC_ROOT
# WhiteNoise expects the directory even before the first collectstatic.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Hashed, compressed names once `collectstatic` has run (production); before that the
    # embedded default serves the files straight from the apps.
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if (STATIC_ROOT / "staticfiles.json").exists()
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Serve straight from the app folders when collectstatic has not run (the embedded default).
WHITENOISE_USE_FINDERS = True
WHITENOISE_MANIFEST_STRICT = False


def _email_settings(url: str) -> dict[str, object]:
    parsed = urlparse(url)
    if parsed.scheme == "console":
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if parsed.scheme == "outbox":
        return {"EMAIL_BACKEND": "clusterbridge.accounts.outbox.OutboxBackend"}
    if parsed.scheme == "locmem":
        return {"EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
    if parsed.scheme in {"smtp", "smtps"}:
        query = parse_qs(parsed.query)
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": parsed.hostname or "localhost",
            "EMAIL_PORT": parsed.port or (465 if parsed.scheme == "smtps" else 587),
            "EMAIL_HOST_USER": unquote(parsed.username or ""),
            "EMAIL_HOST_PASSWORD": unquote(parsed.password or ""),
            "EMAIL_USE_TLS": query.get("tls", ["0"])[0] in {"1", "true"},
            "EMAIL_USE_SSL": parsed.scheme == "smtps",
        }
    raise ValueError(
        f"EMAIL_URL={url!r}: use console:, outbox:, locmem: or smtp://user:pass@host:port"
    )


# Without EMAIL_URL, a local (DEBUG) run keeps mails for the outbox page, so a newcomer can
# follow a verification link without a mail server; elsewhere they are printed.
EMAIL_URL = env_str("EMAIL_URL") or ("outbox:" if DEBUG else "console:")
globals().update(_email_settings(EMAIL_URL))
OUTBOX_DIR = VAR_DIR / "outbox"
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL")

# Security headers; HTTPS-only settings switch on with SECURE=true.
SECURE = env_bool("SECURE")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie
SESSION_COOKIE_SECURE = SECURE
CSRF_COOKIE_SECURE = SECURE
SECURE_SSL_REDIRECT = SECURE
SECURE_HSTS_SECONDS = 31_536_000 if SECURE else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE
SECURE_HSTS_PRELOAD = SECURE
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if SECURE else None
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)

API_PAGE_SIZE_MAX = env_int("API_PAGE_SIZE_MAX")
COOPERATION_CONTACT_REQUESTS_PER_DAY = env_int("CONTACT_REQUESTS_PER_DAY")
COOPERATION_INVITE_UNCLAIMED = env_bool("COOPERATION_INVITE_UNCLAIMED")

# Imprint and privacy pages (web.legal); `check --deploy` fails while required ones are empty.
OPERATOR_NAME = env_str("OPERATOR_NAME")
OPERATOR_ADDRESS = env_str("OPERATOR_ADDRESS")
OPERATOR_EMAIL = env_str("OPERATOR_EMAIL")
OPERATOR_PHONE = env_str("OPERATOR_PHONE")
OPERATOR_REPRESENTATIVE = env_str("OPERATOR_REPRESENTATIVE")
OPERATOR_REGISTER = env_str("OPERATOR_REGISTER")
OPERATOR_VAT_ID = env_str("OPERATOR_VAT_ID")
DATA_PROTECTION_CONTACT = env_str("DATA_PROTECTION_CONTACT")
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["stderr"], "level": env_str("LOG_LEVEL")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
