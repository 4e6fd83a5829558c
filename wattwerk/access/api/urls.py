from django.urls import path

from wattwerk.core.api.routers import extra_urlpatterns, router

from . import shares, views

router.register("departments", views.DepartmentViewSet, basename="department")
router.register("users", views.UserViewSet, basename="user")
router.register("teams", views.TeamViewSet, basename="team")
router.register("roles", views.RoleViewSet, basename="role")
router.register("field-profiles", views.FieldSecurityProfileViewSet, basename="field-profile")
extra_urlpatterns += [
    path(
        "<slug:record_type>/<int:pk>/shares/",
        shares.RecordSharesView.as_view(),
        name="record-shares",
    ),
    path(
        "<slug:record_type>/<int:pk>/shares/<int:share_id>/",
        shares.RecordShareView.as_view(),
        name="record-share",
    ),
]
