from django.urls import path

from . import views

urlpatterns = [
    path("", views.dashboard, name="home"),
    path("reports/", views.report, name="reports"),
    path("reports/<slug:key>.<str:fmt>", views.export, name="reports_export"),
]
