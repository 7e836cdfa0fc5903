"""The programme's audit log as officers read it: one sentence per entry in the reader's
language, with field labels, choice labels, money and dates formatted, and no internal names
(action names, model field names, choice values) anywhere on the page."""

from __future__ import annotations

import datetime as dt
import html
import re
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from clusterbridge.accounts.models import User
from clusterbridge.audit.messages import describe
from clusterbridge.audit.models import AuditEntry
from clusterbridge.audit.selectors import audit_entries
from clusterbridge.clusters.models import Cluster
from clusterbridge.cooperation import enums as cooperation_enums
from clusterbridge.programme import enums, models, services
from clusterbridge.programme.models import Application, FundingProgramme, ReviewCriterion, Round
from tests.programme.test_journey import test_procedure_runs_from_sketch_to_running_project

pytestmark = pytest.mark.django_db


def _page_text(user: User, language: str) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(f"/{language}/programme/office/audit/")
    assert response.status_code == 200
    main = re.search(r"<main.*?</main>", response.content.decode(), re.S)
    assert main is not None
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", main.group(0))).split())


def _sentences(action: str, language: str) -> list[str]:
    with translation.override(language):
        return [line.sentence for line in describe(audit_entries().filter(action=action))]


def test_round_budget_change_reads_as_one_sentence_in_both_languages(
    open_round: Round, officer: User
) -> None:
    officer.first_name, officer.last_name = "Anna", "Officer"
    officer.save()

    services.round_update(round=open_round, actor=officer, data={"budget_eur": Decimal(45000000)})

    year = open_round.year
    assert _sentences("programme.round.updated", "en") == [
        f"Anna Officer changed the budget of round {year} from EUR 10,000,000 to EUR 45,000,000."
    ]
    assert _sentences("programme.round.updated", "de") == [
        f"Anna Officer hat in der Runde {year} „Budget“ von 10.000.000 EUR auf 45.000.000 EUR "
        "geändert."
    ]


def test_entries_name_choices_dates_and_people_by_their_labels(
    submitted: Application, officer: User, juror: User, programme: FundingProgramme
) -> None:
    juror.first_name, juror.last_name = "Jens", "Juror"
    juror.save()
    services.assignment_create(application=submitted, juror=juror, actor=officer)
    services.application_transition(
        application=submitted,
        to=enums.ApplicationState.RECOMMENDED,
        actor=officer,
        justification="Strong fit",
        presentation_on=dt.date(2026, 5, 4),
    )
    services.programme_update(
        programme=programme, actor=officer, data={"german_funding_rate": Decimal("0.4")}
    )

    with translation.override("en"):
        lines = {line.entry.action: line for line in describe(audit_entries())}
    assert lines["programme.assignment.created"].sentence == (
        "officer asked Jens Juror to review the application of Photonics DE "
        f"({submitted.round.year})."
    )
    recommended = lines["programme.application.recommended"]
    assert (recommended.sentence, recommended.details) == (
        f"officer recorded the panel's recommendation of Photonics DE ({submitted.round.year}).",
        ["Presentation to the panel: 4 May 2026", "Justification: “Strong fit”"],
    )
    assert lines["programme.programme.updated"].sentence == (
        "officer changed the programme's federal funding rate for German partners in "
        "implementation from 50 % to 40 %."
    )


def test_audit_page_query_count_does_not_grow_with_entries(
    open_round: Round,
    officer: User,
    django_assert_max_num_queries: Any,
) -> None:
    client = Client()
    client.force_login(officer)
    for budget in range(1, 4):
        services.round_update(
            round=open_round, actor=officer, data={"budget_eur": Decimal(budget * 1000000)}
        )
    with django_assert_max_num_queries(12) as few:
        client.get("/en/programme/office/audit/")
    for budget in range(4, 30):
        services.round_update(
            round=open_round, actor=officer, data={"budget_eur": Decimal(budget * 1000000)}
        )

    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/en/programme/office/audit/")


def _internal_names() -> tuple[set[str], set[str]]:
    """Every choice value of the programme and cooperation, and every model field name."""
    values = {
        str(choice.value)
        for module in (enums, cooperation_enums)
        for member in vars(module).values()
        if isinstance(member, type) and issubclass(member, enums.models.TextChoices)
        for choice in member
    }
    fields = {
        model_field.name
        for model in vars(models).values()
        if isinstance(model, type) and issubclass(model, models.models.Model)
        for model_field in model._meta.get_fields()
    }
    return values, fields


def test_audit_page_after_the_whole_procedure_shows_no_internal_names(
    assigned: Application,
    juror: User,
    officer: User,
    applicant: User,
    partner_cluster: Cluster,
    criteria: list[ReviewCriterion],
) -> None:
    for user, first, last in ((officer, "Olga", "Officer"), (juror, "Jens", "Juror")):
        user.first_name, user.last_name = first, last
        user.save()
    applicant.first_name = "Anton"
    applicant.save()
    test_procedure_runs_from_sketch_to_running_project(
        assigned, juror, officer, applicant, partner_cluster, criteria
    )
    round = assigned.round
    services.round_update(round=round, actor=officer, data={"target_selected": 3})
    grant = assigned.grant
    services.grant_set_funding_rate(grant=grant, actor=officer, rate=Decimal("0.45"))
    concept = grant.phases.get(kind=enums.PhaseKind.CONCEPT)
    services.expenditure_record(
        phase=concept,
        actor=applicant,
        amount_eur=Decimal("1250.50"),
        spent_on=dt.date(2026, 9, 1),
        description="Travel",
    )
    report = services.report_schedule(
        grant=grant, actor=officer, title="Interim report", due_on=dt.date(2027, 3, 31)
    )
    services.report_submit(report=report, actor=applicant)
    services.concept_submit(
        grant=grant, actor=applicant, summary="Our concept", target_countries=["FR", "PL"]
    )
    written = set(AuditEntry.objects.values_list("action", flat=True))

    english, german = _page_text(officer, "en"), _page_text(officer, "de")

    values, fields = _internal_names()
    typed_removed = re.sub(r"„[^“]*“", "", german)  # what people typed stays as typed
    assert len(written) >= 25
    assert [action for action in written if action in english or action in german] == []
    assert re.findall(r"\b[a-z]+_[a-z_]+\b", english + german) == []
    assert (
        sorted(
            name
            for name in values | fields
            if re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", typed_removed)
        )
        == []
    )
    changed = "Olga Officer changed the clusters to select (target) of round %s from 2 to 3."
    assert changed % round.year in english
    assert "Ausgaben von 1.250,50 EUR am 1. September 2026 in der Konzeptionsphase" in german
    assert "Zielländer: Frankreich, Polen" in german
    assert "Konzeptionsphase: 1. Juli 2026 \u2013 30. Juni 2028, 500.000 EUR" in german
