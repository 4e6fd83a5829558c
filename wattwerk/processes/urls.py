"""Pages of the processes app."""

from django.urls import path

from . import views

urlpatterns = [
    path(
        "processes/<slug:slug>/<int:pk>/advance/",
        views.StageActionView.as_view(action="advance"),
        name="process_advance",
    ),
    path(
        "processes/<slug:slug>/<int:pk>/back/",
        views.StageActionView.as_view(action="back"),
        name="process_back",
    ),
    path(
        "processes/<slug:slug>/<int:pk>/switch/",
        views.StageActionView.as_view(action="switch"),
        name="process_switch",
    ),
    path("process-templates/", views.TemplateListView.as_view(), name="process_templates"),
    path("process-templates/<int:pk>/", views.TemplateView.as_view(), name="process_template"),
    path(
        "process-templates/<int:pk>/activate/",
        views.ActivateView.as_view(),
        name="process_template_activate",
    ),
    path(
        "process-templates/<int:pk>/deactivate/",
        views.ActivateView.as_view(active=False),
        name="process_template_deactivate",
    ),
]
