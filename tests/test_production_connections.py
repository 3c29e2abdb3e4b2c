"""Issue 16 §3: production keeps its database connections (or pools them), never one per request."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PRINT = (
    "import django; django.setup(); from django.conf import settings; "
    "d = settings.DATABASES['default']; print(d['CONN_MAX_AGE'], (d.get('OPTIONS') or {}).get('pool'))"
)


def _settings(tmp_path: Path, code: str = PRINT, **env) -> str:
    base = {
        "PATH": "/usr/bin:/bin",
        "SECRET_KEY": "x" * 50,
        "DJANGO_SETTINGS_MODULE": "config.settings_production",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/ecuapass",
        "ECUAPASS_VAR_DIR": str(tmp_path),
    }
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    return out.stdout.strip().splitlines()[-1]


@pytest.mark.slow
def test_persistent_connections_by_default_and_the_pool_on_request(tmp_path):
    assert _settings(tmp_path) == "600 None"
    assert _settings(tmp_path, DB_CONN_MAX_AGE="60") == "60 None"
    assert _settings(tmp_path, DB_POOL="1", DB_POOL_MAX="4") == (
        "0 {'min_size': 2, 'max_size': 4, 'timeout': 10}"
    )


@pytest.mark.slow
def test_database_replica_url_adds_the_replica_alias_with_the_same_connection_rules(tmp_path):
    """Issue 17: the read replica (ops.replica) is an alias only when its URL is set."""
    show = (
        "import django; django.setup(); from django.conf import settings; "
        "r = settings.DATABASES.get('replica'); "
        "print(r and (r['NAME'], r['HOST'], r['CONN_MAX_AGE'], r['TEST']['MIRROR']),"
        " settings.DATABASE_ROUTERS)"
    )
    routers = "['ecuapass.ops.replica.ReplicaRouter']"
    assert _settings(tmp_path, show) == f"None {routers}"
    replica = "postgres://lector@10.0.0.2:5432/ecuapass"
    assert _settings(tmp_path, show, DATABASE_REPLICA_URL=replica) == (
        f"('ecuapass', '10.0.0.2', 600, 'default') {routers}"
    )


@pytest.mark.slow
def test_postgresql_statements_are_prepared_unless_turned_off(tmp_path):
    show = (
        "import django; django.setup(); from django.conf import settings; "
        "o = settings.DATABASES['default'].get('OPTIONS') or {}; "
        "print(o.get('server_side_binding'), o.get('prepare_threshold'))"
    )
    assert _settings(tmp_path, show) == "True 5"
    assert _settings(tmp_path, show, DB_PREPARE_THRESHOLD="0") == "None None"
    sqlite = f"sqlite:///{tmp_path}/x.sqlite3"
    assert _settings(tmp_path, show, DATABASE_URL=sqlite) == "None None"


@pytest.mark.django_db
def test_a_repeated_statement_is_prepared_on_the_connection():
    """Issue 16: PostgreSQL parses and plans a repeated statement once per connection."""
    from django.conf import settings
    from django.db import connection

    from ecuapass.accounts.models import User

    if connection.vendor != "postgresql" or not settings.DB_PREPARE_THRESHOLD:
        pytest.skip("prepared statements: PostgreSQL only")
    for _ in range(settings.DB_PREPARE_THRESHOLD + 1):
        list(User.objects.filter(username="nadie-prepara"))
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    assert any("nadie-prepara" not in s and "accounts_user" in s for s in prepared), prepared


@pytest.mark.slow
def test_production_workers_linger_for_fuller_batches_unless_told_not_to(tmp_path):
    code = (
        "import django; django.setup(); from ecuapass.edocs.services import batch_linger; "
        "print(batch_linger())"
    )
    assert _settings(tmp_path, code) == "0.3"
    assert _settings(tmp_path, code, EDOCS_BATCH_LINGER="0") == "0.0"
