"""Project-wide pytest fixtures: browser (Debian's Chromium), database URL for subprocesses."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

# Test helpers live outside the production package: tests/support (world, workers, fixtures).
pytest_plugins = ["tests.support.fixtures"]

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent / "test-artifacts"
# Django's async-unsafe guard trips on Playwright's event loop in the test thread.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    if Path(CHROMIUM).exists() or shutil.which("chromium"):
        return
    skip = pytest.mark.skip(
        reason=f"Chromium no está instalado en {CHROMIUM}: pruebas de navegador omitidas"
    )
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "real_hasher: keep the production password hasher (Argon2) in this test"
    )


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in Spanish: a test that activates English must not leak it to the next
    test of the same process (lazily translated labels are read in the active language)."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _tariff_version_read_afresh():
    """Each test reads the tariff's version from its own cache: the token a public read kept
    for ``ECUAPASS_TARIFF_VERSION_MAX_AGE`` seconds belongs to the previous test's database."""
    from ecuapass.tariff import version

    version.forget()
    yield
    version.forget()


@pytest.fixture(autouse=True)
def _fast_password_hasher(request, settings):
    """Argon2 costs ~0.3 s per password: tests that are not about hashing use MD5."""
    if request.node.get_closest_marker("real_hasher") is None:
        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The reference catalogs are loaded once per test database, not once per test.

    Tests run inside a transaction that rolls back, so the catalogs stay; a
    transactional test flushes them and the next ``world`` loads them again.
    """
    from tests.support.world import load_catalogs

    with django_db_blocker.unblock():
        load_catalogs()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        instance = pw.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield instance
        instance.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="es-EC", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


@pytest.fixture
def artifacts_dir() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


def database_url_for_subprocess() -> str:
    """The URL of the database the current test runs against, for a child process."""
    from django.db import connection

    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    user = s.get("USER") or "postgres"
    host = s.get("HOST") or "127.0.0.1"
    port = s.get("PORT") or 5432
    password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
    return f"postgres://{user}{password}@{host}:{port}/{s['NAME']}"


@pytest.fixture
def subprocess_env():
    env = dict(os.environ)
    env["DATABASE_URL"] = database_url_for_subprocess()
    return env


@pytest.fixture
def workers(subprocess_env, tmp_path):
    """Start ``manage.py run_worker`` processes on the test database (fast heartbeat timings);
    they are stopped when the test ends. See ``tests.support.workers.WorkerProcesses``."""
    from tests.support.workers import WorkerProcesses

    pool = WorkerProcesses(subprocess_env, tmp_path)
    yield pool
    pool.stop_all()
