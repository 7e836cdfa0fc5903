"""The programme's rules as shared validators, used by the models' `clean()`, the services and
the API schemas alike, so every channel refuses the same thing with the same words.

The numbers are not constants: they come from a `ProgrammeRules`, which a `FundingProgramme`
builds from its own configuration (`FundingProgramme.rules`), so another programme can set
other caps. Every message names the rule it enforces."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from clusterbridge.taxonomy import geo

# The real measure's figures: the defaults of a new programme and the demo's configuration.
DEFAULT_MAX_GRANT_EUR = Decimal("4000000")
DEFAULT_CONCEPT_MAX_MONTHS = 24
DEFAULT_IMPLEMENTATION_MAX_MONTHS = 36
DEFAULT_TOTAL_MAX_MONTHS = 60
DEFAULT_GERMAN_FUNDING_RATE = Decimal("0.50")

# IPR agreement documents: PDF only, at most this size, checked by content, not by name.
IPR_DOCUMENT_MAX_BYTES = 10 * 1024 * 1024
PDF_MAGIC = b"%PDF-"


@dataclass(frozen=True)
class ProgrammeRules:
    """The caps of one programme, as data."""

    max_grant_eur: Decimal = DEFAULT_MAX_GRANT_EUR
    concept_max_months: int = DEFAULT_CONCEPT_MAX_MONTHS
    implementation_max_months: int = DEFAULT_IMPLEMENTATION_MAX_MONTHS
    total_max_months: int = DEFAULT_TOTAL_MAX_MONTHS
    phases_may_overlap: bool = True


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later, clamped to the month's end (31 Jan + 1 month = 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def last_day_within(start: dt.date, months: int) -> dt.date:
    """The last day of a span of `months` months starting on `start` (end dates are inclusive:
    1 July 2015 plus 24 months ends on 30 June 2017)."""
    return add_months(start, months) - dt.timedelta(days=1)


def months_spanned(start: dt.date, end: dt.date) -> int:
    """The smallest whole number of months whose span from `start` covers `end` (inclusive)."""
    months = max(0, (end.year - start.year) * 12 + end.month - start.month - 1)
    while last_day_within(start, months) < end:
        months += 1
    return months


def _error(field: str, message: str, code: str, params: dict[str, Any]) -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code, params=params)})


def validate_date_order(
    start: dt.date | None, end: dt.date | None, *, field: str = "ends_on"
) -> None:
    """An end lies after its start (dates in the wrong order are refused, not swapped)."""
    if start is not None and end is not None and end < start:
        raise _error(
            field,
            _("The end (%(end)s) must not be before the start (%(start)s)."),
            "date_order",
            {"start": start.isoformat(), "end": end.isoformat()},
        )


def validate_grant_amount(
    amount: Decimal, *, rules: ProgrammeRules, field: str = "amount_eur"
) -> None:
    if amount < 0:
        raise _error(field, _("Amounts cannot be negative."), "negative_amount", {})
    if amount > rules.max_grant_eur:
        raise _error(
            field,
            _("Grant at most %(max)s EUR (programme rule); %(amount)s EUR requested."),
            "grant_max",
            {"max": f"{rules.max_grant_eur:,.0f}", "amount": f"{amount:,.0f}"},
        )


def validate_phase_length(
    kind: str, start: dt.date, end: dt.date, *, rules: ProgrammeRules, field: str = "ends_on"
) -> None:
    """Concept at most `concept_max_months`, implementation at most `implementation_max_months`."""
    validate_date_order(start, end, field=field)
    if kind == "concept":
        limit = rules.concept_max_months
        message = _(
            "Concept phase at most %(months)s months (programme rule); "
            "it ends %(end)s, the latest allowed end is %(latest)s."
        )
    else:
        limit = rules.implementation_max_months
        message = _(
            "Implementation phase at most %(months)s months (programme rule); "
            "it ends %(end)s, the latest allowed end is %(latest)s."
        )
    latest = last_day_within(start, limit)
    if end > latest:
        raise _error(
            field,
            message,
            f"{kind}_phase_max_months",
            {"months": limit, "end": end.isoformat(), "latest": latest.isoformat()},
        )


def validate_total_duration(
    start: dt.date, end: dt.date, *, rules: ProgrammeRules, field: str = "ends_on"
) -> None:
    validate_date_order(start, end, field=field)
    latest = last_day_within(start, rules.total_max_months)
    if end > latest:
        raise _error(
            field,
            _(
                "Grant at most %(months)s months in all (programme rule); "
                "it ends %(end)s, the latest allowed end is %(latest)s."
            ),
            "total_max_months",
            {
                "months": rules.total_max_months,
                "end": end.isoformat(),
                "latest": latest.isoformat(),
            },
        )


def validate_phases(
    *,
    grant_start: dt.date,
    grant_end: dt.date,
    concept: tuple[dt.date, dt.date] | None,
    implementation: tuple[dt.date, dt.date] | None,
    rules: ProgrammeRules,
) -> None:
    """Each phase within its own cap and inside the grant; the implementation phase never
    starts before the concept phase, and overlaps it only where the programme allows."""
    errors: dict[str, list[ValidationError]] = {}

    try:
        validate_total_duration(grant_start, grant_end, rules=rules)
    except ValidationError as exc:
        errors.setdefault("ends_on", []).extend(exc.error_dict["ends_on"])
    for kind, span in (("concept", concept), ("implementation", implementation)):
        if span is None:
            continue
        field = f"{kind}_ends_on"
        try:
            validate_phase_length(kind, span[0], span[1], rules=rules, field=field)
        except ValidationError as exc:
            errors.setdefault(field, []).extend(exc.error_dict[field])
        if span[0] < grant_start or span[1] > grant_end:
            errors.setdefault(f"{kind}_starts_on", []).append(
                ValidationError(
                    _("A phase lies within its grant (%(start)s to %(end)s)."),
                    code="phase_within_grant",
                    params={"start": grant_start.isoformat(), "end": grant_end.isoformat()},
                )
            )
    if concept is not None and implementation is not None:
        if implementation[0] < concept[0]:
            errors.setdefault("implementation_starts_on", []).append(
                ValidationError(
                    _("The implementation phase cannot start before the concept phase."),
                    code="implementation_after_concept",
                )
            )
        elif not rules.phases_may_overlap and implementation[0] <= concept[1]:
            errors.setdefault("implementation_starts_on", []).append(
                ValidationError(
                    _(
                        "Phases may not overlap in this programme (programme rule): "
                        "the implementation phase starts after %(end)s."
                    ),
                    code="phases_overlap",
                    params={"end": concept[1].isoformat()},
                )
            )
    if errors:
        raise ValidationError(errors)


def validate_phase_budgets(
    *, grant_amount: Decimal, budgets: Iterable[Decimal], field: str = "budget_eur"
) -> None:
    """The phases' budgets add up to exactly the grant."""
    total = sum(budgets, Decimal(0))
    if total != grant_amount:
        raise _error(
            field,
            _(
                "Phase budgets must add up to the grant (programme rule): "
                "%(total)s EUR planned, the grant is %(grant)s EUR."
            ),
            "phase_budgets_sum",
            {"total": f"{total:,.2f}", "grant": f"{grant_amount:,.2f}"},
        )


