from django.urls import path

from clusterbridge.cooperation import views

app_name = "cooperation"
urlpatterns = [
    path("requests/", views.inbox, name="inbox"),
    path("requests/<int:pk>/", views.contact_request_detail, name="contact_request_detail"),
    path("requests/<int:pk>/accept/", views.contact_request_accept, name="contact_request_accept"),
    path(
        "requests/<int:pk>/decline/",
        views.contact_request_decline,
        name="contact_request_decline",
    ),
    path(
        "requests/<int:pk>/withdraw/",
        views.contact_request_withdraw,
        name="contact_request_withdraw",
    ),
    path("partnerships/<int:pk>/", views.partnership_detail, name="partnership_detail"),
    path("partnerships/<int:pk>/move/", views.partnership_move, name="partnership_move"),
    path("partnerships/<int:pk>/ideas/", views.project_idea_create, name="project_idea_create"),
    path("partnerships/<int:pk>/conversation/", views.conversation, name="conversation"),
    path(
        "partnerships/<int:pk>/conversation/addresses/",
        views.address_sharing,
        name="address_sharing",
    ),
    path("ideas/<int:pk>/edit/", views.project_idea_edit, name="project_idea_edit"),
    path(
        "<slug:slug>/contact/<slug:to_slug>/",
        views.contact_request_create,
        name="contact_request_create",
    ),
]
