"""Pages of the activities app beyond the generic record pages."""

from django.urls import path

from . import views

urlpatterns = [
    path("activities/<int:pk>/complete/", views.CompleteView.as_view(), name="activities_complete"),
    path("chains/<int:pk>/steps/", views.ChainStepsView.as_view(), name="chains_steps"),
    path("chains/<int:pk>/cancel/", views.CancelChainView.as_view(), name="chains_cancel"),
    path(
        "chain-templates/<int:pk>/steps/",
        views.TemplateStepsView.as_view(),
        name="chain-templates_steps",
    ),
    path("work/", views.WorklistView.as_view(), name="activities_worklist"),
    path("activities/<int:pk>/done/", views.CompleteRowView.as_view(), name="activities_done"),
    path(
        "activities/<int:pk>/reschedule/",
        views.RescheduleView.as_view(),
        name="activities_reschedule",
    ),
    path("activities/<int:pk>/reassign/", views.ReassignView.as_view(), name="activities_reassign"),
    path("calendar/", views.CalendarView.as_view(), name="activities_calendar"),
    path("calendar/feed/", views.FeedManageView.as_view(), name="activities_feed_manage"),
    path("calendar/<str:secret>.ics", views.FeedView.as_view(), name="activities_feed"),
]
