"""The production topology on one machine: HAProxy → two gunicorn web nodes, two workers, one
PostgreSQL, one Redis, production settings (``config.settings_production``).

    python deploy/cluster.py start     # make cluster
    python deploy/cluster.py stop      # make cluster-stop: stops exactly what start started
    python deploy/cluster.py status

Everything lives under ``CLUSTER_DIR`` (default ``var/cluster``): the private PostgreSQL data
directory (initdb, owned by the ``postgres`` user when run as root), the private Redis, the
HAProxy configuration and its self-signed certificate, one log and one pid file per process.
``CLUSTER_DATABASE_URL`` / ``CLUSTER_REDIS_URL`` point the nodes at an existing PostgreSQL /
Redis instead (then the cluster neither starts nor stops them).

Ports (``CLUSTER_PORT``, default 8443): HAProxy HTTPS on PORT, HTTP on PORT+1 (redirects to
HTTPS), its stats page on PORT+2; web nodes on PORT+11, PORT+12; PostgreSQL on
40000 + PORT % 20000 (48443); Redis on 20000 + PORT % 20000 (28443).

The chaos suite (tests/chaos) drives the same class with its own directory and ports.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_BIN_DIRS = [Path("/usr/lib/postgresql/15/bin"), Path("/usr/local/bin"), Path("/usr/bin")]


def pg_bin(name: str) -> str:
    for folder in PG_BIN_DIRS:
        if (folder / name).exists():
            return str(folder / name)
    found = shutil.which(name)
    if not found:
        raise SystemExit(f"cluster: {name} not found (PostgreSQL server binaries)")
    return found


def port_open(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


def wait_until(predicate, timeout: float, what: str, every: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(every)
    raise RuntimeError(f"cluster: not within {timeout:.0f} s: {what}")


def insecure_context() -> ssl.SSLContext:
    """The cluster's certificate is self-signed: loopback clients do not verify it."""
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    return ctx


@dataclass
class Ports:
    base: int = 8443

    @property
    def https(self) -> int:
        return self.base

    @property
    def http(self) -> int:
        return self.base + 1

    @property
    def stats(self) -> int:
        return self.base + 2

    def web(self, i: int) -> int:
        return self.base + 10 + i

    @property
    def postgres(self) -> int:
        return 40000 + self.base % 20000

    @property
    def redis(self) -> int:
        return 20000 + self.base % 20000


