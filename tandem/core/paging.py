"""One way to page every long list: ``paginate(request, rows)`` in the view, ``{% pager page %}``
in the template.

A page holds ``PAGE_SIZE`` rows; the page number comes from the query string (``?page=3``, or
another parameter when a page shows two lists) and whatever else the query string holds — the
search, the filters — is kept by the pager's links. A page number that is not one (``0``, ``-1``,
``abc``, ``²``, ``99999``) shows the nearest page that exists: the first, or the last. Paging
costs two queries whatever the list's length (the count and the page's rows), so a view that
selects its related rows stays constant in queries from ten rows to ten thousand.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest

PAGE_SIZE = 50
# ASCII digits only: int() also reads "٣" or full-width digits, which no pager link ever sends.
_NUMBER = re.compile(r"(-?)([0-9]+)")
_HUGE = 10**12


class ListPage(Page):
    """A Django page that knows which query-string parameter holds its number."""

    param: str = "page"
    object_list: list[Any]  # paginate() reads the page's rows into a list


class ListPaginator(Paginator):
    def __init__(self, object_list: Any, per_page: int, *, param: str = "page") -> None:
        super().__init__(object_list, per_page)
        self.param = param

    def _get_page(self, *args: Any, **kwargs: Any) -> ListPage:
        page = ListPage(*args, **kwargs)
        page.param = self.param
        return page


def page_number(raw: str | None) -> int | None:
    """The page number asked for, or ``None`` when ``raw`` is not a whole number."""
    found = _NUMBER.fullmatch((raw or "").strip())
    if found is None:
        return None
    sign, digits = found.groups()
    # int() refuses numbers of thousands of digits; past a trillion pages they are all "huge".
    number = int(digits) if len(digits) <= 12 else _HUGE
    return -number if sign else number


def paginate(
    request: HttpRequest, rows: QuerySet[Any] | Sequence[Any], *, per_page: int = PAGE_SIZE,
    param: str = "page",
) -> ListPage:
    """The page of ``rows`` the request asks for (``?<param>=N``), clamped to the pages that
    exist; its ``object_list`` is a list, read in one query."""
    paginator = ListPaginator(rows, per_page, param=param)
    wanted = page_number(request.GET.get(param))
    number = 1 if wanted is None else min(max(wanted, 1), paginator.num_pages)
    page = paginator.page(number)
    assert isinstance(page, ListPage)
    page.object_list = list(page.object_list)
    return page


def pager_links(request: HttpRequest, page: ListPage) -> dict[str, Any]:
    """What ``core/_pager.html`` needs: links to the previous and next pages that keep every
    other parameter of the query string, and those parameters as hidden fields for the
    "go to page" form."""
    def link(number: int) -> str:
        query = request.GET.copy()
        query[page.param] = str(number)
        return "?" + query.urlencode()

    return {
        "page": page,
        "param": page.param,
        "previous_url": link(page.previous_page_number()) if page.has_previous() else "",
        "next_url": link(page.next_page_number()) if page.has_next() else "",
        "hidden": [(key, value) for key, values in request.GET.lists() if key != page.param
                   for value in values],
    }