def validate_non_negative(value: Decimal, *, field: str = "amount_eur") -> None:
    if value < 0:
        raise _error(field, _("Amounts cannot be negative."), "negative_amount", {})


def validate_funding_rate(value: Decimal) -> None:
    if not Decimal(0) <= value <= Decimal(1):
        raise ValidationError(
            _("A funding rate lies between 0 and 1 (0 to 100 percent)."), code="funding_rate"
        )


def validate_country_codes(codes: Iterable[str]) -> None:
    unknown = [code for code in codes if not geo.is_country(code)]
    if unknown:
        raise ValidationError(
            _("Not ISO 3166-1 alpha-2 country codes: %(codes)s"),
            code="unknown_country",
            params={"codes": ", ".join(unknown)},
        )


def validate_pdf_upload(upload: IO[bytes], *, size: int | None, name: str = "") -> None:
    """PDF only, at most `IPR_DOCUMENT_MAX_BYTES`, judged by the file's first bytes (a renamed
    executable with a .pdf name is refused)."""
    if size is not None and size > IPR_DOCUMENT_MAX_BYTES:
        raise ValidationError(
            _("The document is larger than %(mb)s MB."),
            code="document_too_large",
            params={"mb": IPR_DOCUMENT_MAX_BYTES // (1024 * 1024)},
        )
    if name and not name.lower().endswith(".pdf"):
        raise ValidationError(_("Only PDF documents are accepted."), code="document_not_pdf")
    position = upload.tell() if hasattr(upload, "tell") else 0
    upload.seek(0)
    header = upload.read(len(PDF_MAGIC))
    upload.seek(position)
    if header != PDF_MAGIC:
        raise ValidationError(
            _("Only PDF documents are accepted: the file does not start like a PDF."),
            code="document_not_pdf",
        )
