"""The product's URLs plus the references every benchmark is compared against.

* ``/bench/plain/`` — a plain Django view that does nothing.
* ``/bench/raw/<name>/`` — runs the raw SQL of scenario ``name`` (the same query the
  product runs, written by hand) through the database cursor and returns the row count.
"""

from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.urls import include, path

from bench.scenarios import RAW_SQL

try:  # registers the raw SQL of the contexts' scenarios
    import bench.scenarios_contexts  # noqa: F401
except ImportError:
    pass


def plain(request):
    return HttpResponse("ok", content_type="text/plain")


def raw(request, name):
    """Run the scenario's statements (a page query, and its count where the screen has one)."""
    statements = RAW_SQL[name]()
    if isinstance(statements[0], str):
        statements = [statements]
    rows = 0
    with connection.cursor() as cursor:
        for sql, params in statements:
            cursor.execute(sql, params)
            rows += len(cursor.fetchall())
    return JsonResponse({"rows": rows})


urlpatterns = [
    path("bench/plain/", plain),
    path("bench/raw/<str:name>/", raw),
    path("", include("config.urls")),
]
