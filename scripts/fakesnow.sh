#!/usr/bin/env bash
# Dev/test/CI stand-in for Snowflake: a fakesnow HTTP server (Snowflake's REST protocol
# over DuckDB) on loopback, speaking to snowflake-sdk (Node) and snowflake-connector-python.
#
# Usage: scripts/fakesnow.sh start|stop|restart|status|reset|logs|query SQL...
#
#   start    create the Python venv if needed (scripts/pyenv.sh), start the server in the
#            background, wait until it answers; prints the access URL on stdout (last
#            line), e.g. http://127.0.0.1:8765. Idempotent.
#   stop     SIGTERM (the server checkpoints its DuckDB files), wait, then SIGKILL.
#   restart  stop + start.
#   status   exit 0 if the server is running and answering, 1 otherwise.
#   reset    stop and wipe the databases and stages.
#   logs     print the last 100 lines of the server log.
#   query SQL...  run SQL through scripts/fakesnow_query.py and print JSON rows.
#
# Environment (all optional):
#   FAKESNOW_HOME_CACHE     state dir (default: <repo>/.cache/fakesnow): fakesnow.pid,
#                           fakesnow.log, port, db/ (one DuckDB file per database,
#                           db/<DATABASE>.db, schemas and tables inside), stages/
#   FAKESNOW_PORT           port (default 8765; when unset and 8765 is taken, a free
#                           port is picked). The port in use is written to <cache>/port.
#   FAKESNOW_START_TIMEOUT  seconds to wait for readiness (default 60)
#   FAKESNOW_STOP_TIMEOUT   seconds to wait for a graceful stop (default 20)
#   FAKESNOW_NOP_REGEXES    extra SQL regexes (one per line, case-insensitive, matched at
#                           the start) answered with success without running them.
#                           ALTER SESSION [UN]SET QUERY_TAG is always a no-op.
#   FAKESNOW_ACCESS_LOG=1   log every HTTP request
#
# What scripts/fakesnow_server.py adds to stock fakesnow (see its comments):
#   - persistence: all sessions share one instance whose databases are files in db/,
#     re-attached on start; stock `fakesnow -s` keeps everything in memory
#   - JSON result sets: fakesnow answers queries in Arrow, which snowflake-sdk cannot read
#     (every non-DML statement fails client-side and DML never calls back)
#   - snowflake-sdk PUT support (stage files under stages/), null array binds, errors
#     returned at once instead of HTTP 500s the drivers retry for minutes
#   - MERGE inside an explicit transaction (stock fakesnow treats its helper table as DDL)
#   - SUM/AVG over NUMBER stay exact NUMBERs, as on Snowflake (stock fakesnow casts to DOUBLE)
#   - COPY INTO tables of more than 10 columns (DuckDB zero-pads the CSV's column names)
#   - multi-row INSERTs of placeholders transformed once per row shape (3-4x faster)
# Stage and file-format definitions live in memory: re-create them after a restart.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"

CACHE="${FAKESNOW_HOME_CACHE:-$REPO_ROOT/.cache/fakesnow}"
DBDIR="$CACHE/db"
STAGEDIR="$CACHE/stages"
PIDFILE="$CACHE/fakesnow.pid"
PORTFILE="$CACHE/port"
LOGFILE="$CACHE/fakesnow.log"
PY="$REPO_ROOT/.venv/bin/python"

HOST=127.0.0.1
DEFAULT_PORT=8765
START_TIMEOUT="${FAKESNOW_START_TIMEOUT:-60}"
STOP_TIMEOUT="${FAKESNOW_STOP_TIMEOUT:-20}"
MARKER=orderstream-fakesnow-server

log() { echo "fakesnow.sh: $*" >&2; }
die() { log "error: $*"; exit 1; }

# The server: fakesnow plus the compatibility shims described above, in its own file.
SERVER="$SCRIPT_DIR/fakesnow_server.py"

# ---------------------------------------------------------------- state ----

# Prints the pid of our running server, or nothing.
running_pid() {
  [[ -f "$PIDFILE" ]] || return 0
  local pid
  pid="$(cat "$PIDFILE" 2>/dev/null || true)"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 0
  if kill -0 "$pid" 2>/dev/null \
     && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "$MARKER"; then
    echo "$pid"
  fi
}

current_port() {
  if [[ -s "$PORTFILE" ]]; then cat "$PORTFILE"; else echo "${FAKESNOW_PORT:-$DEFAULT_PORT}"; fi
}

