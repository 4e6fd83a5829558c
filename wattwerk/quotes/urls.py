"""Pages of the quotes app beyond the generic record pages."""

from django.urls import path

from . import views

urlpatterns = [
    path("quotes/<int:pk>/lines/", views.LinesView.as_view(), name="quotes_lines"),
    path(
        "quotes/<int:pk>/lines/<int:line_id>/remove/",
        views.RemoveLineView.as_view(),
        name="quotes_line_remove",
    ),
    path("quotes/<int:pk>/decide/", views.DecideView.as_view(), name="quotes_decide"),
    path("quotes/<int:pk>/document.pdf", views.DocumentView.as_view(), name="quotes_document"),
    path("quotes/<int:pk>/send/", views.SendView.as_view(), name="quotes_send"),
    path("quotes/<int:pk>/revisions/", views.RevisionsView.as_view(), name="quotes_revisions"),
    path(
        "opportunities/<int:pk>/quotes/",
        views.OpportunityQuotesView.as_view(),
        name="opportunities_quotes",
    ),
]
