"""Cursor pagination for every API list."""

from rest_framework.pagination import CursorPagination


class Pagination(CursorPagination):
    """Stable cursors over a growing list: a page never repeats or skips a comment."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    ordering = "pk"
