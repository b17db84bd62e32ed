"""One page size for every list, and the one way lists are paged."""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.http import HttpRequest

PAGE_SIZE = 25


def paginate(request: HttpRequest, rows) -> Page:
    """The page of ``rows`` named by ?page= (the last page when it is too high,
    the first when it is not a number)."""
    return Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
