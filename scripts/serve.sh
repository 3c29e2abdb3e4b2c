#!/bin/sh
# Serves the portal (gunicorn) and runs the background worker under a supervisor; Ctrl-C stops
# everything. A worker that dies is started again (its slot id lets the new one take back at
# once the job the dead one held); it never takes the web server down. The worker itself
# reconnects when the database restarts (manage.py run_worker).
set -eu
: "${PORT:=8000}" "${HOST:=127.0.0.1}" "${BIN:=.venv/bin}"
SLOT=$(printf 'serve-%s-%s' "$PORT" "$(hostname)" | cut -c1-64)

(
  child=
  trap 'trap - TERM INT; [ -n "$child" ] && kill "$child" 2>/dev/null; wait; exit 0' TERM INT
  while :; do
    "$BIN/python" manage.py run_worker --queue-name '*' --interval 1 --worker-id "$SLOT" &
    child=$!
    status=0
    wait "$child" || status=$?
    echo "ECUAPASS: el trabajador terminó (código $status); se reinicia en 1 s." >&2
    sleep 1
  done
) &
WORKER=$!
# Janitor (cron in production): release expired lockouts (ALERTA DE DESBLOQUEO).
( while sleep 60; do
    "$BIN/python" manage.py release_lockouts >/dev/null 2>&1 || true
    "$BIN/python" manage.py vue_avisos >/dev/null 2>&1 || true
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
# Runs as long as the web server does; the worker's supervisor restarts the worker.
while kill -0 "$WEB" 2>/dev/null; do sleep 1; done
