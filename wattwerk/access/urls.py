"""Pages of this app beyond the generic record pages (those come from the registry)."""

from django.urls import path

from . import views
from .share_views import share_urlpatterns

urlpatterns = [
    path(
        "roles/<int:pk>/privileges/",
        views.RolePrivilegesView.as_view(),
        name="roles_privileges",
    ),
    path(
        "field-profiles/<int:pk>/fields/",
        views.ProfileFieldsView.as_view(),
        name="field-profiles_fields",
    ),
    *share_urlpatterns(),
]
