#!/usr/bin/env bash
# `make run`: migrate, seed the demo county, start the local WeChat and SMS fakes and the notification
# worker, and serve on 127.0.0.1:5000.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
export FLASK_APP=service
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-5000}
WORKERS=${WORKERS:-2}

"$BIN/flask" db upgrade
"$BIN/flask" seed-demo

children=()
cleanup() { for pid in "${children[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT INT TERM

# The real WeChat API cannot be reached from here: unless told otherwise, talk to the local fake.
if [ -z "${WECHAT_API_BASE_URL:-}" ]; then
  FAKE_PORT=${FAKE_WECHAT_PORT:-8801}
  "$BIN/flask" dev fake-api --host 127.0.0.1 --port "$FAKE_PORT" &
  children+=($!)
  export WECHAT_API_BASE_URL="http://127.0.0.1:$FAKE_PORT/"
  echo "local fake WeChat API on $WECHAT_API_BASE_URL (what it received: ${WECHAT_API_BASE_URL}_fake/received)"
  for _ in $(seq 1 50); do curl -s -o /dev/null "$WECHAT_API_BASE_URL" && break; sleep 0.2; done
  "$BIN/flask" wechat menu push || echo "menu push failed (the chat works without it)"
  export NOTIFY_TEMPLATE_ID=${NOTIFY_TEMPLATE_ID:-demo-progress-template}  # any id: the fake checks fields only
fi

# Hotline applicants hear by SMS: unless a gateway is configured, use the local fake SMS gateway.
if [ -z "${SMS_GATEWAY_URL:-}" ]; then
  SMS_PORT=${FAKE_SMS_PORT:-8802}
  "$BIN/python" -m service.devtools.fake_sms --host 127.0.0.1 --port "$SMS_PORT" &
  children+=($!)
  export SMS_GATEWAY_URL="http://127.0.0.1:$SMS_PORT/"
  echo "local fake SMS gateway on $SMS_GATEWAY_URL (sent messages: ${SMS_GATEWAY_URL}_fake/received)"
fi

# The notification worker delivers the outbox (staff actions only write rows; they never wait on WeChat).
NLP_WARM_UP=0 "$BIN/flask" notify worker &  # it never classifies: skip loading jieba (RSS)
children+=($!)

# Each gunicorn worker counts its own requests; /metrics adds them up from files here (emptied each start).
export PROMETHEUS_MULTIPROC_DIR=${PROMETHEUS_MULTIPROC_DIR:-$PWD/instance/prometheus}
rm -rf "$PROMETHEUS_MULTIPROC_DIR" && mkdir -p "$PROMETHEUS_MULTIPROC_DIR"

# The production settings (deploy/gunicorn.conf.py: threaded workers with a read deadline, --preload, no
# access log), on this machine's address and with fewer workers.
GUNICORN_WORKERS="$WORKERS" GUNICORN_THREADS=${GUNICORN_THREADS:-8} \
  "$BIN/gunicorn" -c deploy/gunicorn.conf.py -b "$HOST:$PORT" "service:create_app()" &
server=$!
children+=($server)
# "serving" only once gunicorn answers: a newcomer's first click must not meet "connection refused".
for _ in $(seq 1 600); do
  curl -s -o /dev/null "http://$HOST:$PORT/livez" && break
  if ! kill -0 "$server" 2>/dev/null; then
    echo "gunicorn stopped before it could listen on $HOST:$PORT (its messages are above)" >&2
    exit 1
  fi
  sleep 0.2
done
if ! curl -s -o /dev/null "http://$HOST:$PORT/livez"; then
  echo "gunicorn is not answering on http://$HOST:$PORT after 2 minutes (its messages are above)" >&2
  exit 1
fi
echo "serving the demo county on http://$HOST:$PORT  (staff pages: http://$HOST:$PORT/staff/, API docs: http://$HOST:$PORT/api/docs)"
wait -n
