#!/usr/bin/env bash
# make scale-check: two app servers, two workers, one PostgreSQL, under load,
# with crashes. Proves (or shows it does not) that nothing is lost or doubled
# when a worker and an app server die with kill -9 and PostgreSQL restarts.
#
# On a PostgreSQL cluster of its own (initdb in a temporary folder, so its
# restart never touches anyone else's databases): a fresh database with the demo
# data and a bulk-seeded practice whose reminders are due now; two gunicorn
# servers (2 workers each, debug off) behind nginx (HTTPS with a throw-away
# certificate, as in production); two `manage.py db_worker`; emails written to
# files (Django's file backend) so each send can be counted. Locust drives
# coaches and candidates through nginx while the script kills worker 1 (-9)
# while it is sending, kills app server 1 (-9) and restarts PostgreSQL,
# restarting each. Then it waits for the queue to drain and prints the verdict
# (scripts/scale_report.py); exit 1 when an email is lost or stuck or a reminder
# was made twice. Everything it started is stopped on exit, however it ends.
#
#   SCALE_USERS        simulated users (50)
#   SCALE_DURATION     seconds of load (180)
#   SCALE_COACHES, SCALE_CANDIDATES   seeded coaches and candidates per coach (20, 50)
#   SCALE_DRAIN_SECONDS  how long to wait for the queue after the load (120)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PY=$ROOT/.venv/bin/python

number() {
  local name=$1 default=$2 value
  value=${!name:-$default}
  if ! [[ $value =~ ^[1-9][0-9]*$ ]]; then
    echo "ERROR: $name must be a whole number above 0; got '$value'." >&2
    exit 2
  fi
  printf '%s' "$value"
}
USERS=$(number SCALE_USERS 50)
DURATION=$(number SCALE_DURATION 180)
COACHES=$(number SCALE_COACHES 20)
PER_COACH=$(number SCALE_CANDIDATES 50)
DRAIN=$(number SCALE_DRAIN_SECONDS 120)

step() { printf '\n==> %s\n' "$*"; }
WORK=$(mktemp -d /tmp/scale-check.XXXXXX)
chmod 755 "$WORK"
# "<epoch seconds> <what>": the report sets failed requests against these.
event() {
  printf '%s %s\n' "$(date +%s.%N | cut -c1-14)" "$*" >>"$WORK/events.log"
  printf '    [%s] %s\n' "$(date -u +%H:%M:%S)" "$*"
}

# ---------------------------------------------------------------- processes
# Each process runs in a session of its own, so a kill reaches the whole
# process (gunicorn's master and its workers together: a machine that dies).
declare -A GROUP=()
launch() {
  local name=$1
  shift
  setsid "$@" >>"$WORK/$name.log" 2>&1 </dev/null &
  GROUP[$name]=$!
}
crash() {
  kill -KILL -- "-${GROUP[$1]}" 2>/dev/null || true
  wait "${GROUP[$1]}" 2>/dev/null || true
}

PG_DATA=""
as_postgres() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
cleanup() {
  local status=$?
  trap - EXIT
  for name in "${!GROUP[@]}"; do kill -TERM -- "-${GROUP[$name]}" 2>/dev/null || true; done
  sleep 2
  for name in "${!GROUP[@]}"; do kill -KILL -- "-${GROUP[$name]}" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if [ -n "$PG_DATA" ]; then
    as_postgres "$PG_BIN/pg_ctl" -D "$PG_DATA" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$PG_DATA" # its log, server.log, stays
  fi
  echo "==> Everything stopped; the logs and the emails sent are in $WORK"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

free_ports() {
  "$PY" - "$1" <<'EOF'
import socket, sys
held = [socket.socket() for _ in range(int(sys.argv[1]))]
for s in held:
    s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in held))
EOF
}

wait_http() {  # wait_http URL NAME: until it answers 200, at most 60 s
  for _ in $(seq 1 120); do
    if [ "$(curl -ks -o /dev/null -w '%{http_code}' "$1")" = 200 ]; then return 0; fi
    sleep 0.5
  done
  echo "ERROR: $2 did not answer 200 at $1 within 60 s; its log: $WORK/$2.log" >&2
  tail -20 "$WORK/$2.log" >&2 || true
  exit 1
}

