"""Backup, destroy, restore, verify (``make backup-test``; docs/operations.md).

On a private PostgreSQL (initdb under a temporary folder, loopback port, never the machine's
shared server): migrate, load the reference and demo data, submit and process documents so
there are envíos, numbers and notices; count every table and fingerprint the numbers; back up
with deploy/backup.sh; drop the database; restore with deploy/restore.sh into a new empty one;
count and fingerprint again. Any difference fails (exit 1). A second part checks point-in-time
recovery: a base backup (pg_basebackup) plus the archived WAL replayed up to a named restore
point brings back a row written after the base backup and not one written after the point.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from deploy.cluster import ROOT, Cluster, Ports, pg_bin, port_open, wait_until  # noqa: E402

FINGERPRINTS = {
    "números de entrega": "SELECT md5(string_agg(numero_entrega, ',' ORDER BY numero_entrega)) FROM edocs_envio",
    "documents by state": "SELECT md5(string_agg(numero_entrega || ':' || estado_documento || ':' || estado_transmision, ',' ORDER BY id)) FROM edocs_edocument",
    "sequences (numbering)": "SELECT md5(string_agg(key || '=' || value, ',' ORDER BY key)) FROM core_sequence",
    "notices": "SELECT md5(string_agg(id || ':' || coalesce(subject, ''), ',' ORDER BY id)) FROM notifications_notification",
}


def psql(cluster: Cluster, sql: str, db: str = "ecuapass") -> str:
    return subprocess.run(
        cluster._psql("-tAc", sql, db), check=True, capture_output=True, text=True
    ).stdout.strip()


def inventory(cluster: Cluster) -> dict[str, str]:
    tables = psql(
        cluster,
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename",
    ).split()
    counts = {
        t: psql(cluster, f'SELECT count(*) FROM "{t}"')  # noqa: S608 - catalog names
        for t in tables
    }
    for name, sql in FINGERPRINTS.items():
        try:
            counts[name] = psql(cluster, sql)
        except subprocess.CalledProcessError:
            counts[name] = "(n/a)"
    return counts


def process_documents(cluster: Cluster) -> None:
    """Demo data plus processed jobs: run a worker until the queue is empty."""
    cluster.manage(
        "run_worker", "--queue-name", "*", "--batch", "--no-reload", "--no-startup-delay"
    )


def main() -> int:
    keep = os.environ.get("BACKUP_TEST_DIR")
    directory = Path(keep) if keep else Path(tempfile.mkdtemp(prefix="ecuapass-backup-"))
    cluster = Cluster(
        directory=directory,
        ports=Ports(int(os.environ.get("BACKUP_TEST_PORT", "19443"))),
        web_nodes=0,
        worker_nodes=0,
        redis_url="redis://127.0.0.1:1/0",  # never contacted: no Redis in this test
    )
    cluster.extra_env = {"REDIS_URL": ""}
    failures = 0
    try:
        cluster.start_postgres()
        cluster.prepare()
        process_documents(cluster)
        before = inventory(cluster)
        env = {
            **os.environ,
            "DATABASE_URL": cluster.database_url,
            "BACKUP_DIR": str(directory / "backups"),
        }
        dump = (
            subprocess.run(
                ["sh", str(ROOT / "deploy" / "backup.sh")],
                env=env,
                check=True,
                capture_output=True,
                text=True,
            )
            .stdout.strip()
            .splitlines()[-1]
        )
        psql(cluster, "DROP DATABASE ecuapass WITH (FORCE)", "postgres")
        psql(cluster, "CREATE DATABASE ecuapass", "postgres")
        assert psql(cluster, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'") == "0"
        subprocess.run(
            ["sh", str(ROOT / "deploy" / "restore.sh"), dump],
            env=env,
            check=True,
            capture_output=True,
        )
        after = inventory(cluster)
        print("| what | before backup | after restore |\n|---|---:|---:|")
        for key in before:
            mark = "" if before[key] == after.get(key) else "  ← DIFFERENT"
            if mark:
                failures += 1
            if key in FINGERPRINTS or key in {
                "edocs_edocument",
                "edocs_envio",
                "edocs_statuschange",
                "core_sequence",
                "notifications_notification",
                "django_tasks_database_dbtaskresult",
            }:
                print(f"| {key} | {before[key]} | {after.get(key)} |{mark}")
        print(
            f"{len(before)} tables and {len(FINGERPRINTS)} fingerprints compared; differences: {failures}"
        )
        failures += point_in_time(cluster, directory)
    finally:
        cluster.stop()
        if not keep:
            shutil.rmtree(directory, ignore_errors=True)
    return 1 if failures else 0


def point_in_time(cluster: Cluster, directory: Path) -> int:
    """Base backup + WAL replay to a restore point: the row before the point is back, the
    row after it is not."""
    base = directory / "base"
    if os.geteuid() == 0:
        subprocess.run(["chown", "postgres:postgres", str(directory)], check=True)
    subprocess.run(
        cluster._as_postgres(
            [
                pg_bin("pg_basebackup"),
                *("-h", "127.0.0.1", "-p", str(cluster.ports.postgres), "-U", "postgres"),
                *("-D", str(base), "-X", "none", "-c", "fast"),
            ]
        ),
        check=True,
        capture_output=True,
    )
    psql(cluster, "CREATE TABLE IF NOT EXISTS pitr_probe (label text)")
    psql(cluster, "INSERT INTO pitr_probe VALUES ('before the point')")
    psql(cluster, "SELECT pg_create_restore_point('ops-pitr')")
    psql(cluster, "INSERT INTO pitr_probe VALUES ('after the point')")
    psql(cluster, "SELECT pg_switch_wal()")
    time.sleep(2)  # archive_command copies the finished segment
    cluster.stop_postgres()
    wal = cluster.pg_data.parent / "wal"
    (base / "recovery.signal").touch()
    with (base / "postgresql.auto.conf").open("a") as conf:
        conf.write(
            f"\nrestore_command = 'cp {wal}/%f %p'\n"
            "recovery_target_name = 'ops-pitr'\nrecovery_target_action = 'promote'\n"
            f"archive_mode = off\n"
        )
    if os.geteuid() == 0:
        subprocess.run(["chown", "-R", "postgres:postgres", str(base)], check=True)
    base.chmod(0o700)
    log = directory / "pitr.log"
    subprocess.run(
        cluster._as_postgres(
            [pg_bin("pg_ctl"), "-D", str(base), "-l", str(log), "-w", "-t", "60", "start"]
        ),
        check=True,
        capture_output=True,
    )
    try:
        wait_until(lambda: port_open(cluster.ports.postgres), 30, "the recovered server listens")
        wait_until(lambda: psql(cluster, "SELECT pg_is_in_recovery()") == "f", 60, "recovery ends")
        rows = psql(cluster, "SELECT string_agg(label, ',' ORDER BY label) FROM pitr_probe")
        documents = psql(cluster, "SELECT count(*) FROM edocs_edocument")
    finally:
        subprocess.run(
            cluster._as_postgres([pg_bin("pg_ctl"), "-D", str(base), "-m", "fast", "-w", "stop"]),
            capture_output=True,
        )
    ok = rows == "before the point"
    print(
        f"point-in-time recovery to restore point 'ops-pitr': probe rows {rows!r}, {documents} documents — {'OK' if ok else 'WRONG'}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
