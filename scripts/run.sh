#!/usr/bin/env bash
# Starts the action server (5055), Rasa with the REST channel (5005, bound to 127.0.0.1 only) and
# the public web chat (8000). Ctrl-C stops all three. The web chat runs in its own environment
# (.venv-web, requirements-web.lock: current sanic and aiohttp, no Rasa); `make run` builds both.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
PY_WEB=.venv-web/bin/python
[ -x "$PY_WEB" ] || { echo "Webbchattens miljö saknas: kör 'make setup-web' (eller 'make run')." >&2; exit 1; }
export RASA_TELEMETRY_ENABLED=false   # ingen telemetri till Rasa, även när skriptet körs utan make
pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM

SANIC_HOST="${ACTION_HOST:-127.0.0.1}" $PY -m rasa_sdk --actions actions --port "${ACTION_PORT:-5055}" &
pids+=($!)
$PY -m bot.rasa_main run --model models/current.tar.gz --interface 127.0.0.1 --port "${RASA_PORT:-5005}" \
    --endpoints "${RASA_ENDPOINTS:-endpoints.yml}" --credentials credentials.yml &
pids+=($!)
$PY_WEB -m bot.web &
pids+=($!)
echo "Webbchatten: http://127.0.0.1:${WEB_PORT:-8000}/  (Rasa på 127.0.0.1:${RASA_PORT:-5005}, åtgärder på :${ACTION_PORT:-5055})"
wait -n "${pids[@]}"
