from django.urls import path

from clusterbridge.accounts import claim_views, views

app_name = "accounts"
urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("me/", views.profile, name="profile"),
    path("me/details/", views.preferences, name="preferences"),
    path("me/delete/", views.account_delete, name="delete"),
    path("me/tokens/<int:pk>/revoke/", views.token_revoke, name="token-revoke"),
    path("claim/<slug:slug>/", claim_views.claim_start, name="claim"),
    path("claim/confirm/<str:token>/", claim_views.claim_confirm, name="claim-confirm"),
    path("claims/", claim_views.claim_queue, name="claims"),
    path("claims/<int:pk>/decide/", claim_views.claim_decide, name="claim-decide"),
    path("claims/<int:pk>/withdraw/", claim_views.claim_withdraw, name="claim-withdraw"),
    path("clusters/<slug:slug>/managers/", claim_views.managers, name="managers"),
    path(
        "clusters/<slug:slug>/managers/<int:user_pk>/remove/",
        claim_views.manager_remove,
        name="manager-remove",
    ),
    path("invitations/<str:token>/", claim_views.invitation, name="invitation"),
    path("outbox/", views.outbox_list, name="outbox"),
    path("outbox/<str:key>/", views.outbox_detail, name="outbox-mail"),
]
