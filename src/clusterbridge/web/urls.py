from django.urls import path

from clusterbridge.web import views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("about/", views.about, name="about"),
    path("imprint/", views.imprint, name="imprint"),
    path("privacy/", views.privacy, name="privacy"),
]
