"""The funding programme from sketch to schedule, in a real browser: the applicant writes and
submits a sketch, the officer assigns the jury, the juror reviews, the panel recommends, the
applicant writes the formal application, the officer approves it with its grant, approves a
project outline, and the applicant starts implementation with a partner's own funding and a
signed IPR agreement, which then shows on the schedule. Each page is checked with axe."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from clusterbridge.accounts.enums import Role
from clusterbridge.accounts.models import User
from clusterbridge.accounts.services import user_grant_role
from clusterbridge.clusters.enums import ClusterKind
from clusterbridge.programme import services
from clusterbridge.programme.enums import ApplicationState, IPRStatus, ProjectState
from clusterbridge.programme.models import Application, FundingProgramme, Round
from tests.e2e.conftest import axe_violations, log_in

PASSWORD = "a-long-test-password"


def _accessible(page: Any) -> None:
    assert axe_violations(page) == []


@pytest.fixture
def setting(transactional_db: None, make_cluster: Any, make_user: Any) -> Round:
    today = timezone.localdate()
    programme = FundingProgramme(slug="measure", name_en="Internationalisation measure")
    programme.full_clean()
    programme.save()
    officer = make_user(username="olga", first_name="Olga", password=PASSWORD)
    user_grant_role(user=officer, role=Role.PROGRAMME_OFFICER)
    juror = make_user(username="jens", first_name="Jens", last_name="Juror", password=PASSWORD)
    user_grant_role(user=juror, role=Role.JURY_MEMBER)
    round = services.round_create(
        programme=programme,
        actor=officer,
        year=today.year,
        call_opens=today - dt.timedelta(days=30),
        call_closes=today + dt.timedelta(days=30),
        budget_eur=Decimal("40000000"),
        target_selected=10,
    )
    services.criterion_create(
        round=round, actor=officer, name_en="Complementarity", weight=Decimal(2)
    )
    services.criterion_create(round=round, actor=officer, name_en="Feasibility", weight=Decimal(1))
    german = make_cluster(
        slug="photonics-de", name="Photonics DE", management_organisation="Photonics DE e.V."
    )
    german.managers.add(make_user(username="anna", first_name="Anna", password=PASSWORD))
    make_cluster(
        slug="photonique-fr",
        name="Photonique FR",
        kind=ClusterKind.INTERNATIONAL_CLUSTER.value,
        country="FR",
        region="FR-PDL",
        city="Nantes",
        latitude=47.21,
        longitude=-1.55,
        management_organisation="Pôle Photonique",
    )
    return round


def _log_in(page: Any, base: str, username: str, next_path: str) -> None:
    log_in(page, base, User.objects.get(username=username).email, PASSWORD, next_path)


def test_journey_from_sketch_to_schedule(live_server: Any, page: Any, setting: Round) -> None:
    base = live_server.url
    year = setting.year

    # The applicant writes and submits a sketch.
    _log_in(page, base, "anna", "/en/programme/")
    _accessible(page)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My applications").click()
    page.wait_for_url("**/en/programme/applications/")
    _accessible(page)
    page.get_by_role("link", name="Start a sketch for Photonics DE").click()
    page.wait_for_url(f"**/en/programme/rounds/{year}/apply/photonics-de/")
    _accessible(page)
    page.get_by_label("Title").fill("Photonics for the Loire")
    page.get_by_label("Internationalisation idea").fill("Joint laser research with Nantes.")
    # Several countries and partners are ticked, no Ctrl-click; a box narrows a long list.
    page.get_by_label("Filter the countries by name").fill("fran")
    page.get_by_role("group", name="Target countries").get_by_label("France").check()
    page.get_by_label("Target regions").fill("Pays de la Loire")
    page.get_by_label("Filter the clusters abroad by name").fill("photoniq")
    page.get_by_role("group", name="Partner candidates").get_by_label("Photonique FR").check()
    page.get_by_label("Phase, line 1").select_option("concept")
    page.get_by_label("Year, line 1").fill(str(year))
    page.get_by_label("Amount (EUR), line 1").fill("500000")
    page.get_by_label("Phase, line 2").select_option("implementation")
    page.get_by_label("Year, line 2").fill(str(year + 2))
    page.get_by_label("Amount (EUR), line 2").fill("1500000")
    page.get_by_role("button", name="Save and submit the sketch").click()
    page.wait_for_url(re.compile(r".*/en/programme/applications/\d+/$"))
    assert page.get_by_text("Your sketch is submitted.").is_visible()
    assert page.locator(".state").inner_text() == "Sketch submitted"
    _accessible(page)
    application = Application.objects.get()
    application_path = f"/en/programme/applications/{application.pk}/"

    # The officer looks over the round and applies the suggested, conflict-free assignment.
    _log_in(page, base, "olga", "/en/programme/office/")
    _accessible(page)
    page.get_by_role("link", name=f"Dates and criteria {year}").click()
    page.wait_for_url(f"**/en/programme/office/rounds/{year}/")
    _accessible(page)
    page.goto(f"{base}/en/programme/office/")
    page.get_by_role("link", name=f"Jury assignment {year}").click()
    page.wait_for_url(f"**/en/programme/office/rounds/{year}/assignments/")
    _accessible(page)
    assert page.get_by_label("Photonics DE → Jens Juror").is_checked()
    page.get_by_role("button", name="Apply the ticked assignments").click()
    page.wait_for_url(f"**/en/programme/office/rounds/{year}/assignments/")
    assert page.get_by_text("1 assignments applied.").is_visible()

    # The juror reviews it, seeing the weighted total while typing.
    _log_in(page, base, "jens", "/en/programme/reviews/")
    _accessible(page)
    page.get_by_role("link", name="Review Photonics DE").click()
    page.wait_for_url(f"**{application_path}review/")
    page.get_by_label("Complementarity").fill("8")
    page.get_by_label("Feasibility").fill("5")
    assert page.locator("#review-total").inner_text() == "70.00"
    page.get_by_label("Comment").fill("A convincing plan.")
    page.get_by_label("I declare that I have no conflict of interest").check()
    _accessible(page)
    page.get_by_role("button", name="Save review").click()
    page.wait_for_url("**/en/programme/reviews/")
    assert page.get_by_text("Your review is saved: weighted total 70.00 of 100.").is_visible()

    # The panel recommends it on the selection board.
    _log_in(page, base, "olga", f"/en/programme/office/rounds/{year}/board/")
    assert page.locator("table.board tbody tr").first.locator("td").nth(3).inner_text() == "70.00"
    _accessible(page)
    page.get_by_label("Decision on Photonics DE").select_option("select")
    page.get_by_label("Justification").fill("Complementary partners, realistic budget.")
    page.get_by_label("Presentation to the panel").fill(f"{year}-12-01")
    page.get_by_role("button", name="Record the decisions").click()
    page.wait_for_url(f"**/en/programme/office/rounds/{year}/board/")
    assert page.get_by_text("1 decisions recorded.").is_visible()

    # The applicant writes the formal application; reviews stay hidden from them.
    _log_in(page, base, "anna", application_path)
    assert page.locator(".state").inner_text() == "Recommended by the panel"
    assert page.get_by_text("A convincing plan.").count() == 0
    assert page.get_by_text("Jens").count() == 0
    page.get_by_role("link", name="Write the formal application").click()
    page.wait_for_url(f"**{application_path}formal/")
    _accessible(page)
    page.get_by_label("Formal application").fill("Work plan, partners and budget in full.")
    page.get_by_role("button", name="Save and submit the formal application").click()
    page.wait_for_url(f"**{application_path}")
    assert page.locator(".state").inner_text() == "Formal application submitted"

    # The officer starts the agency's review and approves it with its grant.
    _log_in(page, base, "olga", application_path)
    page.get_by_role("button", name="Start the agency's review").click()
    page.wait_for_url(f"**{application_path}")
    _accessible(page)
    page.locator("#id_approve-justification").fill("Approved by the ministry.")
    page.get_by_role("button", name="Approve and make the grant").click()
    page.wait_for_url(re.compile(r".*/en/programme/grants/\d+/$"))
    _accessible(page)
    grant_path = page.url.removeprefix(base)

    # The applicant hands in an outline; the officer approves it.
    _log_in(page, base, "anna", grant_path)
    page.get_by_text("Hand in a project outline").click()
    page.get_by_label("Project title").fill("Laser welding for lightweight hulls")
    page.get_by_label("Outline").fill("Joint R&D with the Nantes partners.")
    page.get_by_role("button", name="Hand in the outline").click()
    page.wait_for_url(f"**{grant_path}")
    _log_in(page, base, "olga", grant_path)
    page.get_by_label("Approve").check()
    page.locator("section.outline").get_by_label("Justification").fill("Fits the concept.")
    page.get_by_role("button", name="Record the decision").click()
    page.wait_for_url(f"**{grant_path}")
    assert page.get_by_text("The decision on the outline is recorded.").is_visible()
    _accessible(page)

    # Implementation: the applicant creates the project, adds the partner with its own funding,
    # starts it and signs the IPR agreement.
    _log_in(page, base, "anna", grant_path)
    page.get_by_text("Start a collaborative project from this outline").click()
    page.get_by_role("button", name="Create the project").click()
    page.wait_for_url(re.compile(r".*/en/programme/projects/\d+/$"))
    _accessible(page)
    page.get_by_text("Add a participant").click()
    page.get_by_label("Cluster on the platform").select_option("photonique-fr")
    page.get_by_label("Know-how brought in").fill("Laser optics and welding trials")
    page.get_by_role("button", name="Add the participant").click()
    page.wait_for_load_state()
    page.get_by_text("Add a participant").click()
    page.get_by_label("Cluster on the platform").select_option("photonics-de")
    page.get_by_label("Federal funding requested (EUR)").fill("300000")
    page.get_by_role("button", name="Add the participant").click()
    page.wait_for_load_state()
    page.get_by_text("Record a partner's own funding").click()
    page.get_by_label("Source of funding").fill("Région Pays de la Loire")
    page.get_by_label("Amount (EUR)").fill("300000")
    page.get_by_label("Status").first.select_option("confirmed")
    page.get_by_role("button", name="Record the funding").click()
    page.wait_for_load_state()
    footing = page.locator("table.footing")
    assert footing.locator("thead th").all_inner_texts() == [
        "Photonics DE\nGermany · German",
        "Photonique FR\nFrance · international",
    ]
    assert footing.get_by_text("Région Pays de la Loire").is_visible()
    assert footing.get_by_text("federal funding").is_visible()
    page.get_by_label("New state").select_option("running")
    page.get_by_role("button", name="Change the state").click()
    page.wait_for_load_state()
    assert page.get_by_text("The project is now “Running”.").is_visible()
    page.get_by_text("IPR agreement", exact=True).last.click()
    ipr = page.locator("form[action$='/ipr/']")
    ipr.get_by_label("Status").select_option("signed")
    ipr.get_by_label("Signed on").fill(f"{year}-12-15")
    ipr.get_by_label("Agreement (PDF)").set_input_files(
        files=[{"name": "agreement.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.7 x"}]
    )
    page.get_by_role("button", name="Save the IPR agreement").click()
    page.wait_for_load_state()
    assert page.get_by_text("The IPR agreement is saved.").is_visible()
    _accessible(page)

    project = application.grant.projects.get()
    assert project.state == ProjectState.RUNNING
    assert project.ipr_agreement.status == IPRStatus.SIGNED
    application.refresh_from_db()
    assert application.state == ApplicationState.APPROVED

    # Every decision is in the officers' audit log.
    _log_in(page, base, "olga", "/en/programme/office/audit/")
    assert page.get_by_text(
        "Anna recorded the signed IPR agreement of the project "
        "“Laser welding for lightweight hulls”."
    ).is_visible()
    assert page.get_by_text("programme.ipr.signed").count() == 0
    _accessible(page)
    page.goto(f"{base}/en/programme/grants/")
    _accessible(page)

    # The schedule shows the grant's phases.
    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Programme", exact=True
    ).click()
    page.get_by_role("link", name="Schedule of the grants").click()
    page.wait_for_url("**/en/programme/schedule/")
    assert page.locator("svg.gantt rect").count() == 2
    assert page.get_by_role("rowheader", name="Photonics DE").is_visible()
    _accessible(page)
    assert page.js_errors == []


@pytest.fixture
def measure(transactional_db: None) -> None:
    from clusterbridge.demo.services import demo_load

    demo_load()


def test_visitor_reads_the_real_measure_and_its_schedule(
    live_server: Any, page: Any, measure: None
) -> None:
    selected = Application.objects.filter(round__year=2015, state=ApplicationState.APPROVED)
    first = selected.order_by("cluster__name").select_related("cluster").first()
    assert first is not None

    page.goto(f"{live_server.url}/en/programme/")
    assert page.locator("h1").inner_text().startswith("Internationalisation of Leading-Edge")
    assert page.get_by_role("link", name="2015", exact=True).is_visible()
    _accessible(page)
    page.get_by_role("link", name="2015", exact=True).click()
    page.wait_for_url("**/en/programme/rounds/2015/")
    assert page.get_by_role("link", name=first.cluster.name).first.is_visible()
    # The demo's criteria are an estimate and say so; the announced figure is told apart from
    # the selections the sources name.
    assert page.locator(".sample-badge").count() == 1
    assert page.get_by_text("11 selected (announced); 7 named in the sources").is_visible()
    _accessible(page)
    page.get_by_role("link", name="Schedule of round 2015").click()
    page.wait_for_url("**/en/programme/schedule/?round=2015")
    rows = page.locator("table tbody tr")
    assert rows.count() == selected.count()
    # Every grant's figures are invented for the demo: each row is labelled.
    assert page.locator("table .sample-badge").count() == selected.count()
    _accessible(page)
    page.get_by_label("Language").select_option("de")
    page.wait_for_url("**/de/programme/schedule/?round=2015")
    assert page.locator("h1").inner_text() == "Zeitplan der Runde 2015"
    _accessible(page)
    assert page.js_errors == []
