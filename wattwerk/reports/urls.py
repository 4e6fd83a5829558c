from django.urls import path

from . import views

urlpatterns = [
    path("reports/", views.report, name="reports"),
    path("reports/<slug:key>.<str:fmt>", views.export, name="reports_export"),
]
