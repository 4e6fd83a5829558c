from rest_framework import pagination
from rest_framework.response import Response

from ..pagination import COUNT_LIMIT, MAX_PER_PAGE, PAGE_SIZE, bounded_count


class LimitOffsetPagination(pagination.LimitOffsetPagination):
    """``?limit=25&offset=50``. Every page carries ``count``: exact when at most
    ``COUNT_LIMIT`` records follow the offset (``count_exact`` true), else the number that
    exist at least (``count_exact`` false); ``next`` is there while records follow."""

    default_limit = PAGE_SIZE  # as the list pages
    max_limit = MAX_PER_PAGE

    def get_count(self, queryset):
        # DRF asks for the count before it reads the offset.
        self.count_exact = True
        if not hasattr(queryset, "order_by"):
            return len(queryset)
        count, self.count_exact = bounded_count(queryset, self.get_offset(self.request))
        return count

    def get_paginated_response(self, data):
        return Response(
            {
                "count": self.count,
                "count_exact": self.count_exact,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        answer = super().get_paginated_response_schema(schema)
        answer["properties"]["count"]["description"] = (
            f"Die Zahl der Datensätze: exakt, wenn ab `offset` höchstens {COUNT_LIMIT:,} folgen "
            "(`count_exact`), sonst die Zahl, die mindestens vorhanden ist."
        ).replace(",", ".")
        answer["properties"]["count_exact"] = {
            "type": "boolean",
            "example": True,
            "description": "Ob `count` die genaue Zahl ist oder eine Untergrenze; `next` "
            "führt weiter, solange Datensätze folgen.",
        }
        answer["required"].append("count_exact")
        return answer
