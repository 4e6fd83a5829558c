"""Pages of the customers app beyond the generic record pages."""

from django.urls import path

from . import views

urlpatterns = [
    path("contacts/<int:pk>/accounts/", views.PositionsView.as_view(), name="contacts_accounts"),
    path(
        "contacts/<int:pk>/accounts/<int:account_id>/remove/",
        views.RemovePositionView.as_view(),
        name="contacts_account_remove",
    ),
]
