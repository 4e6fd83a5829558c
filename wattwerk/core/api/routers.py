"""One router for ``/api/v1/``; each app registers its viewsets in ``<app>/api/urls.py``."""

from django.urls import path
from django.utils.module_loading import autodiscover_modules
from rest_framework.routers import DefaultRouter

router = DefaultRouter(trailing_slash=True)
# Paths beside the router's, for every record type alike (e.g. its shares), added by apps.
extra_urlpatterns: list = []


def api_urlpatterns() -> list:
    from .views import ImportAPIView, SearchView

    autodiscover_modules("api.urls")
    own = [
        path("search/", SearchView.as_view(), name="api-search"),
        path("imports/<slug:type>/", ImportAPIView.as_view(), name="api-import"),
    ]
    return [*own, *router.urls, *extra_urlpatterns]
