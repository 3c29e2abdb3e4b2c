"""API lists paged without an exact count over the whole scope (ADR 0013, as 1.3's screen).

An exact ``count(*)`` over an operator's 500,000 documents costs tens of milliseconds on every
page; the count stops at ``COUNT_CAP`` + 1 instead. Beyond the cap ``count`` is the cap and
``count_exact`` is false, and every page is still reachable: whether there is a next page is
known by reading one row more than the page.
"""

from __future__ import annotations

from functools import cached_property

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from ecuapass.edocs.selectors import COUNT_CAP


class _Page(Page):
    def __init__(self, object_list, number, paginator, more: bool):
        super().__init__(object_list, number, paginator)
        self.more = more

    def has_next(self) -> bool:
        return self.more


class CappedPaginator(Paginator):
    @cached_property
    def count(self) -> int:
        if not hasattr(self.object_list, "order_by"):  # a list: its length costs nothing
            return len(self.object_list)
        return self.object_list.order_by()[: COUNT_CAP + 1].count()

    @property
    def capped(self) -> bool:
        return self.count > COUNT_CAP

    def validate_number(self, number):
        if not self.capped:
            return super().validate_number(number)
        try:
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from None
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        return number

    def page(self, number):
        if not self.capped:
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        rows = list(self.object_list[bottom : bottom + self.per_page + 1])
        if not rows:
            raise EmptyPage(self.error_messages["no_results"])
        return _Page(rows[: self.per_page], number, self, more=len(rows) > self.per_page)


class CappedCountPagination(PageNumberPagination):
    django_paginator_class = CappedPaginator
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500

    def get_paginated_response(self, data):
        paginator = self.page.paginator
        return Response(
            {
                "count": min(paginator.count, COUNT_CAP),
                "count_exact": not paginator.capped,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        response = super().get_paginated_response_schema(schema)
        response["properties"]["count_exact"] = {
            "type": "boolean",
            "description": "Falso cuando hay más documentos que «count» (el conteo se detiene "
            "en 10 000).",
        }
        return response