port_open() { (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null; }

# The server answers an unauthenticated session request with 401.
server_answers() {
  local port="$1"
  port_open "$port" || return 1
  exec 3<>"/dev/tcp/$HOST/$port" || return 1
  printf 'POST /session HTTP/1.0\r\nHost: %s\r\nContent-Length: 0\r\n\r\n' "$HOST" >&3
  local status
  IFS= read -r -t 5 status <&3 || status=""
  exec 3<&- 3>&-
  [[ "$status" == *" 401 "* ]]
}

ensure_python() {
  if [[ -x "$PY" ]] && "$PY" -c 'import fakesnow.server, uvicorn' >/dev/null 2>&1; then
    return 0
  fi
  log "setting up the Python venv (scripts/pyenv.sh)"
  bash "$SCRIPT_DIR/pyenv.sh" >/dev/null
  "$PY" -c 'import fakesnow.server, uvicorn' || die "fakesnow[server] is not importable from $PY"
}

pick_port() {
  if [[ -n "${FAKESNOW_PORT:-}" ]]; then
    port_open "$FAKESNOW_PORT" && die "port $FAKESNOW_PORT is in use by another process (set FAKESNOW_PORT)"
    echo "$FAKESNOW_PORT"
  elif ! port_open "$DEFAULT_PORT"; then
    echo "$DEFAULT_PORT"
  else
    "$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
  fi
}

# ---------------------------------------------------------------- start ----

cmd_start() {
  local pid port
  pid="$(running_pid)"
  if [[ -n "$pid" ]]; then
    port="$(current_port)"
    if server_answers "$port"; then
      log "already running (pid $pid)"
      echo "http://$HOST:$port"
      return 0
    fi
    log "pid $pid exists but does not answer yet; waiting"
  else
    rm -f "$PIDFILE"
    mkdir -p "$CACHE"
    ensure_python
    port="$(pick_port)"
    echo "$port" >"$PORTFILE"
    log "starting on http://$HOST:$port (data: $DBDIR, log: $LOGFILE)"
    : >"$LOGFILE"
    # setsid: not tied to the caller's terminal or process group
    SNOWFLAKE_DISABLE_PLATFORM_DETECTION=true nohup setsid "$PY" "$SERVER" \
      "$MARKER" "$port" "$DBDIR" "$STAGEDIR" </dev/null >>"$LOGFILE" 2>&1 &
    pid=$!
    echo "$pid" >"$PIDFILE"
  fi

  local start=$SECONDS
  until server_answers "$port"; do
    if ! kill -0 "$pid" 2>/dev/null; then
      rm -f "$PIDFILE"
      tail -n 30 "$LOGFILE" >&2 || true
      die "server exited during startup (see $LOGFILE)"
    fi
    if (( SECONDS - start >= START_TIMEOUT )); then
      tail -n 30 "$LOGFILE" >&2 || true
      die "server not ready after ${START_TIMEOUT}s (still running as pid $pid; see $LOGFILE)"
    fi
    sleep 0.2
  done
  log "ready after $((SECONDS - start))s (pid $pid)"
  echo "http://$HOST:$port"
}

# ----------------------------------------------------------------- stop ----

cmd_stop() {
  local pid
  pid="$(running_pid)"
  if [[ -z "$pid" ]]; then
    rm -f "$PIDFILE"
    log "not running"
    return 0
  fi
  log "stopping (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  local waited=0
  while kill -0 "$pid" 2>/dev/null; do
    if (( waited >= STOP_TIMEOUT * 10 )); then
      log "no graceful stop after ${STOP_TIMEOUT}s; sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      sleep 0.5
      break
    fi
    sleep 0.1
    waited=$((waited + 1))
  done
  rm -f "$PIDFILE"
  log "stopped"
}

cmd_status() {
  local pid port
  pid="$(running_pid)"
  port="$(current_port)"
  if [[ -n "$pid" ]] && server_answers "$port"; then
    echo "running (pid $pid) on http://$HOST:$port"
    return 0
  fi
  if [[ -n "$pid" ]]; then
    echo "process $pid alive but not answering on http://$HOST:$port"
  else
    echo "not running"
  fi
  return 1
}

cmd_reset() {
  cmd_stop
  log "wiping $DBDIR and $STAGEDIR"
  rm -rf "$DBDIR" "$STAGEDIR"
}

cmd_logs() { tail -n 100 "$LOGFILE"; }

cmd_query() {
  ensure_python
  FAKESNOW_PORT="$(current_port)" exec "$PY" "$SCRIPT_DIR/fakesnow_query.py" "$@"
}

case "${1:-}" in
  start)   cmd_start ;;
  stop)    cmd_stop ;;
  restart) cmd_stop; cmd_start ;;
  status)  cmd_status ;;
  reset)   cmd_reset ;;
  logs)    cmd_logs ;;
  query)   shift; cmd_query "$@" ;;
  *) echo "usage: $0 start|stop|restart|status|reset|logs|query SQL..." >&2; exit 2 ;;
esac
