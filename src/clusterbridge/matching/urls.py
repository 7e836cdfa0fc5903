from django.urls import path

from clusterbridge.matching import views

app_name = "matching"
urlpatterns = [
    path("<slug:slug>/", views.partner_list, name="partners"),
    path("<slug:slug>/partners.csv", views.partner_csv, name="partners_csv"),
]
