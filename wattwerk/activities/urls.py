"""Pages of the activities app beyond the generic record pages."""

from django.urls import path

from . import views

urlpatterns = [
    path("activities/<int:pk>/complete/", views.CompleteView.as_view(), name="activities_complete"),
    path("chains/<int:pk>/steps/", views.ChainStepsView.as_view(), name="chains_steps"),
]
