"""Scenarios of the contexts (buzón, arancel, e-docs), registered into bench.registry.

The raw-SQL reference of each scenario is the SQL the ORM generates for the screen's
main query (``QuerySet.query.sql_with_params()``), executed straight on the cursor:
the ratio shows what the view, the template and the framework add around that query.
"""

from __future__ import annotations

from functools import cache

from bench.registry import SCENARIOS, Scenario, demo_user, session_cookie
from bench.scenarios import raw_sql

BUZON_NOTICES = 100_000


def prepare_buzon() -> dict:
    from bench.data_notifications import generate
    from ecuapass.notifications.models import Notification

    user, oce = demo_user()
    have = Notification.objects.filter(user=user).count()
    if have < BUZON_NOTICES:
        generate(user, n=BUZON_NOTICES - have)
    return {
        "urls": [
            ("main screen with 100,000 notices (buzón + menus)", "/"),
            ("buzón page 1 with 100,000 notices", "/buzon/"),
            ("buzón page 500 with 100,000 notices", "/buzon/?page=500"),
        ],
        "env": {"WRK_COOKIE": session_cookie(user, oce)},
        "notes": f"The demo user holds {Notification.objects.filter(user=user).count():,} notices in BUZÓN PERSONAL.",
    }


@raw_sql("buzon")
@cache
def buzon_sql():
    from ecuapass.notifications.selectors import inbox_queryset

    user, oce = demo_user()
    return inbox_queryset(user, oce)[:20].query.sql_with_params()


SCENARIOS.append(
    Scenario(
        name="buzon",
        title="Main screen and buzón with 100,000 notices",
        description="Issue 3: the main screen (buzón + the four menus) of a user with 100,000 notices.",
        prepare=prepare_buzon,
        raw_sql="buzon",
    )
)


def prepare_tariff() -> dict:
    from django.db import connection

    from ecuapass.tariff.models import Commodity

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE tariff_commodity")
    return {
        "urls": [
            (
                "API text search «café» (full-text, Spanish + English)",
                "/api/v1/arancel/?q=caf%C3%A9",
            ),
            ("API code search «09.01» (prefix)", "/api/v1/arancel/?q=09.01"),
            ("screen 2.1.1 text search «café»", "/arancel/?q=caf%C3%A9"),
        ],
        "notes": f"The nomenclature holds {Commodity.objects.count():,} codes (sections to 10-digit lines).",
    }


@raw_sql("tariff")
@cache
def tariff_sql():
    from ecuapass.tariff.services.search import queryset_for

    return queryset_for("café").select_related("section", "unit")[:20].query.sql_with_params()


SCENARIOS.append(
    Scenario(
        name="tariff",
        title="2.1.1 Consulta de arancel: search over the whole nomenclature",
        description=(
            "Issue 4: full-text and code-prefix search on PostgreSQL (Spanish configuration + unaccent, "
            "GIN index). The raw-SQL reference runs the page query of the «café» search."
        ),
        prepare=prepare_tariff,
        raw_sql="tariff",
    )
)
