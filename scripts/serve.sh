#!/bin/sh
# Serves the portal and runs the background worker; Ctrl-C stops both.
set -eu
: "${PORT:=8000}" "${HOST:=127.0.0.1}" "${BIN:=.venv/bin}"
"$BIN/python" manage.py db_worker --queue-name '*' --interval 1 --no-reload &
WORKER=$!
# Janitor (cron in production): release expired lockouts (ALERTA DE DESBLOQUEO) and
# re-enqueue documents whose worker died (django-tasks-db does not retry by itself).
( while sleep 60; do
    "$BIN/python" manage.py release_lockouts >/dev/null 2>&1 || true
    "$BIN/python" manage.py edocs_recover >/dev/null 2>&1 || true
  done ) &
JANITOR=$!
"$BIN/gunicorn" config.wsgi:application --bind "$HOST:$PORT" --workers 2 --threads 4 \
  --access-logfile - --graceful-timeout 5 &
WEB=$!
cleanup() {
  trap - INT TERM EXIT
  kill "$WORKER" "$WEB" "$JANITOR" 2>/dev/null || true
  wait "$WORKER" "$WEB" 2>/dev/null || true
  echo "ECUAPASS detenido."
}
trap cleanup INT TERM EXIT
echo ""
echo "  ECUAPASS en http://$HOST:$PORT/  (Ctrl-C para detener)"
echo "  Usuarios de demostración: ver README.md, sección «Usuarios de demostración»."
echo ""
# Exit as soon as either process dies, taking the other one down with it.
while kill -0 "$WORKER" 2>/dev/null && kill -0 "$WEB" 2>/dev/null; do sleep 1; done
