"""The operator's details for the imprint and privacy pages, read from settings (declared in
`config.options`). The deploy check (`web.checks`) and the pages share this one list."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Field:
    setting: str
    label: Promise
    # Shown in place of an empty value; names the setting so the operator knows what to set.
    unset: Promise
    required: bool


# In the order of a German imprint (§ 5 DDG): who, where, who represents them, how to reach
# them, register and tax numbers. A register entry and a VAT id exist only for some operators.
OPERATOR_FIELDS: tuple[Field, ...] = (
    Field(
        "OPERATOR_NAME",
        _("Operator"),
        _("The operator has not set their name (setting OPERATOR_NAME)."),
        required=True,
    ),
    Field(
        "OPERATOR_ADDRESS",
        _("Postal address"),
        _("The operator has not set their postal address (setting OPERATOR_ADDRESS)."),
        required=True,
    ),
    Field(
        "OPERATOR_REPRESENTATIVE",
        _("Represented by"),
        _("The operator has not set who represents them (setting OPERATOR_REPRESENTATIVE)."),
        required=False,
    ),
    Field(
        "OPERATOR_EMAIL",
        _("E-mail"),
        _("The operator has not set their e-mail address (setting OPERATOR_EMAIL)."),
        required=True,
    ),
    Field(
        "OPERATOR_PHONE",
        _("Telephone"),
        _("The operator has not set their telephone number (setting OPERATOR_PHONE)."),
        required=False,
    ),
    Field(
        "OPERATOR_REGISTER",
        _("Register entry"),
        _("The operator has not set their register entry (setting OPERATOR_REGISTER)."),
        required=False,
    ),
    Field(
        "OPERATOR_VAT_ID",
        _("VAT identification number"),
        _("The operator has not set their VAT identification number (setting OPERATOR_VAT_ID)."),
        required=False,
    ),
)
_FIELDS = {field.setting: field for field in OPERATOR_FIELDS}


@dataclass(frozen=True)
class Detail:
    field: Field
    # The value split into lines (an address is written with `;` between its lines); empty
    # when the operator has not set it.
    lines: tuple[str, ...]

    @property
    def is_set(self) -> bool:
        return bool(self.lines)

    @property
    def is_email(self) -> bool:
        return self.field.setting == "OPERATOR_EMAIL"


def _value(setting: str) -> str:
    return str(getattr(settings, setting, "") or "").strip()


def _detail(field: Field) -> Detail:
    value = _value(field.setting)
    if field.setting == "OPERATOR_ADDRESS":
        return Detail(field, tuple(line.strip() for line in value.split(";") if line.strip()))
    return Detail(field, (value,) if value else ())


def operator_details() -> list[Detail]:
    """The imprint's lines. An empty required one shows its placeholder always, because an
    imprint that silently lacks the operator's name looks complete and is not; an empty optional
    one (not every operator has a VAT id) shows its placeholder only under DEBUG."""
    details = [_detail(field) for field in OPERATOR_FIELDS]
    return [d for d in details if d.is_set or d.field.required or settings.DEBUG]


def operator_detail(setting: str) -> Detail:
    return _detail(_FIELDS[setting])


def missing_operator_settings() -> list[str]:
    """The required operator settings that are still empty, for the deploy check."""
    return [
        field.setting for field in OPERATOR_FIELDS if field.required and not _value(field.setting)
    ]


@dataclass(frozen=True)
class DataProtectionContact:
    value: str
    # True where no separate contact is set and the operator's e-mail address stands in.
    is_operator_email: bool

    @property
    def is_email(self) -> bool:
        return "@" in self.value and " " not in self.value


def data_protection_contact() -> DataProtectionContact:
    contact = _value("DATA_PROTECTION_CONTACT")
    if contact:
        return DataProtectionContact(value=contact, is_operator_email=False)
    return DataProtectionContact(value=_value("OPERATOR_EMAIL"), is_operator_email=True)


@dataclass(frozen=True)
class Cookie:
    name: str
    purpose: Promise
    # Whole days the cookie lasts; None where it goes when the browser closes.
    days: int | None


def _days(seconds: int | None) -> int | None:
    return seconds // 86_400 if seconds else None


def cookies() -> list[Cookie]:
    """Every cookie the site sets, with names and lifetimes read from the settings that
    decide them, so the privacy page cannot drift from what the site does."""
    session_days = None if settings.SESSION_EXPIRE_AT_BROWSER_CLOSE else settings.SESSION_COOKIE_AGE
    return [
        Cookie(
            settings.SESSION_COOKIE_NAME,
            _("Keeps you signed in. Set when you sign in, removed when you sign out."),
            _days(session_days),
        ),
        Cookie(
            settings.CSRF_COOKIE_NAME,
            _("Protects forms against submissions forged by other sites (CSRF protection)."),
            _days(settings.CSRF_COOKIE_AGE),
        ),
        Cookie(
            settings.LANGUAGE_COOKIE_NAME,
            _("Remembers the language you chose. Set only when you switch the language."),
            _days(settings.LANGUAGE_COOKIE_AGE),
        ),
        Cookie(
            # Django's message storage keeps a notice such as “Saved” for the next page.
            "messages",
            _("Carries a one-time notice (such as “Saved”) to the next page; removed once shown."),
            None,
        ),
    ]
