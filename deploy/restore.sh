#!/bin/sh
# Restore a pg_dump backup into an EMPTY database (docs/operations.md):
#   DATABASE_URL=postgres://…/ecuapass deploy/restore.sh /var/backups/ecuapass/ecuapass-….dump
# Stop the web nodes and workers first; start them after (migrate is not needed: the dump
# holds the schema of the version that wrote it).
set -eu
: "${DATABASE_URL:?DATABASE_URL is required}"
dump="${1:?usage: restore.sh FILE.dump}"
pg_restore --list "$dump" >/dev/null
pg_restore --exit-on-error --no-owner --no-privileges --jobs="${RESTORE_JOBS:-2}" \
  --dbname="$DATABASE_URL" "$dump"
psql "$DATABASE_URL" -qc "ANALYZE"
echo "restored $dump"
