from rest_framework import pagination


class LimitOffsetPagination(pagination.LimitOffsetPagination):
    """``?limit=25&offset=50``; every page carries the total ``count``."""

    default_limit = 25
    max_limit = 500
