from allauth.account.decorators import secure_admin_login
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from clusterbridge.api.root import api
from clusterbridge.web import views as web_views

# The admin signs in through the platform's own sign-in page, with the same throttle and log.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]

urlpatterns = [
    path("", web_views.root_redirect, name="root"),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("robots.txt", web_views.robots_txt, name="robots"),
    path("healthz", web_views.healthz, name="healthz"),
    path("favicon.ico", web_views.favicon, name="favicon"),
]

urlpatterns += i18n_patterns(
    path("", include("clusterbridge.web.urls")),
    path("clusters/", include("clusterbridge.clusters.urls")),
    path("search/", include("clusterbridge.search.urls")),
    path("matching/", include("clusterbridge.matching.urls")),
    path("cooperation/", include("clusterbridge.cooperation.urls")),
    path("programme/", include("clusterbridge.programme.urls")),
    path("accounts/", include("clusterbridge.accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    prefix_default_language=True,
)

handler400 = "clusterbridge.web.views.bad_request"
handler404 = "clusterbridge.web.views.page_not_found"
handler500 = "clusterbridge.web.views.server_error"
