"""Issue 16 §2: public tariff searches answered from a cache keyed on the tariff's version."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ecuapass.tariff import version
from ecuapass.tariff.models import Commodity

pytestmark = pytest.mark.django_db


def _search(client, q="cafés", **headers):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/api/v1/arancel/", {"q": q}, **headers)
    assert response.status_code == 200
    tariff_queries = [x["sql"] for x in ctx.captured_queries if "tariff_" in x["sql"]]
    return response.json(), tariff_queries


def test_the_same_search_is_answered_from_the_cache_until_the_tariff_changes(
    client, tariff, django_capture_on_commit_callbacks
):
    # A version of this test's own: an answer kept under the version another test of this
    # process or database left (the fixture's bump waits for a commit that never comes) would
    # answer the first search (seen once in CI).
    version._set_new()
    first, queries = _search(client)
    assert queries  # computed
    again, queries = _search(client)
    assert again == first and queries == []  # from the cache
    line = next(r for r in first["results"] if r["codigo"] == "0901.21.10.00")
    commodity = Commodity.objects.get(code="0901211000")
    # The fixture's loaders left their bump due at a commit a test transaction never reaches.
    connection.run_on_commit[:] = [
        entry for entry in connection.run_on_commit if entry[1] is not version._set_new
    ]
    with django_capture_on_commit_callbacks(execute=True):
        commodity.description_es = "Café tostado, sin descafeinar (nuevo texto)"
        commodity.save()
    changed, queries = _search(client)
    assert queries  # the tariff's version changed: computed again
    new_line = next(r for r in changed["results"] if r["codigo"] == "0901.21.10.00")
    assert new_line["descripcion"] != line["descripcion"]
    assert "nuevo texto" in new_line["descripcion"]


def test_cached_answers_are_per_language_and_query(client, tariff):
    es, _ = _search(client, "09.01")
    en, _ = _search(client, "09.01", HTTP_ACCEPT_LANGUAGE="en")
    other, _ = _search(client, "09.02")
    assert es["results"][0]["codigo"] == "09.01" and other["results"][0]["codigo"] != "09.01"
    assert es["results"][0]["nivel_nombre"] and en["results"][0]["nivel_nombre"]


def test_the_screens_results_follow_the_tariffs_version(
    client, tariff, django_capture_on_commit_callbacks
):
    """2.1.1's results are rendered once per tariff version, language, query and page
    ({% shared_fragment %}): a change of the tariff shows on the next search."""
    first = client.get("/arancel/", {"q": "café"}).content.decode()
    with CaptureQueriesContext(connection) as ctx:
        again = client.get("/arancel/", {"q": "café"}).content.decode()
    assert again.count("0901.21.10.00") == first.count("0901.21.10.00") > 0
    assert not [q for q in ctx.captured_queries if "tariff_" in q["sql"]]  # kept: no search
    assert "nuevo texto" not in again
    connection.run_on_commit[:] = [
        entry for entry in connection.run_on_commit if entry[1] is not version._set_new
    ]
    with django_capture_on_commit_callbacks(execute=True):
        commodity = Commodity.objects.get(code="0901211000")
        commodity.description_es = "Café tostado, sin descafeinar (nuevo texto)"
        commodity.save()
    assert "nuevo texto" in client.get("/arancel/", {"q": "café"}).content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/arancel/"})
    english = client.get("/arancel/", {"q": "café"}).content.decode()
    assert "Results:" in english and "Resultado:" not in english


def _another_process_changes_the_tariff():
    """What another process's commit does: a new token under the version's key."""
    from django.core.cache import cache

    cache.set(version.KEY, "otro-proceso", None)


def test_a_change_by_another_process_shows_within_the_public_max_age(client, tariff, settings):
    settings.ECUAPASS_TARIFF_VERSION_MAX_AGE = 60
    _search(client)
    _another_process_changes_the_tariff()
    _, queries = _search(client)
    assert queries == []  # the token read a moment ago is still used (at most 60 s)
    version._seen["at"] -= 61  # …until it is older than the max age
    _, queries = _search(client)
    assert queries  # the new version: computed again
    settings.ECUAPASS_TARIFF_VERSION_MAX_AGE = 0
    _, queries = _search(client)
    assert queries == []
    from django.core.cache import cache

    cache.set(version.KEY, "tercer-proceso", None)
    _, queries = _search(client)
    assert queries  # max age 0: every request reads the shared version


def test_the_pipeline_always_reads_the_shared_version(tariff, settings):
    settings.ECUAPASS_TARIFF_VERSION_MAX_AGE = 60
    version.current(max_age=60)
    _another_process_changes_the_tariff()
    assert version.current(max_age=60) != "otro-proceso"
    assert version.current() == "otro-proceso"  # tariff.memo.using() asks this way


def test_the_json_kept_in_the_process_is_what_the_api_renders(client, tariff):
    first, _ = _search(client, "café")
    again, _ = _search(client, "café")
    assert again == first and first["results"]
    browsable = client.get("/api/v1/arancel/", {"q": "café"}, HTTP_ACCEPT="text/html")
    assert browsable.status_code == 200 and "text/html" in browsable["Content-Type"]
    assert "0901.21.10.00" in browsable.content.decode()
