"""Pages of this app beyond the generic record pages."""

from django.urls import path

from . import views

urlpatterns = [
    path(
        "delivery-points/<int:pk>/load-curve/",
        views.LoadCurveView.as_view(),
        name="delivery-points_load_curve",
    ),
    path(
        "delivery-points/<int:pk>/load-curve/take-over/",
        views.TakeOverView.as_view(),
        name="delivery-points_take_over",
    ),
]
