"""The programme's pages, role by role: visitor, applicant, another cluster's manager, juror
with and without a conflict, unassigned juror, officer. Status codes and what each page shows
or hides; forms keep what was typed and name the broken rule."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from clusterbridge.accounts.models import User
from clusterbridge.clusters.models import Cluster
from clusterbridge.programme import figures, services
from clusterbridge.programme.enums import ApplicationState
from clusterbridge.programme.models import Application, ReviewCriterion, Round

pytestmark = pytest.mark.django_db


def _client(user: User | None = None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _text(response: Any) -> str:
    return response.content.decode()


def _sketch_post(year: int, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": "Photonics for the Loire",
        "idea": "Joint laser research.",
        "target_countries": ["FR"],
        "target_regions": "Pays de la Loire",
        "partner_candidates": ["photonics-fr"],
        "budget-TOTAL_FORMS": "2",
        "budget-INITIAL_FORMS": "0",
        "budget-MIN_NUM_FORMS": "0",
        "budget-MAX_NUM_FORMS": "20",
        "budget-0-phase": "concept",
        "budget-0-year": str(year),
        "budget-0-amount_eur": "500000",
        "budget-0-description": "Concept work",
        "budget-1-phase": "implementation",
        "budget-1-year": str(year + 2),
        "budget-1-amount_eur": "1500000",
        "budget-1-description": "",
        "save": "1",
    }
    data.update(overrides)
    return data


@pytest.fixture
def reviewed(assigned: Application, juror: User, criteria: list[ReviewCriterion]) -> Application:
    juror.first_name, juror.last_name = "Jana", "Jurorin"
    juror.save()
    services.review_submit(
        application=assigned,
        juror=juror,
        scores={criteria[0].pk: 8, criteria[1].pk: 5},
        comment="SECRET-REVIEW-COMMENT",
        no_conflict_declared=True,
    )
    return assigned


# Public -------------------------------------------------------------------------------------------


def test_programme_page_visitor_sees_rules_rounds_and_selected_clusters(
    submitted: Application, officer: User, open_round: Round
) -> None:
    services.application_transition(
        application=submitted, to=ApplicationState.RECOMMENDED, actor=officer, justification="Fit"
    )
    Application.objects.filter(pk=submitted.pk).update(is_sample=True)

    response = _client().get("/en/programme/")

    text = _text(response)
    assert response.status_code == 200
    assert "up to 4,000,000 EUR" in text
    assert "at most 24 months" in text
    assert f'href="/en/programme/rounds/{open_round.year}/"' in text
    assert 'href="/en/clusters/photonics-de/"' in text
    assert text.count(">sample data</span>") == 1


def test_round_page_shows_dates_criteria_and_the_apply_button_for_managers(
    open_round: Round, applicant: User
) -> None:
    visitor = _text(_client().get(f"/en/programme/rounds/{open_round.year}/"))
    manager = _text(_client(applicant).get(f"/en/programme/rounds/{open_round.year}/"))

    assert "Complementarity" in visitor
    assert open_round.call_closes is not None
    assert "Start a sketch for" not in visitor
    assert f'href="/en/programme/rounds/{open_round.year}/apply/photonics-de/"' in manager


def test_round_page_unknown_year_is_404(open_round: Round) -> None:
    assert _client().get("/en/programme/rounds/1999/").status_code == 404


def test_nav_shows_entries_by_role(
    applicant: User, juror: User, officer: User, open_round: Round
) -> None:
    pages = {
        name: _text(_client(user).get("/en/programme/"))
        for name, user in (
            ("visitor", None),
            ("applicant", applicant),
            ("juror", juror),
            ("officer", officer),
        )
    }

    def entries(text: str) -> list[str]:
        labels = ["My applications", "Reviews", "Programme office"]
        return [label for label in labels if f">{label}</a></li>" in text]

    assert entries(pages["visitor"]) == []
    assert entries(pages["applicant"]) == ["My applications"]
    assert entries(pages["juror"]) == ["Reviews"]
    assert entries(pages["officer"]) == ["Programme office"]
    assert all(
        'href="/en/programme/">Programme</a>' in text or 'aria-current="page">Programme</a>' in text
        for text in pages.values()
    )


# Applicants ---------------------------------------------------------------------------------------


def test_my_applications_lists_only_own_clusters(
    submitted: Application, applicant: User, other_manager: User
) -> None:
    own = _text(_client(applicant).get("/en/programme/applications/"))
    other = _text(_client(other_manager).get("/en/programme/applications/"))

    assert f'href="/en/programme/applications/{submitted.pk}/"' in own
    assert f'href="/en/programme/applications/{submitted.pk}/"' not in other


def test_my_applications_visitor_is_sent_to_login() -> None:
    response = _client().get("/en/programme/applications/")

    assert response.status_code == 302
    assert response["Location"].startswith("/en/accounts/login/")


def test_sketch_create_saves_a_draft_with_its_budget(
    open_round: Round, applicant: User, german_cluster: Cluster, partner_cluster: Cluster
) -> None:
    response = _client(applicant).post(
        f"/en/programme/rounds/{open_round.year}/apply/photonics-de/",
        _sketch_post(open_round.year),
    )

    application = Application.objects.get(round=open_round, cluster=german_cluster)
    assert response.status_code == 302
    assert response["Location"] == f"/en/programme/applications/{application.pk}/"
    assert application.state == ApplicationState.DRAFT
    assert application.target_regions == ["Pays de la Loire"]
    assert list(application.partner_candidates.all()) == [partner_cluster]
    assert figures.application_requested_eur(application) == Decimal("2000000")


def test_sketch_create_and_submit_in_one_step(
    open_round: Round, applicant: User, partner_cluster: Cluster
) -> None:
    data = _sketch_post(open_round.year)
    del data["save"]
    data["submit"] = "1"

    _client(applicant).post(f"/en/programme/rounds/{open_round.year}/apply/photonics-de/", data)

    assert Application.objects.get().state == ApplicationState.SUBMITTED


def test_sketch_over_the_cap_keeps_input_names_the_rule_and_saves_nothing(
    open_round: Round, applicant: User, partner_cluster: Cluster
) -> None:
    data = _sketch_post(open_round.year, **{"budget-1-amount_eur": "3900000"})

    response = _client(applicant).post(
        f"/en/programme/rounds/{open_round.year}/apply/photonics-de/", data
    )

    text = _text(response)
    assert response.status_code == 400
    assert text.count("(programme rule)") == 1
    assert 'value="3900000"' in text
    assert 'value="Photonics for the Loire"' in text
    assert Application.objects.count() == 0


def test_sketch_bad_budget_year_error_sits_on_its_line(
    open_round: Round, applicant: User, partner_cluster: Cluster
) -> None:
    data = _sketch_post(open_round.year, **{"budget-1-year": "2090"})

    response = _client(applicant).post(
        f"/en/programme/rounds/{open_round.year}/apply/photonics-de/", data
    )

    text = _text(response)
    assert response.status_code == 400
    assert "A budget year lies between" in text
    assert 'value="2090"' in text


def test_sketch_submit_incomplete_names_the_missing_fields_and_keeps_the_draft(
    open_round: Round, applicant: User, partner_cluster: Cluster
) -> None:
    data = _sketch_post(open_round.year, title="", idea="Only an idea")
    del data["save"]
    data["submit"] = "1"

    response = _client(applicant).post(
        f"/en/programme/rounds/{open_round.year}/apply/photonics-de/", data
    )

    text = _text(response)
    assert response.status_code == 400
    assert "A sketch needs a title." in text
    assert "Only an idea" in text
    # The draft is saved: the corrected form goes to the draft, not to a second sketch.
    draft = Application.objects.get()
    assert draft.state == ApplicationState.DRAFT
    assert f'action="/en/programme/applications/{draft.pk}/edit/"' in text


def test_sketch_create_by_another_clusters_manager_is_403(
    open_round: Round, other_manager: User, german_cluster: Cluster
) -> None:
    response = _client(other_manager).get(
        f"/en/programme/rounds/{open_round.year}/apply/photonics-de/"
    )

    assert response.status_code == 403


def test_sketch_edit_shows_saved_lines_and_accepts_changes(
    make_application: Callable[..., Application], applicant: User
) -> None:
    draft = make_application(submit=False)
    url = f"/en/programme/applications/{draft.pk}/edit/"

    page = _text(_client(applicant).get(url))
    response = _client(applicant).post(
        url, _sketch_post(draft.round.year, title="A new title", **{"budget-1-amount_eur": ""})
    )

    draft.refresh_from_db()
    assert 'value="1500000.00"' in page
    assert response.status_code == 400  # an amount left empty on a filled line
    response = _client(applicant).post(
        url,
        _sketch_post(
            draft.round.year,
            title="A new title",
            **{"budget-1-phase": "", "budget-1-year": "", "budget-1-amount_eur": ""},
        ),
    )
    draft.refresh_from_db()
    assert response.status_code == 302
    assert draft.title == "A new title"
    assert figures.application_requested_eur(draft) == Decimal("500000")


def test_application_page_applicant_never_sees_reviews_or_reviewer_names(
    reviewed: Application, applicant: User, officer: User, juror: User
) -> None:
    url = f"/en/programme/applications/{reviewed.pk}/"

    applicant_page = _text(_client(applicant).get(url))
    officer_page = _text(_client(officer).get(url))

    for secret in ("SECRET-REVIEW-COMMENT", "Jana Jurorin", juror.username, "Weighted total"):
        assert secret not in applicant_page
        assert secret in officer_page or secret == juror.username


def test_application_page_other_manager_and_visitor_cannot_see_it(
    submitted: Application, other_manager: User
) -> None:
    url = f"/en/programme/applications/{submitted.pk}/"

    assert _client(other_manager).get(url).status_code == 404
    assert _client().get(url).status_code == 302


def test_application_withdraw_by_applicant(submitted: Application, applicant: User) -> None:
    response = _client(applicant).post(
        f"/en/programme/applications/{submitted.pk}/withdraw/", {"justification": "Changed plans"}
    )

    submitted.refresh_from_db()
    assert response.status_code == 302
    assert submitted.state == ApplicationState.WITHDRAWN


def test_application_withdraw_by_another_manager_changes_nothing(
    submitted: Application, other_manager: User
) -> None:
    response = _client(other_manager).post(f"/en/programme/applications/{submitted.pk}/withdraw/")

    submitted.refresh_from_db()
    assert response.status_code == 404
    assert submitted.state == ApplicationState.SUBMITTED


def test_formal_application_after_recommendation(
    submitted: Application, applicant: User, officer: User
) -> None:
    url = f"/en/programme/applications/{submitted.pk}/formal/"
    before = _client(applicant).get(url).status_code
    services.application_transition(
        application=submitted,
        to=ApplicationState.RECOMMENDED,
        actor=officer,
        justification="Strong",
        presentation_on=dt.date(2026, 5, 4),
    )

    empty = _client(applicant).post(url, {"formal_text": "", "submit": "1"})
    done = _client(applicant).post(url, {"formal_text": "Our formal application.", "submit": "1"})

    submitted.refresh_from_db()
    assert before == 403
    assert empty.status_code == 400
    assert "Write the formal application before submitting it." in _text(empty)
    assert done.status_code == 302
    assert submitted.state == ApplicationState.FORMAL_SUBMITTED
    assert submitted.formal_text == "Our formal application."


# Jurors -------------------------------------------------------------------------------------------


def test_reviews_page_lists_assigned_conflict_free_applications_only(
    assigned: Application,
    juror: User,
    make_juror: Callable[..., User],
) -> None:
    unassigned = make_juror(username="unassigned")

    mine = _text(_client(juror).get("/en/programme/reviews/"))
    theirs = _text(_client(unassigned).get("/en/programme/reviews/"))

    assert f'href="/en/programme/applications/{assigned.pk}/review/"' in mine
    assert "No applications are assigned to you." in theirs


def test_reviews_page_is_for_jurors_only(applicant: User) -> None:
    assert _client(applicant).get("/en/programme/reviews/").status_code == 403


def test_review_form_saves_and_reports_the_weighted_total(
    assigned: Application, juror: User, criteria: list[ReviewCriterion]
) -> None:
    url = f"/en/programme/applications/{assigned.pk}/review/"
    data = {
        f"score_{criteria[0].pk}": "8",
        f"score_{criteria[1].pk}": "5",
        "comment": "Good",
        "no_conflict_declared": "on",
    }

    page = _client(juror).get(url)
    response = _client(juror).post(url, data, follow=True)

    assert page.status_code == 200
    assert 'data-weight="2.00"' in _text(page)
    assert "weighted total 70.00 of 100" in _text(response)
    assert assigned.reviews.get().comment == "Good"


def test_review_out_of_range_keeps_input_and_names_the_rule(
    assigned: Application, juror: User, criteria: list[ReviewCriterion]
) -> None:
    url = f"/en/programme/applications/{assigned.pk}/review/"
    data = {
        f"score_{criteria[0].pk}": "11",
        f"score_{criteria[1].pk}": "5",
        "comment": "Typed comment",
        "no_conflict_declared": "on",
    }

    response = _client(juror).post(url, data)

    text = _text(response)
    assert response.status_code == 400
    assert "Complementarity is scored from 0 to 10 (round rule)." in text
    assert 'value="11"' in text
    assert "Typed comment" in text
    assert assigned.reviews.count() == 0


def test_review_form_unassigned_juror_gets_404(
    submitted: Application, make_juror: Callable[..., User]
) -> None:
    stranger = make_juror(username="stranger")

    response = _client(stranger).get(f"/en/programme/applications/{submitted.pk}/review/")

    assert response.status_code == 404


def test_review_form_conflicted_juror_gets_404(
    submitted: Application, officer: User, make_juror: Callable[..., User]
) -> None:
    conflicted = make_juror(username="conflicted", organisation="Photonics DE e.V.")
    services.assignment_create(
        application=submitted, juror=make_juror(username="free"), actor=officer
    )
    from clusterbridge.programme.models import ReviewAssignment

    ReviewAssignment.objects.create(application=submitted, juror=conflicted, assigned_by=officer)

    response = _client(conflicted).get(f"/en/programme/applications/{submitted.pk}/review/")
    listing = _text(_client(conflicted).get("/en/programme/reviews/"))

    assert response.status_code == 404
    assert f"/en/programme/applications/{submitted.pk}/" not in listing


def test_conflict_declared_removes_the_application_from_the_list(
    assigned: Application, juror: User
) -> None:
    response = _client(juror).post(
        f"/en/programme/applications/{assigned.pk}/conflict/", {"reason": "Former employer"}
    )

    listing = _text(_client(juror).get("/en/programme/reviews/"))
    assert response.status_code == 302
    assert f"/en/programme/applications/{assigned.pk}/" not in listing
    assert (
        _client(juror).get(f"/en/programme/applications/{assigned.pk}/review/").status_code == 404
    )


# Officers ---------------------------------------------------------------------------------------


OFFICE_PAGES = (
    "/en/programme/office/",
    "/en/programme/office/rounds/{year}/",
    "/en/programme/office/rounds/{year}/assignments/",
    "/en/programme/office/rounds/{year}/board/",
    "/en/programme/office/rounds/{year}/board.csv",
    "/en/programme/office/audit/",
)


@pytest.mark.parametrize("path", OFFICE_PAGES)
def test_office_pages_by_role(
    path: str, open_round: Round, officer: User, applicant: User, juror: User
) -> None:
    url = path.format(year=open_round.year)

    assert _client().get(url).status_code == 302
    assert _client(applicant).get(url).status_code == 403
    assert _client(juror).get(url).status_code == 403
    assert _client(officer).get(url).status_code == 200


def test_round_manage_dates_in_wrong_order_keep_input_and_change_nothing(
    open_round: Round, officer: User
) -> None:
    before = open_round.call_closes
    response = _client(officer).post(
        f"/en/programme/office/rounds/{open_round.year}/",
        {"save_round": "1", "call_opens": "2026-05-01", "call_closes": "2026-04-01"},
    )

    open_round.refresh_from_db()
    assert response.status_code == 400
    assert 'value="2026-04-01"' in _text(response)
    assert open_round.call_closes == before


def test_round_manage_adds_a_weighted_criterion(open_round: Round, officer: User) -> None:
    response = _client(officer).post(
        f"/en/programme/office/rounds/{open_round.year}/",
        {
            "add_criterion": "1",
            "name_en": "Impact",
            "name_de": "Wirkung",
            "weight": "1.5",
            "min_score": "0",
            "max_score": "5",
        },
    )

    assert response.status_code == 302
    assert open_round.criteria.get(name_en="Impact").weight == Decimal("1.50")


def test_assignment_page_suggests_conflict_free_jurors_and_applies_them(
    submitted: Application, officer: User, juror: User, make_juror: Callable[..., User]
) -> None:
    conflicted = make_juror(username="conflicted", organisation="Photonics DE e.V.")
    url = f"/en/programme/office/rounds/{submitted.round.year}/assignments/"

    page = _text(_client(officer).get(url))
    response = _client(officer).post(url, {"apply": "1", "pair": [f"{submitted.pk}:{juror.pk}"]})

    assert f'value="{submitted.pk}:{juror.pk}"' in page
    assert f'value="{submitted.pk}:{conflicted.pk}"' not in page
    assert response.status_code == 302
    assert list(submitted.assignments.values_list("juror__username", flat=True)) == ["juror"]


def test_assignment_by_hand_of_a_conflicted_juror_is_refused_with_the_rule(
    submitted: Application, officer: User, make_juror: Callable[..., User]
) -> None:
    conflicted = make_juror(username="conflicted", organisation="Photonics DE e.V.")

    response = _client(officer).post(
        f"/en/programme/office/rounds/{submitted.round.year}/assignments/",
        {"apply": "1", "pair": [f"{submitted.pk}:{conflicted.pk}"]},
    )

    assert response.status_code == 400
    assert "No review by a conflicted juror (programme rule)" in _text(response)
    assert submitted.assignments.count() == 0


def test_assignment_page_of_a_round_without_criteria_says_so_and_refuses(
    unprepared: Application, officer: User, juror: User
) -> None:
    url = f"/en/programme/office/rounds/{unprepared.round.year}/assignments/"
    rule = "This round has no review criteria yet: add criteria before assigning jurors."

    page = _text(_client(officer).get(url))
    refused = _client(officer).post(url, {"apply": "1", "pair": [f"{unprepared.pk}:{juror.pk}"]})
    german = _text(_client(officer).get(url.replace("/en/", "/de/")))

    assert rule in page
    assert 'name="apply"' not in page
    assert refused.status_code == 400
    assert rule in _text(refused)
    assert "Diese Runde hat noch keine Bewertungskriterien" in german
    assert unprepared.assignments.count() == 0


def test_selection_board_ranks_and_decides_in_a_batch(
    reviewed: Application, officer: User, juror: User
) -> None:
    url = f"/en/programme/office/rounds/{reviewed.round.year}/board/"

    page = _text(_client(officer).get(url))
    missing = _client(officer).post(url, {f"decision_{reviewed.pk}": "select"})
    done = _client(officer).post(
        url,
        {
            f"decision_{reviewed.pk}": "select",
            f"justification_{reviewed.pk}": "Best fit",
            f"presentation_{reviewed.pk}": "2026-05-04",
        },
    )

    reviewed.refresh_from_db()
    assert "70.00" in page
    assert "2,000,000" in page
    assert missing.status_code == 400
    assert "Every decision needs a written justification." in _text(missing)
    assert 'value="select" selected' in _text(missing)
    assert done.status_code == 302
    assert reviewed.state == ApplicationState.RECOMMENDED
    assert reviewed.presentation_on == dt.date(2026, 5, 4)
    assert reviewed.panel_justification == "Best fit"


def test_selection_board_warns_over_the_target(
    make_application: Callable[..., Application],
    make_cluster: Callable[..., Cluster],
    make_user: Callable[..., User],
    officer: User,
    open_round: Round,
) -> None:
    open_round.target_selected = 1
    open_round.save()
    first = make_application()
    manager = make_user(username="second")
    second_cluster = make_cluster(slug="second-de", name="Second DE")
    second_cluster.managers.add(manager)
    second = make_application(cluster=second_cluster, actor=manager)
    url = f"/en/programme/office/rounds/{open_round.year}/board/"
    data = {}
    for application in (first, second):
        data[f"decision_{application.pk}"] = "select"
        data[f"justification_{application.pk}"] = "Both strong"

    response = _client(officer).post(url, data, follow=True)

    assert "2 clusters selected, more than the round&#x27;s target of 1." in _text(response)


def test_selection_board_csv_has_one_line_per_application(
    reviewed: Application, officer: User
) -> None:
    response = _client(officer).get(f"/en/programme/office/rounds/{reviewed.round.year}/board.csv")

    lines = response.content.decode("utf-8-sig").splitlines()  # the mark: test_csv.py
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert lines[0].startswith("rank,cluster,state")
    assert lines[1].startswith("1,Photonics DE,submitted,1,70.00")
    assert len(lines) == 2


def _to_agency_review(application: Application, officer: User, applicant: User) -> None:
    services.application_transition(
        application=application,
        to=ApplicationState.RECOMMENDED,
        actor=officer,
        justification="Strong",
    )
    services.application_update_formal(application=application, actor=applicant, formal_text="F")
    services.application_submit(application=application, actor=applicant)
    services.application_transition(
        application=application, to=ApplicationState.AGENCY_REVIEW, actor=officer
    )


def _approve_post(**overrides: str) -> dict[str, str]:
    data = {
        "approve-justification": "Approved by the ministry",
        "approve-amount_eur": "2000000",
        "approve-starts_on": "2026-07-01",
        "approve-ends_on": "2031-06-30",
        "approve-concept_starts_on": "2026-07-01",
        "approve-concept_ends_on": "2028-06-30",
        "approve-concept_budget_eur": "500000",
        "approve-implementation_starts_on": "2027-07-01",
        "approve-implementation_ends_on": "2030-06-30",
        "approve-implementation_budget_eur": "1500000",
    }
    data.update({f"approve-{key}": value for key, value in overrides.items()})
    return data


def test_approve_makes_the_grant(submitted: Application, officer: User, applicant: User) -> None:
    _to_agency_review(submitted, officer, applicant)

    page = _text(_client(officer).get(f"/en/programme/applications/{submitted.pk}/"))
    response = _client(officer).post(
        f"/en/programme/office/applications/{submitted.pk}/approve/", _approve_post()
    )

    submitted.refresh_from_db()
    assert 'name="approve-amount_eur"' in page
    assert response.status_code == 302
    assert response["Location"] == f"/en/programme/grants/{submitted.grant.pk}/"
    assert submitted.state == ApplicationState.APPROVED


def test_approve_with_too_long_concept_phase_keeps_input_and_names_the_rule(
    submitted: Application, officer: User, applicant: User
) -> None:
    _to_agency_review(submitted, officer, applicant)

    response = _client(officer).post(
        f"/en/programme/office/applications/{submitted.pk}/approve/",
        _approve_post(concept_ends_on="2029-06-30"),
    )

    submitted.refresh_from_db()
    text = _text(response)
    assert response.status_code == 400
    assert "(programme rule)" in text
    assert 'value="2029-06-30"' in text
    assert submitted.state == ApplicationState.AGENCY_REVIEW


def test_audit_log_shows_decisions_to_officers(reviewed: Application, officer: User) -> None:
    text = _text(_client(officer).get("/en/programme/office/audit/"))
    german = _text(_client(officer).get("/de/programme/office/audit/"))

    year = reviewed.round.year
    assert (
        f"<td>Jana Jurorin reviewed the application of Photonics DE ({year}): weighted score 70."
        '<ul class="plain small"><li>Complementarity: 8</li><li>Feasibility: 5</li></ul></td>'
    ) in text
    assert f"<td>applicant submitted the sketch of Photonics DE ({year}).</td>" in text
    assert f"Jana Jurorin hat den Antrag von Photonics DE ({year}) begutachtet" in german
    assert "programme.review.submitted" not in text + german


# Grants and projects -----------------------------------------------------------------------------


def test_grant_page_holder_sees_remaining_and_another_manager_gets_404(
    grant: Any, applicant: User, other_manager: User
) -> None:
    url = f"/en/programme/grants/{grant.pk}/"
    phase = grant.phases.get(kind="concept")
    services.expenditure_record(
        phase=phase,
        actor=applicant,
        amount_eur=Decimal("100000"),
        spent_on=dt.date(2026, 8, 1),
        description="Workshop",
    )

    text = _text(_client(applicant).get(url))

    assert "400,000.00" in text  # remaining in the concept phase
    assert "1,900,000.00" in text  # remaining in all
    assert _client(other_manager).get(url).status_code == 404
    assert _client().get(url).status_code == 302


def test_spending_over_the_remaining_budget_keeps_input_and_names_the_rule(
    grant: Any, applicant: User
) -> None:
    phase = grant.phases.get(kind="concept")

    response = _client(applicant).post(
        f"/en/programme/grants/{grant.pk}/spending/",
        {
            "spending-phase": str(phase.pk),
            "spending-amount_eur": "600000",
            "spending-spent_on": "2026-08-01",
            "spending-description": "Too much",
        },
    )

    text = _text(response)
    assert response.status_code == 400
    assert "Spending cannot exceed the phase budget (programme rule)" in text
    assert 'value="600000"' in text
    assert phase.expenditures.count() == 0


def test_grant_list_by_role(
    grant: Any, applicant: User, other_manager: User, officer: User
) -> None:
    link = f'href="/en/programme/grants/{grant.pk}/"'

    assert link in _text(_client(applicant).get("/en/programme/grants/"))
    assert link in _text(_client(officer).get("/en/programme/grants/"))
    assert link not in _text(_client(other_manager).get("/en/programme/grants/"))


def test_outline_approval_and_project_without_own_funding_cannot_start(
    grant: Any, applicant: User, officer: User, partner_cluster: Cluster
) -> None:
    client = _client(applicant)
    client.post(
        f"/en/programme/grants/{grant.pk}/outlines/",
        {"outline-title": "Lasers", "outline-summary": "Joint"},
    )
    outline = grant.outlines.get()
    by_holder = client.post(
        f"/en/programme/outlines/{outline.pk}/decide/",
        {f"outline-{outline.pk}-approve": "yes", f"outline-{outline.pk}-justification": "x"},
    )
    early = client.post(f"/en/programme/outlines/{outline.pk}/project/", {})
    _client(officer).post(
        f"/en/programme/outlines/{outline.pk}/decide/",
        {f"outline-{outline.pk}-approve": "yes", f"outline-{outline.pk}-justification": "Sound"},
    )
    created = client.post(f"/en/programme/outlines/{outline.pk}/project/", {})
    project = grant.projects.get()
    client.post(
        f"/en/programme/projects/{project.pk}/participants/",
        {"participant-cluster": partner_cluster.slug, "participant-know_how": "Laser optics"},
    )
    refused = client.post(
        f"/en/programme/projects/{project.pk}/state/", {"transition-to": "running"}
    )

    assert by_holder.status_code == 403
    assert early.status_code == 400
    assert "No implementation project before its outline is approved (programme rule)." in _text(
        early
    )
    assert created.status_code == 302
    assert refused.status_code == 400
    assert "No project start without partners&#x27; own funding (programme rule)" in _text(refused)
    project.refresh_from_db()
    assert project.state == "planned"


def test_project_with_confirmed_funding_starts_and_signs_its_ipr_agreement(
    grant: Any, applicant: User, officer: User, partner_cluster: Cluster
) -> None:
    outline = services.outline_submit(grant=grant, actor=applicant, title="Lasers", summary="S")
    services.outline_decide(outline=outline, actor=officer, approve=True, justification="ok")
    project = services.project_create(outline=outline, actor=applicant)
    participant = services.participant_add(
        project=project, actor=applicant, cluster=partner_cluster
    )
    client = _client(applicant)
    url = f"/en/programme/projects/{project.pk}/"

    funding = client.post(
        f"{url}funding/",
        {
            "funding-participant": str(participant.pk),
            "funding-source": "Région Pays de la Loire",
            "funding-amount_eur": "300000",
            "funding-status": "confirmed",
        },
    )
    started = client.post(f"{url}state/", {"transition-to": "running"})
    unsigned = client.post(f"{url}ipr/", {"ipr-status": "signed", "ipr-signed_on": "2027-09-01"})
    from django.core.files.uploadedfile import SimpleUploadedFile

    signed = client.post(
        f"{url}ipr/",
        {
            "ipr-status": "signed",
            "ipr-signed_on": "2027-09-01",
            "ipr-document": SimpleUploadedFile("a.pdf", b"%PDF-1.7 agreement", "application/pdf"),
        },
    )
    page = _text(client.get(url))

    project.refresh_from_db()
    assert funding.status_code == 302
    assert started.status_code == 302
    assert project.state == "running"
    assert unsigned.status_code == 400
    assert "A signed agreement has its document attached (PDF)." in _text(unsigned)
    assert signed.status_code == 302
    assert project.ipr_agreement.status == "signed"
    assert "300,000.00" in page
    assert "Région Pays de la Loire" in page


def test_project_page_another_manager_gets_404(
    grant: Any, applicant: User, officer: User, other_manager: User
) -> None:
    outline = services.outline_submit(grant=grant, actor=applicant, title="Lasers", summary="S")
    services.outline_decide(outline=outline, actor=officer, approve=True, justification="ok")
    project = services.project_create(outline=outline, actor=applicant)

    assert _client(other_manager).get(f"/en/programme/projects/{project.pk}/").status_code == 404
    assert _client(officer).get(f"/en/programme/projects/{project.pk}/").status_code == 200


# Schedule -----------------------------------------------------------------------------------------


def test_schedule_page_svg_and_csv(grant: Any, officer: User) -> None:
    services.report_schedule(
        grant=grant, actor=officer, title="Interim report", due_on=dt.date(2020, 1, 31)
    )

    public = _text(_client().get("/en/programme/schedule/"))
    office = _text(_client(officer).get("/en/programme/schedule/"))
    svg = _client().get("/en/programme/schedule.svg")
    response = _client(officer).get("/en/programme/schedule.csv")
    csv = response.content.decode("utf-8-sig").splitlines()  # the mark: test_csv.py

    assert '<title id="gantt-title">' in public
    assert "Photonics DE" in public
    assert "Interim report" not in public
    assert "1 report is late." in office
    assert svg["Content-Type"] == "image/svg+xml; charset=utf-8"
    assert svg.content.startswith(b'<svg xmlns="http://www.w3.org/2000/svg"')
    assert (
        csv[0] == "round,cluster,item,kind,starts_on,ends_on,budget_eur,submitted_on,late,is_sample"
    )
    assert csv[-1].endswith(",report,Interim report,,2020-01-31,,,yes,no")


def test_schedule_svg_in_german_keeps_dots_in_coordinates(grant: Any) -> None:
    svg = _client().get("/de/programme/schedule.svg").content.decode()

    view_box = svg.split('viewBox="', 1)[1].split('"', 1)[0]
    assert view_box.replace(".", "").replace(" ", "").isdigit()
    assert "Runde 2026" in svg


# German ------------------------------------------------------------------------------------------


def test_programme_page_in_german_translates_the_rules_and_the_navigation(
    open_round: Round, applicant: User
) -> None:
    response = _client(applicant).get("/de/programme/")

    text = _text(response)
    assert response.status_code == 200
    assert "Regeln der Fördermaßnahme" in text
    assert "bis zu 4.000.000 EUR" in text
    assert ">Meine Anträge</a></li>" in text


def test_grant_budget_change_by_officer_and_refused_when_phases_do_not_add_up(
    grant: Any, officer: User, applicant: User
) -> None:
    url = f"/en/programme/grants/{grant.pk}/budget/"
    data = {
        "budget-amount_eur": "2500000",
        "budget-concept_budget_eur": "500000",
        "budget-implementation_budget_eur": "1500000",
        "budget-justification": "More partners",
    }

    by_holder = _client(applicant).post(url, data)
    refused = _client(officer).post(url, data)
    data["budget-implementation_budget_eur"] = "2000000"
    done = _client(officer).post(url, data)

    grant.refresh_from_db()
    assert by_holder.status_code == 403
    assert refused.status_code == 400
    assert "Phase budgets must add up to the grant (programme rule)" in _text(refused)
    assert 'value="2500000"' in _text(refused)
    assert done.status_code == 302
    assert grant.amount_eur == Decimal("2500000")


def test_phase_reschedule_too_long_names_the_rule(grant: Any, officer: User) -> None:
    concept = grant.phases.get(kind="concept")

    response = _client(officer).post(
        f"/en/programme/grants/{grant.pk}/reschedule/",
        {
            "reschedule-phase": str(concept.pk),
            "reschedule-starts_on": "2026-07-01",
            "reschedule-ends_on": "2029-06-30",
            "reschedule-justification": "Delay",
        },
    )

    concept.refresh_from_db()
    assert response.status_code == 400
    assert "(programme rule)" in _text(response)
    assert concept.ends_on == dt.date(2028, 6, 30)


def test_project_page_offers_only_the_allowed_next_states(
    grant: Any, applicant: User, officer: User
) -> None:
    outline = services.outline_submit(grant=grant, actor=applicant, title="Lasers", summary="S")
    services.outline_decide(outline=outline, actor=officer, approve=True, justification="ok")
    project = services.project_create(outline=outline, actor=applicant)

    text = _text(_client(applicant).get(f"/en/programme/projects/{project.pk}/"))
    states = text.split('name="transition-to"', 1)[1].split("</select>", 1)[0]

    assert 'value="running"' in states
    assert 'value="cancelled"' in states
    assert 'value="planned"' not in states
    assert 'value="completed"' not in states


def test_my_applications_links_the_grant(grant: Any, applicant: User) -> None:
    text = _text(_client(applicant).get("/en/programme/applications/"))

    assert f'href="/en/programme/grants/{grant.pk}/"' in text


def test_sketch_form_offers_matchmakings_partners_first(
    open_round: Round, make_cluster: Callable[..., Cluster], make_user: Callable[..., User]
) -> None:
    from clusterbridge.clusters.records import CompetenceRecord
    from clusterbridge.matching.selectors import landscape_forget

    def phrases(*items: str) -> list[CompetenceRecord]:
        return [CompetenceRecord(phrase=item, language="en") for item in items]

    german = make_cluster(
        slug="light-de",
        name="Lightweight North",
        technology_fields=["lightweight-construction"],
        competences_offered=phrases("crash simulation of lightweight structures"),
        competences_sought=phrases("carbon fibre recycling"),
    )
    make_cluster(
        slug="composites-fr",
        name="Composites France",
        country="FR",
        region="",
        technology_fields=["lightweight-construction"],
        value_chain_roles=["production"],
        competences_offered=phrases("recycling of carbon fibres"),
        competences_sought=phrases("crash simulation of lightweight structures"),
    )
    make_cluster(slug="food-es", name="Food Spain", country="ES", region="")
    manager = make_user(username="lightweight")
    german.managers.add(manager)
    landscape_forget()

    text = _text(_client(manager).get(f"/en/programme/rounds/{open_round.year}/apply/light-de/"))
    landscape_forget()

    suggested = text.split(">Suggested by matchmaking</p>", 1)[1].split('class="choice-group"', 1)[
        0
    ]
    assert 'value="composites-fr"' in suggested
    assert 'value="food-es"' not in suggested


def test_programme_page_without_a_programme_says_so(db: None) -> None:
    response = _client().get("/en/programme/")

    assert response.status_code == 200
    assert "No funding programme is set up yet." in _text(response)


def test_grant_page_flags_a_late_report_and_the_holder_marks_it_submitted(
    grant: Any, applicant: User, officer: User
) -> None:
    report = services.report_schedule(
        grant=grant, actor=officer, title="Interim report", due_on=dt.date(2020, 1, 31)
    )
    url = f"/en/programme/grants/{grant.pk}/"

    before = _text(_client(applicant).get(url))
    response = _client(applicant).post(f"/en/programme/reports/{report.pk}/submit/")

    report.refresh_from_db()
    assert '<span class="flag">late</span>' in before
    assert f'action="/en/programme/reports/{report.pk}/submit/"' in before
    assert response.status_code == 302
    assert report.submitted_at is not None


def test_concept_handed_in_by_the_holder_not_by_another_manager(
    grant: Any, applicant: User, other_manager: User
) -> None:
    url = f"/en/programme/grants/{grant.pk}/concept/"
    data = {"concept-summary": "Partners in the Loire region", "concept-target_countries": ["FR"]}

    refused = _client(other_manager).post(url, data)
    empty = _client(applicant).post(url, {"concept-summary": "  "})
    done = _client(applicant).post(url, data)

    assert refused.status_code == 404
    assert empty.status_code == 400
    assert "The concept needs a summary." in _text(empty)
    assert done.status_code == 302
    assert grant.concept.summary == "Partners in the Loire region"


def test_programme_page_shows_the_real_rounds_with_their_published_dates(db: None) -> None:
    from clusterbridge.demo.programme import measure_load

    measure_load()

    text = _text(_client().get("/en/programme/"))
    german = _text(_client().get("/de/programme/"))

    assert "28 February 2015" in text  # the 2015 deadline, known to the day
    assert "June 2016" in text  # the 2016 selection, published to the month only
    assert "Juni 2016" in german
    assert ">2017</a></th>" in text
