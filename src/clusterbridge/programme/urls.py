from django.urls import path

from clusterbridge.programme import views

app_name = "programme"
urlpatterns = [
    path("", views.programme_home, name="home"),
    path("rounds/<int:year>/", views.round_detail, name="round"),
    path("rounds/<int:year>/apply/<slug:slug>/", views.sketch_create, name="sketch_create"),
    path("schedule/", views.schedule, name="schedule"),
    path("schedule.svg", views.schedule_svg, name="schedule_svg"),
    path("schedule.csv", views.schedule_csv, name="schedule_csv"),
    # Applicants
    path("applications/", views.my_applications, name="my_applications"),
    path("applications/<int:pk>/", views.application_detail, name="application"),
    path("applications/<int:pk>/edit/", views.sketch_edit, name="sketch_edit"),
    path("applications/<int:pk>/submit/", views.application_submit, name="application_submit"),
    path(
        "applications/<int:pk>/withdraw/",
        views.application_withdraw,
        name="application_withdraw",
    ),
    path("applications/<int:pk>/formal/", views.formal_edit, name="formal_edit"),
    # Jurors
    path("reviews/", views.reviews_home, name="reviews"),
    path("applications/<int:pk>/review/", views.review_form, name="review"),
    path("applications/<int:pk>/conflict/", views.conflict_declare, name="conflict_declare"),
    # Officers
    path("office/", views.office, name="office"),
    path("office/rounds/new/", views.round_create, name="round_create"),
    path("office/rounds/<int:year>/", views.round_manage, name="round_manage"),
    path("office/rounds/<int:year>/assignments/", views.assignments, name="assignments"),
    path("office/rounds/<int:year>/board/", views.selection_board, name="board"),
    path("office/rounds/<int:year>/board.csv", views.selection_board_csv, name="board_csv"),
    path(
        "office/applications/<int:pk>/decide/",
        views.application_decide,
        name="application_decide",
    ),
    path(
        "office/applications/<int:pk>/approve/",
        views.application_approve,
        name="application_approve",
    ),
    path("office/audit/", views.audit_log, name="audit"),
    # Grants and projects
    path("grants/", views.grant_list, name="grants"),
    path("grants/<int:pk>/", views.grant_detail, name="grant"),
    path("grants/<int:pk>/spending/", views.expenditure_record, name="expenditure_record"),
    path("grants/<int:pk>/reports/", views.report_schedule, name="report_schedule"),
    path("grants/<int:pk>/budget/", views.grant_budget_change, name="grant_budget"),
    path("grants/<int:pk>/funding-rate/", views.grant_funding_rate, name="grant_funding_rate"),
    path("grants/<int:pk>/reschedule/", views.phase_reschedule, name="phase_reschedule"),
    path("grants/<int:pk>/concept/", views.concept_submit, name="concept_submit"),
    path("grants/<int:pk>/outlines/", views.outline_submit, name="outline_submit"),
    path("reports/<int:pk>/submit/", views.report_submit, name="report_submit"),
    path("outlines/<int:pk>/decide/", views.outline_decide, name="outline_decide"),
    path("outlines/<int:pk>/project/", views.project_create, name="project_create"),
    path("projects/<int:pk>/", views.project_detail, name="project"),
    path("projects/<int:pk>/participants/", views.participant_add, name="participant_add"),
    path("projects/<int:pk>/funding/", views.own_funding_record, name="own_funding_record"),
    path("projects/<int:pk>/ipr/", views.ipr_update, name="ipr_update"),
    path("projects/<int:pk>/state/", views.project_transition, name="project_transition"),
]
