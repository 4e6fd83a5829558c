"""Pages of the sales app beyond the generic record pages."""

from django.urls import path

from . import views

urlpatterns = [
    path("leads/<int:pk>/lines/", views.LinesView.as_view(), name="leads_lines"),
    path(
        "leads/<int:pk>/lines/<int:line_id>/remove/",
        views.RemoveLineView.as_view(),
        name="leads_line_remove",
    ),
    path("leads/<int:pk>/qualify/", views.QualifyView.as_view(), name="leads_qualify"),
    path("leads/<int:pk>/disqualify/", views.DisqualifyView.as_view(), name="leads_disqualify"),
    path(
        "opportunities/<int:pk>/lines/",
        views.OpportunityLinesView.as_view(),
        name="opportunities_lines",
    ),
    path(
        "opportunities/<int:pk>/lines/<int:line_id>/remove/",
        views.OpportunityRemoveLineView.as_view(),
        name="opportunities_line_remove",
    ),
    path("opportunities/<int:pk>/close/", views.CloseView.as_view(), name="opportunities_close"),
    path("leads/<int:pk>/totals/", views.TotalsView.as_view(), name="leads_totals"),
    path(
        "opportunities/<int:pk>/totals/",
        views.OpportunityTotalsView.as_view(),
        name="opportunities_totals",
    ),
    path("accounts/<int:pk>/totals/", views.AccountTotalsView.as_view(), name="accounts_totals"),
    path(
        "account-opportunities/<int:pk>/totals/",
        views.AccountOpportunityTotalsView.as_view(),
        name="account-opportunities_totals",
    ),
]