# ---------------------------------------------------------------- what it needs
step "System packages"
need_apt=()
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || need_apt+=(nginx)
command -v openssl >/dev/null 2>&1 || need_apt+=(openssl)
command -v curl >/dev/null 2>&1 || need_apt+=(curl)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need_apt+=(postgresql postgresql-client)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "installing: ${need_apt[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
PG_BIN=/usr/lib/postgresql/$(ls /usr/lib/postgresql | sort -V | tail -1)/bin
echo "$("$NGINX" -v 2>&1); PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}'); $("$ROOT/.venv/bin/locust" --version 2>&1 | cut -d' ' -f1-2)"

read -r PG_PORT APP1_PORT APP2_PORT NGINX_PORT <<<"$(free_ports 4)"
SITE="https://127.0.0.1:$NGINX_PORT"

step "PostgreSQL of its own on port $PG_PORT (restarted during the run)"
mkdir -p "$WORK/pg"
[ "$(id -u)" != 0 ] || chown postgres: "$WORK/pg"
PG_DATA=$WORK/pg/data
as_postgres "$PG_BIN/initdb" -D "$PG_DATA" -U postgres -A trust -E UTF8 --no-sync >/dev/null
as_postgres "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$WORK/pg/server.log" -w -o \
  "-p $PG_PORT -k $WORK/pg -c listen_addresses=127.0.0.1 -c max_connections=100" start >/dev/null
pg_restart() {
  as_postgres "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$WORK/pg/server.log" -w -m fast restart >/dev/null
}
psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -qc "CREATE DATABASE coachsite_scale"
export DATABASE_URL="postgres://postgres@127.0.0.1:$PG_PORT/coachsite_scale"

# Production settings: debug off, HTTPS (nginx terminates it and says so in
# X-Forwarded-Proto), secure cookies, a secret of the run's own.
mkdir -p "$WORK/mail"
APP_ENV=(
  env -u DJANGO_DEBUG
  DJANGO_SECRET_KEY="scale-$(head -c 48 /dev/urandom | base64 | tr -d '/+=\n')"
  DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost
  DJANGO_CSRF_TRUSTED_ORIGINS="$SITE"
  DJANGO_BEHIND_PROXY=1
  SITE_URL="$SITE"
  DATABASE_URL="$DATABASE_URL"
  EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend
  EMAIL_FILE_PATH="$WORK/mail"
  REMINDER_SWEEP_MINUTES=1
  DJANGO_LOG_LEVEL=WARNING
)

step "Database: migrate, demo data, $COACHES coaches x $PER_COACH candidates with reminders due"
DJANGO_DEBUG=1 "$PY" manage.py migrate --no-input -v0
DJANGO_DEBUG=1 "$PY" manage.py load_demo >/dev/null
DJANGO_DEBUG=1 "$PY" scripts/scale_seed.py --coaches "$COACHES" --candidates "$PER_COACH" \
  --world "$WORK/world.json"
"${APP_ENV[@]}" "$PY" manage.py collectstatic --no-input -v0
"${APP_ENV[@]}" "$PY" manage.py check --deploy --fail-level ERROR >/dev/null

# ---------------------------------------------------------------- the servers
start_app() {  # start_app N PORT
  launch "app$1" "${APP_ENV[@]}" "$ROOT/.venv/bin/gunicorn" -c coachsite/gunicorn.conf.py coachsite.wsgi \
    --bind "127.0.0.1:$2" --workers 2 --graceful-timeout 5
  wait_http "http://127.0.0.1:$2/healthz" "app$1"
}
# As systemd's Restart=always (README, "Deploying and scaling"): a worker that
# exits on its own is started again 3 s later, and its exit is an event.
start_worker() {
  # shellcheck disable=SC2016 # expanded by the supervising shell
  launch "worker$1" bash -c 'while :; do "$@"; status=$?
      printf "%s %s\n" "$(date +%s.%N | cut -c1-14)" \
        "worker '"$1"' exited (status $status); its supervisor starts it again in 3 s" \
        >>"'"$WORK"'/events.log"
      sleep 3; done' _ "${APP_ENV[@]}" "$PY" manage.py db_worker --interval 1
}
worker_process() {  # the db_worker under worker N's supervisor
  ps -o pid= --ppid "${GROUP[worker$1]}" | head -1 | tr -d ' '
}

step "Two app servers (gunicorn, 2 workers each) on ports $APP1_PORT and $APP2_PORT"
start_app 1 "$APP1_PORT"
start_app 2 "$APP2_PORT"

step "nginx on $SITE, balancing the two"
mkdir -p "$WORK/nginx/tmp"
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 \
  -keyout "$WORK/nginx/key.pem" -out "$WORK/nginx/cert.pem" 2>/dev/null
