"""URL patterns generated for every registered record type."""

from django.urls import path

from . import views
from .registry import registry


def record_urlpatterns() -> list:
    patterns = []
    for record_type in registry:
        slug, attrs = record_type.slug, {"record_type": record_type}
        patterns += [
            path(f"{slug}/", views.RecordListView.as_view(**attrs), name=f"{slug}_list"),
            path(f"{slug}/add/", views.RecordEditView.as_view(**attrs), name=f"{slug}_add"),
            path(
                f"{slug}/choices/",
                views.RecordChoicesView.as_view(**attrs),
                name=f"{slug}_choices",
            ),
            path(
                f"{slug}/<int:pk>/", views.RecordDetailView.as_view(**attrs), name=f"{slug}_detail"
            ),
            path(
                f"{slug}/<int:pk>/history/",
                views.RecordHistoryView.as_view(**attrs),
                name=f"{slug}_history",
            ),
            path(
                f"{slug}/<int:pk>/timeline/",
                views.RecordTimelineView.as_view(**attrs),
                name=f"{slug}_timeline",
            ),
            path(
                f"{slug}/<int:pk>/access/",
                views.RecordAccessView.as_view(**attrs),
                name=f"{slug}_access",
            ),
            path(
                f"{slug}/<int:pk>/edit/", views.RecordEditView.as_view(**attrs), name=f"{slug}_edit"
            ),
            path(
                f"{slug}/<int:pk>/delete/",
                views.RecordDeleteView.as_view(**attrs),
                name=f"{slug}_delete",
            ),
        ]
        patterns += [
            path(
                f"{slug}/<int:pk>/{tab.name}/",
                views.RelatedRecordsView.as_view(**attrs, tab=tab),
                name=f"{slug}_{tab.name}",
            )
            for tab in record_type.related_tabs
        ]
    return patterns
