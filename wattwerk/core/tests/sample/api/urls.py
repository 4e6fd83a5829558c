from wattwerk.core.api.routers import router
from wattwerk.core.api.serializers import RecordSerializer
from wattwerk.core.api.views import RecordViewSet

from ..models import Note
from ..records import NoteFilterSet


class NoteSerializer(RecordSerializer):
    class Meta:
        model = Note
        fields = [
            "id",
            "display",
            "title",
            "amount",
            "due_date",
            "rating",
            "owner",
            "owning_department",
        ]
        read_only_fields = ["owning_department"]
        extra_kwargs = {"owner": {"required": False}}


class NoteViewSet(RecordViewSet):
    model = Note
    serializer_class = NoteSerializer
    filterset_class = NoteFilterSet
    select_related = ("owner", "owning_department")
    ordering_fields = ["title", "amount", "rating"]


router.register("notes", NoteViewSet, basename="note")
