#!/bin/sh
# Logical backup of the ECUAPASS database: one pg_dump custom-format file per run, kept
# BACKUP_KEEP days (docs/operations.md). Run by ecuapass-backup.timer (deploy/systemd).
#   DATABASE_URL=postgres://… BACKUP_DIR=/var/backups/ecuapass deploy/backup.sh
set -eu
: "${DATABASE_URL:?DATABASE_URL is required}" "${BACKUP_DIR:=/var/backups/ecuapass}" "${BACKUP_KEEP:=14}"
mkdir -p "$BACKUP_DIR"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
file="$BACKUP_DIR/ecuapass-$stamp.dump"
# --format=custom: compressed, restorable table by table, in parallel (pg_restore -j).
pg_dump --format=custom --no-owner --no-privileges --file="$file.partial" "$DATABASE_URL"
mv "$file.partial" "$file"
# A dump that cannot be listed is not a backup.
pg_restore --list "$file" >/dev/null
find "$BACKUP_DIR" -name 'ecuapass-*.dump' -mtime +"$BACKUP_KEEP" -delete
echo "$file"
