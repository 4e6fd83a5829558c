from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path, re_path
from django.views.i18n import set_language
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from wattwerk.core import views as core_views
from wattwerk.core.api.routers import api_urlpatterns
from wattwerk.core.api.views import NotFoundView
from wattwerk.core.import_views import ImportView
from wattwerk.core.urls import record_urlpatterns

urlpatterns = [
    path("health/", core_views.health, name="health"),
    path("search/", core_views.SearchView.as_view(), name="search"),
    path("import/", ImportView.as_view(), name="import"),
    path(
        "saved-views/<slug:slug>/",
        core_views.SavedViewSaveView.as_view(),
        name="saved_view_save",
    ),
    path(
        "saved-views/<slug:slug>/<int:pk>/delete/",
        core_views.SavedViewDeleteView.as_view(),
        name="saved_view_delete",
    ),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_urlpatterns())),
    path("api/v1/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path(
        "api/v1/docs/",
        SpectacularSwaggerSplitView.as_view(
            url_name="api-schema", template_name="core/swagger_ui.html"
        ),
        name="api-docs",
    ),
    re_path(r"^api/", NotFoundView.as_view()),
    path("", include("wattwerk.access.urls")),
    path("", include("wattwerk.energy.urls")),
    path("", include("wattwerk.activities.urls")),
    path("", include("wattwerk.customers.urls")),
    path("", include("wattwerk.sales.urls")),
    path("", include("wattwerk.processes.urls")),
    path("", include("wattwerk.quotes.urls")),
    path("", include("wattwerk.reports.urls")),
    *record_urlpatterns(),
]

handler403 = core_views.error_view("403.html", 403)
handler404 = core_views.error_view("404.html", 404)
handler500 = core_views.error_view("500.html", 500)