NGINX_USER=""
if [ "$(id -u)" = 0 ]; then
  # Its workers run as nobody, and write request bodies too big for memory here.
  NGINX_USER="user nobody nogroup;"
  chown -R nobody:nogroup "$WORK/nginx/tmp"
fi
cat >"$WORK/nginx/nginx.conf" <<EOF
$NGINX_USER
worker_processes 1;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log warn;
events { worker_connections 1024; }
http {
  access_log $WORK/nginx/access.log;
  client_body_temp_path $WORK/nginx/tmp/body;
  proxy_temp_path $WORK/nginx/tmp/proxy;
  fastcgi_temp_path $WORK/nginx/tmp/fastcgi;
  uwsgi_temp_path $WORK/nginx/tmp/uwsgi;
  scgi_temp_path $WORK/nginx/tmp/scgi;
  client_max_body_size 5m;
  upstream coachsite {
    server 127.0.0.1:$APP1_PORT max_fails=1 fail_timeout=5s;
    server 127.0.0.1:$APP2_PORT max_fails=1 fail_timeout=5s;
  }
  server {
    listen 127.0.0.1:$NGINX_PORT ssl;
    ssl_certificate $WORK/nginx/cert.pem;
    ssl_certificate_key $WORK/nginx/key.pem;
    location / {
      proxy_pass http://coachsite;
      proxy_set_header Host \$http_host;
      proxy_set_header X-Forwarded-Proto https;
      proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
      # A server that refuses the connection: try the other (nginx never
      # resends a POST that reached a server).
      proxy_next_upstream error timeout;
      proxy_connect_timeout 2s;
    }
  }
}
EOF
launch nginx "$NGINX" -p "$WORK/nginx" -e "$WORK/nginx/error.log" -c "$WORK/nginx/nginx.conf" \
  -g "daemon off;"
wait_http "$SITE/healthz" nginx

# ---------------------------------------------------------------- load and crashes
queue() {  # "sent pending" emails
  psql "$DATABASE_URL" -Atq -F ' ' -c "SELECT count(*) FILTER (WHERE sent_at IS NOT NULL),
    count(*) FILTER (WHERE sent_at IS NULL AND failed_at IS NULL) FROM interviews_outgoingemail" \
    2>/dev/null || echo "? ?"
}

step "Load: $USERS users for $DURATION s; two workers start with it"
event "load and workers start"
SCALE_WORLD="$WORK/world.json" SCALE_FAILURES="$WORK/failures.csv" \
  launch locust "$ROOT/.venv/bin/locust" -f scripts/locustfile.py --headless --only-summary \
  -u "$USERS" -r "$(((USERS + 9) / 10))" -t "${DURATION}s" --host "$SITE" \
  --csv "$WORK/locust" --stop-timeout 10
start_worker 1
start_worker 2
START=$(date +%s)
at() {  # at SECONDS: sleep until that many seconds after the start
  local left=$(($1 - ($(date +%s) - START)))
  [ "$left" -le 0 ] || sleep "$left"
}

# Worker 1 dies while the queue is being worked: the sweep's emails, or later
# ones, some sent and some still waiting (at the latest at a fifth of the
# run); its supervisor starts it again.
for _ in $(seq 1 $((DURATION * 2 / 5))); do
  read -r sent pending <<<"$(queue)"
  if [ "$sent" != "?" ] && [ "$sent" -gt 0 ] && [ "$pending" -gt 0 ]; then break; fi
  sleep 0.5
done
event "kill -9 worker 1 (emails sent $sent, waiting $pending)"
kill -KILL "$(worker_process 1)"

at $((DURATION * 2 / 5))
event "kill -9 app server 1 (gunicorn master and workers)"
crash app1
sleep 3
start_app 1 "$APP1_PORT"
event "app server 1 restarted and answering"

at $((DURATION * 3 / 5))
event "PostgreSQL restart begins"
pg_restart
event "PostgreSQL restarted"

wait "${GROUP[locust]}" || true # locust exits 1 when any request failed
unset 'GROUP[locust]'
event "load over"
echo "    locust's summary: $WORK/locust.log"

step "Waiting for the queue to drain (at most $DRAIN s), then the verdict"
rc=0
"${APP_ENV[@]}" "$PY" scripts/scale_report.py --work "$WORK" --drain-seconds "$DRAIN" || rc=$?
exit "$rc"