@dataclass
class Cluster:
    directory: Path
    ports: Ports = field(default_factory=Ports)
    web_nodes: int = 2
    worker_nodes: int = 2
    gunicorn_workers: int = 2
    gunicorn_threads: int = 4
    database_url: str = ""
    redis_url: str = ""
    extra_env: dict = field(default_factory=dict)

    def __post_init__(self):
        self.directory = Path(self.directory).resolve()
        self.own_postgres = not self.database_url
        self.own_redis = not self.redis_url
        if self.own_postgres:
            self.database_url = f"postgres://postgres@127.0.0.1:{self.ports.postgres}/ecuapass"
        if self.own_redis:
            self.redis_url = f"redis://127.0.0.1:{self.ports.redis}/0"

    # --- paths ---------------------------------------------------------------------------
    @property
    def pg_data(self) -> Path:
        return self.directory / "pg" / "data"

    @property
    def logs(self) -> Path:
        return self.directory / "logs"

    @property
    def pids(self) -> Path:
        return self.directory / "pids"

    @property
    def var(self) -> Path:
        return self.directory / "var"

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.ports.https}"

    def log_of(self, name: str) -> Path:
        return self.logs / f"{name}.log"

    # --- environment -----------------------------------------------------------------------
    def secret_key(self) -> str:
        path = self.directory / "secret_key"
        if not path.exists():
            path.write_text(secrets.token_urlsafe(64))
            path.chmod(0o600)
        return path.read_text().strip()

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.pop("DJANGO_SETTINGS_MODULE", None)
        env.update(
            DJANGO_SETTINGS_MODULE="config.settings_production",
            SECRET_KEY=self.secret_key(),
            DATABASE_URL=self.database_url,
            REDIS_URL=self.redis_url,
            DB_CONN_MAX_AGE="60",
            ALLOWED_HOSTS="127.0.0.1,localhost",
            CSRF_TRUSTED_ORIGINS=f"https://127.0.0.1:{self.ports.https},https://localhost:{self.ports.https}",
            TRUSTED_PROXIES="127.0.0.1",
            ECUAPASS_VAR_DIR=str(self.var),
            EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
            LOG_FORMAT="json",
            LOG_LEVEL="INFO",
            METRICS_ALLOWED_NETWORKS="127.0.0.1/32",
            PYTHONUNBUFFERED="1",
        )
        env.update(self.extra_env)
        return env

    # --- processes -------------------------------------------------------------------------
    def _spawn(self, name: str, argv: list[str], env: dict | None = None) -> int:
        self.logs.mkdir(parents=True, exist_ok=True)
        self.pids.mkdir(parents=True, exist_ok=True)
        with self.log_of(name).open("a") as log:
            proc = subprocess.Popen(
                argv,
                cwd=ROOT,
                env=env or self.env(),
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        (self.pids / f"{name}.pid").write_text(str(proc.pid))
        self._children = getattr(self, "_children", {})
        self._children[proc.pid] = proc
        return proc.pid

    def pid(self, name: str) -> int | None:
        path = self.pids / f"{name}.pid"
        if not path.exists():
            return None
        try:
            return int(path.read_text().strip())
        except ValueError:
            return None

    def alive(self, name: str) -> bool:
        pid = self.pid(name)
        if pid is None:
            return False
        child = getattr(self, "_children", {}).get(pid)
        if child is not None:
            return child.poll() is None
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        return True

    def kill(self, name: str, sig: int = signal.SIGKILL) -> None:
        """Signal a process of the cluster (its whole session: gunicorn's own workers too)."""
        pid = self.pid(name)
        if pid is None:
            return
        try:
            os.killpg(pid, sig)
        except ProcessLookupError:
            pass
        if sig == signal.SIGKILL:
            child = getattr(self, "_children", {}).pop(pid, None)
            if child is not None:
                child.wait(timeout=10)

    def stop_process(self, name: str, timeout: float = 15) -> None:
        pid = self.pid(name)
        if pid is None:
            return
        try:
            os.killpg(pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        else:
            child = getattr(self, "_children", {}).pop(pid, None)
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                if child is not None:
                    if child.poll() is not None:
                        break
                else:
                    try:
                        os.kill(pid, 0)
                    except ProcessLookupError:
                        break
                time.sleep(0.1)
            else:
                try:
                    os.killpg(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                if child is not None:
                    child.wait(timeout=10)
        (self.pids / f"{name}.pid").unlink(missing_ok=True)

    # --- PostgreSQL --------------------------------------------------------------------------
    def _as_postgres(self, argv: list[str]) -> list[str]:
        return ["runuser", "-u", "postgres", "--", *argv] if os.geteuid() == 0 else argv

    def _pg_ctl(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run(
            self._as_postgres([pg_bin("pg_ctl"), "-D", str(self.pg_data), *args]),
            check=check,
            capture_output=True,
            text=True,
        )

    def init_postgres(self) -> None:
        if (self.pg_data / "PG_VERSION").exists():
            return
        self.pg_data.parent.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(self.pg_data.parent, "postgres", "postgres")
            # The postgres user must reach its folder: a mkdtemp() directory is 0700 (root).
            self.directory.chmod(self.directory.stat().st_mode | 0o711)
        subprocess.run(
            self._as_postgres(
                [
                    pg_bin("initdb"),
                    "-D",
                    str(self.pg_data),
                    "-U",
                    "postgres",
                    "-A",
                    "trust",
                    "-E",
                    "UTF8",
                    "--locale=C.UTF-8",
                ]
            ),
            check=True,
            capture_output=True,
        )
        with (self.pg_data / "postgresql.conf").open("a") as conf:
            conf.write(
                "\n# ECUAPASS cluster (deploy/cluster.py)\n"
                f"port = {self.ports.postgres}\n"
                "listen_addresses = '127.0.0.1'\n"
                f"unix_socket_directories = '{self.pg_data.parent}'\n"
                "max_connections = 200\n"
                "shared_buffers = 128MB\n"
                "wal_level = replica\n"
                "archive_mode = on\n"
                f"archive_command = 'test ! -f {self.pg_data.parent}/wal/%f && cp %p {self.pg_data.parent}/wal/%f'\n"
            )
        (self.pg_data.parent / "wal").mkdir(exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(self.pg_data.parent / "wal", "postgres", "postgres")

    def start_postgres(self) -> None:
        if not self.own_postgres:
            return
        self.init_postgres()
        if self._pg_ctl("status", check=False).returncode != 0:
            self.logs.mkdir(parents=True, exist_ok=True)
            log = self.log_of("postgres")
            log.touch()
            if os.geteuid() == 0:
                shutil.chown(log, "postgres", "postgres")
            self._pg_ctl("-l", str(log), "-w", "-t", "60", "start")
        wait_until(lambda: port_open(self.ports.postgres), 30, "PostgreSQL listens")
        exists = subprocess.run(
            self._psql("-tAc", "SELECT 1 FROM pg_database WHERE datname = 'ecuapass'", "postgres"),
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        if not exists:
            subprocess.run(self._psql("-qc", "CREATE DATABASE ecuapass", "postgres"), check=True)

    def stop_postgres(self, mode: str = "fast") -> None:
        if self.own_postgres and (self.pg_data / "PG_VERSION").exists():
            self._pg_ctl("-m", mode, "-w", "stop", check=False)

    def restart_postgres(self) -> None:
        self._pg_ctl("-m", "fast", "-w", "-l", str(self.log_of("postgres")), "restart")

    def _psql(self, *args: str) -> list[str]:
        host, port = "127.0.0.1", str(self.ports.postgres)
        return ["psql", "-h", host, "-p", port, "-U", "postgres", "-v", "ON_ERROR_STOP=1", *args]

    # --- Redis ---------------------------------------------------------------------------------
    def start_redis(self) -> None:
        if not self.own_redis or port_open(self.ports.redis):
            return
        (self.directory / "redis").mkdir(parents=True, exist_ok=True)
        self._spawn(
            "redis",
            [
                shutil.which("redis-server") or "redis-server",
                "--port",
                str(self.ports.redis),
                "--bind",
                "127.0.0.1",
                "--dir",
                str(self.directory / "redis"),
                "--save",
                "",
                "--appendonly",
                "no",
                "--protected-mode",
                "yes",
            ],
        )
        wait_until(lambda: port_open(self.ports.redis), 15, "Redis listens")

    # --- the application ----------------------------------------------------------------------
    def manage(self, *args: str, quiet: bool = True) -> None:
        subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env(),
            check=True,
            stdout=subprocess.DEVNULL if quiet else None,
            stderr=self._prepare_log() if quiet else None,
        )

    def _prepare_log(self):
        self.logs.mkdir(parents=True, exist_ok=True)
        return self.log_of("prepare").open("a")

    def prepare(self) -> None:
        """Migrate, load reference and demo data (idempotent; once per cluster directory unless
        CLUSTER_RELOAD_DATA is set), collect static files."""
        self.var.mkdir(parents=True, exist_ok=True)
        self.manage("compile_translations")
        self.manage("migrate", "--noinput", "-v", "0")
        self.manage("createcachetable")
        stamp = self.directory / "data-loaded"
        if not stamp.exists() or os.environ.get("CLUSTER_RELOAD_DATA"):
            self.manage("load_reference_data", "-v", "0")
            self.manage("load_demo_data", "-v", "0")
            stamp.write_text(time.strftime("%Y-%m-%dT%H:%M:%S"))
        # Collecting (and compressing) every static file takes minutes on a loaded machine:
        # only when a source of static files changed since the last collection.
        sources = self._static_fingerprint()
        stamp = self.directory / "static-collected"
        if not stamp.exists() or stamp.read_text() != sources:
            self.manage("collectstatic", "--noinput", "-v", "0")
            stamp.write_text(sources)

    def _static_fingerprint(self) -> str:
        import hashlib
        from importlib.metadata import distributions

        digest = hashlib.sha256()
        # Installed packages ship static files too (admin, the API's documentation).
        digest.update(",".join(sorted(f"{d.name}={d.version}" for d in distributions())).encode())
        for folder in sorted([ROOT / "static", *ROOT.glob("ecuapass/*/static")]):
            for path in sorted(folder.rglob("*")):
                if path.is_file():
                    stat = path.stat()
                    digest.update(f"{path}:{stat.st_size}:{stat.st_mtime_ns}".encode())
        return digest.hexdigest()

    def start_web(self, i: int) -> None:
        name = f"web{i}"
        if self.alive(name):
            return
        bin_dir = Path(sys.executable).parent
        self._spawn(
            name,
            [
                str(bin_dir / "gunicorn"),
                "config.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.ports.web(i)}",
                "--workers",
                str(self.gunicorn_workers),
                "--threads",
                str(self.gunicorn_threads),
                "--timeout",
                "60",
                "--graceful-timeout",
                "10",
                "--name",
                f"ecuapass-{name}",
                "--access-logfile",
                "-",
                "--access-logformat",
                '{"event":"access","node":"%(p)s","status":%(s)s,"method":"%(m)s","path":"%(U)s","ms":%(M)s,"request_id":"%({x-request-id}i)s"}',
            ],
            env={**self.env(), "ECUAPASS_NODE": name},
        )

    def start_worker(self, i: int) -> None:
        name = f"worker{i}"
        if self.alive(name):
            return
        self._spawn(
            name,
            [
                sys.executable,
                "manage.py",
                "run_worker",
                "--queue-name",
                "*",
                "--interval",
                "0.5",
                "--no-reload",
                "--worker-id",
                f"cluster-{name}-{self.ports.base}",
            ],
            env={**self.env(), "ECUAPASS_NODE": name},
        )

    def web_ready(self, i: int) -> bool:
        try:
            with urllib.request.urlopen(  # noqa: S310 - loopback
                f"http://127.0.0.1:{self.ports.web(i)}/healthz/live", timeout=2
            ) as response:
                return response.status == 200
        except (OSError, urllib.error.URLError):
            return False

    # --- HAProxy ---------------------------------------------------------------------------------
    def certificate(self) -> Path:
        pem = self.directory / "haproxy" / "cluster.pem"
        if not pem.exists():
            pem.parent.mkdir(parents=True, exist_ok=True)
            key, crt = pem.with_suffix(".key"), pem.with_suffix(".crt")
            subprocess.run(
                [
                    "openssl",
                    "req",
                    "-x509",
                    "-newkey",
                    "rsa:2048",
                    "-nodes",
                    "-days",
                    "365",
                    "-subj",
                    "/CN=127.0.0.1",
                    "-keyout",
                    str(key),
                    "-out",
                    str(crt),
                ],
                check=True,
                capture_output=True,
            )
            pem.write_text(crt.read_text() + key.read_text())
            pem.chmod(0o600)
        return pem

    def haproxy_config(self) -> Path:
        template = (ROOT / "deploy" / "haproxy" / "haproxy.cfg.in").read_text()
        servers = "\n".join(
            f"    server web{i} 127.0.0.1:{self.ports.web(i)} check"
            for i in range(1, self.web_nodes + 1)
        )
        text = (
            template.replace("@HTTPS_PORT@", str(self.ports.https))
            .replace("@HTTP_PORT@", str(self.ports.http))
            .replace("@STATS_PORT@", str(self.ports.stats))
            .replace("@CERT@", str(self.certificate()))
            .replace("@ERRORS@", str(ROOT / "deploy" / "haproxy"))
            .replace("@SERVERS@", servers)
        )
        path = self.directory / "haproxy" / "haproxy.cfg"
        path.write_text(text)
        return path

    def start_haproxy(self) -> None:
        if self.alive("haproxy"):
            return
        haproxy = shutil.which("haproxy") or "/usr/sbin/haproxy"
        if not Path(haproxy).exists():
            raise SystemExit(
                "cluster: HAProxy is not installed — apt-get install haproxy (Debian package)"
            )
        config = self.haproxy_config()
        subprocess.run([haproxy, "-c", "-q", "-f", str(config)], check=True)
        self._spawn("haproxy", [haproxy, "-db", "-f", str(config)])
        wait_until(lambda: port_open(self.ports.https), 15, "HAProxy listens")

    # --- the whole ---------------------------------------------------------------------------------
    def start(self, prepare: bool = True) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        self.start_postgres()
        self.start_redis()
        if prepare:
            self.prepare()
        for i in range(1, self.web_nodes + 1):
            self.start_web(i)
        for i in range(1, self.worker_nodes + 1):
            self.start_worker(i)
        for i in range(1, self.web_nodes + 1):
            wait_until(lambda i=i: self.web_ready(i), 60, f"web node {i} answers")
        self.start_haproxy()
        wait_until(self.ready, 60, "the readiness check through HAProxy")

    def ready(self) -> bool:
        try:
            with urllib.request.urlopen(  # noqa: S310 - loopback
                self.url + "/healthz/ready", timeout=5, context=insecure_context()
            ) as response:
                return response.status == 200
        except (OSError, urllib.error.URLError):
            return False

    def stop(self) -> None:
        self.stop_process("haproxy")
        for i in range(1, self.worker_nodes + 1):
            self.stop_process(f"worker{i}")
        for i in range(1, self.web_nodes + 1):
            self.stop_process(f"web{i}")
        self.stop_process("redis")
        self.stop_postgres()

    def status(self) -> dict:
        names = ["haproxy"] + [f"web{i}" for i in range(1, self.web_nodes + 1)]
        names += [f"worker{i}" for i in range(1, self.worker_nodes + 1)] + ["redis"]
        report = {name: ("up" if self.alive(name) else "down") for name in names}
        if self.own_postgres:
            report["postgres"] = "up" if port_open(self.ports.postgres) else "down"
        return report


def from_environment() -> Cluster:
    return Cluster(
        directory=Path(os.environ.get("CLUSTER_DIR", ROOT / "var" / "cluster")),
        ports=Ports(int(os.environ.get("CLUSTER_PORT", "8443"))),
        database_url=os.environ.get("CLUSTER_DATABASE_URL", ""),
        redis_url=os.environ.get("CLUSTER_REDIS_URL", ""),
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("action", choices=["start", "stop", "status"])
    args = parser.parse_args(argv)
    cluster = from_environment()
    if args.action == "start":
        try:
            cluster.start()
        except BaseException:
            print("cluster: start failed; stopping what was started", file=sys.stderr)
            cluster.stop()
            raise
        print(
            f"\n  ECUAPASS cluster at {cluster.url}/  (self-signed certificate)\n"
            f"  HAProxy stats: http://127.0.0.1:{cluster.ports.stats}/  "
            f"logs and pids: {cluster.directory}\n"
            "  Stop it with: make cluster-stop\n"
        )
        print(json.dumps(cluster.status()))
    elif args.action == "stop":
        cluster.stop()
        print("cluster stopped:", json.dumps(cluster.status()))
    else:
        print(json.dumps(cluster.status(), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
