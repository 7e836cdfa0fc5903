"""The programme's caps as shared validators: property tests for the date and budget rules."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from clusterbridge.programme import validators
from clusterbridge.programme.validators import ProgrammeRules

RULES = ProgrammeRules()
days = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2090, 12, 31))
amounts = st.decimals(min_value=0, max_value=10_000_000, places=2, allow_nan=False)


def test_add_months_clamps_to_month_end() -> None:
    assert validators.add_months(dt.date(2015, 1, 31), 1) == dt.date(2015, 2, 28)
    assert validators.add_months(dt.date(2016, 1, 31), 1) == dt.date(2016, 2, 29)
    assert validators.add_months(dt.date(2015, 11, 15), 3) == dt.date(2016, 2, 15)


def test_last_day_within_24_months_of_july_first() -> None:
    assert validators.last_day_within(dt.date(2015, 7, 1), 24) == dt.date(2017, 6, 30)


@given(start=days, n=st.integers(min_value=1, max_value=120))
def test_months_spanned_of_last_day_within_is_n(start: dt.date, n: int) -> None:
    assert validators.months_spanned(start, validators.last_day_within(start, n)) == n


@given(start=days, n=st.integers(min_value=1, max_value=24))
def test_concept_phase_up_to_24_months_passes(start: dt.date, n: int) -> None:
    validators.validate_phase_length(
        "concept", start, validators.last_day_within(start, n), rules=RULES
    )


@given(start=days, extra=st.integers(min_value=1, max_value=400))
def test_concept_phase_a_day_past_24_months_refused(start: dt.date, extra: int) -> None:
    end = validators.last_day_within(start, 24) + dt.timedelta(days=extra)

    with pytest.raises(ValidationError) as caught:
        validators.validate_phase_length("concept", start, end, rules=RULES)

    assert caught.value.message_dict["ends_on"][0].startswith(
        "Concept phase at most 24 months (programme rule)"
    )


@given(start=days, extra=st.integers(min_value=1, max_value=400))
def test_implementation_phase_past_36_months_refused(start: dt.date, extra: int) -> None:
    end = validators.last_day_within(start, 36) + dt.timedelta(days=extra)

    with pytest.raises(ValidationError) as caught:
        validators.validate_phase_length("implementation", start, end, rules=RULES)

    assert caught.value.message_dict["ends_on"][0].startswith(
        "Implementation phase at most 36 months (programme rule)"
    )


@given(start=days, n=st.integers(min_value=1, max_value=120))
def test_total_duration_rule_matches_60_months(start: dt.date, n: int) -> None:
    end = validators.last_day_within(start, n)
    if n <= 60:
        validators.validate_total_duration(start, end, rules=RULES)
    else:
        with pytest.raises(ValidationError) as caught:
            validators.validate_total_duration(start, end, rules=RULES)
        assert "Grant at most 60 months in all (programme rule)" in caught.value.messages[0]


@given(start=days, back=st.integers(min_value=1, max_value=1000))
def test_dates_in_wrong_order_refused(start: dt.date, back: int) -> None:
    with pytest.raises(ValidationError) as caught:
        validators.validate_date_order(start, start - dt.timedelta(days=back))

    assert list(caught.value.message_dict) == ["ends_on"]


@given(amount=amounts)
def test_grant_amount_rule_is_the_cap(amount: Decimal) -> None:
    if amount <= Decimal(4_000_000):
        validators.validate_grant_amount(amount, rules=RULES)
    else:
        with pytest.raises(ValidationError) as caught:
            validators.validate_grant_amount(amount, rules=RULES)
        assert caught.value.message_dict["amount_eur"][0].startswith(
            "Grant at most 4,000,000 EUR (programme rule)"
        )


@given(amount=amounts)
def test_grant_cap_comes_from_the_programme(amount: Decimal) -> None:
    rules = ProgrammeRules(max_grant_eur=Decimal(1_000_000))

    if amount <= Decimal(1_000_000):
        validators.validate_grant_amount(amount, rules=rules)
    else:
        with pytest.raises(ValidationError):
            validators.validate_grant_amount(amount, rules=rules)


@given(budgets=st.lists(amounts, min_size=1, max_size=2), grant=amounts)
def test_phase_budgets_must_sum_to_grant(budgets: list[Decimal], grant: Decimal) -> None:
    if sum(budgets) == grant:
        validators.validate_phase_budgets(grant_amount=grant, budgets=budgets)
    else:
        with pytest.raises(ValidationError) as caught:
            validators.validate_phase_budgets(grant_amount=grant, budgets=budgets)
        assert caught.value.message_dict["budget_eur"][0].startswith(
            "Phase budgets must add up to the grant (programme rule)"
        )


@given(split=amounts)
def test_phase_budgets_that_add_up_pass(split: Decimal) -> None:
    grant = Decimal(4_000_000)
    concept = min(split, grant)

    validators.validate_phase_budgets(grant_amount=grant, budgets=[concept, grant - concept])


def test_overlapping_phases_refused_where_programme_forbids() -> None:
    rules = ProgrammeRules(phases_may_overlap=False)
    start = dt.date(2015, 7, 1)

    with pytest.raises(ValidationError) as caught:
        validators.validate_phases(
            grant_start=start,
            grant_end=dt.date(2020, 6, 30),
            concept=(start, dt.date(2017, 6, 30)),
            implementation=(dt.date(2016, 1, 1), dt.date(2018, 12, 31)),
            rules=rules,
        )

    assert list(caught.value.message_dict) == ["implementation_starts_on"]


def test_overlapping_phases_allowed_by_default() -> None:
    start = dt.date(2015, 7, 1)

    validators.validate_phases(
        grant_start=start,
        grant_end=dt.date(2020, 6, 30),
        concept=(start, dt.date(2017, 6, 30)),
        implementation=(dt.date(2016, 1, 1), dt.date(2018, 12, 31)),
        rules=RULES,
    )


def test_phase_outside_grant_refused() -> None:
    with pytest.raises(ValidationError) as caught:
        validators.validate_phases(
            grant_start=dt.date(2016, 1, 1),
            grant_end=dt.date(2020, 12, 31),
            concept=(dt.date(2015, 7, 1), dt.date(2017, 6, 30)),
            implementation=None,
            rules=RULES,
        )

    assert list(caught.value.message_dict) == ["concept_starts_on"]


def test_pdf_upload_accepts_pdf_header() -> None:
    validators.validate_pdf_upload(io.BytesIO(b"%PDF-1.4\n..."), size=12, name="ipr.pdf")


@pytest.mark.parametrize(
    ("content", "name", "size", "code"),
    [
        (b"MZ\x90\x00 an executable", "ipr.pdf", 20, "document_not_pdf"),
        (b"%PDF-1.4", "ipr.exe", 8, "document_not_pdf"),
        (b"%PDF-1.4", "ipr.pdf", validators.IPR_DOCUMENT_MAX_BYTES + 1, "document_too_large"),
    ],
)
def test_pdf_upload_refuses_bad_files(content: bytes, name: str, size: int, code: str) -> None:
    with pytest.raises(ValidationError) as caught:
        validators.validate_pdf_upload(io.BytesIO(content), size=size, name=name)

    assert caught.value.code == code


@given(codes=st.lists(st.sampled_from(["DE", "FR", "XX", "ZZ", "US"]), max_size=4))
def test_country_codes_refuse_unknown(codes: list[str]) -> None:
    if set(codes) & {"XX", "ZZ"}:
        with pytest.raises(ValidationError):
            validators.validate_country_codes(codes)
    else:
        validators.validate_country_codes(codes)
