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
# What the launcher below adds to stock fakesnow (see its comments):
#   - persistence: all sessions share one instance whose databases are files in db/,
#     re-attached on start; stock `fakesnow -s` keeps everything in memory
#   - JSON result sets: fakesnow answers queries in Arrow, which snowflake-sdk cannot read
#     (every non-DML statement fails client-side and DML never calls back)
#   - snowflake-sdk PUT support (stage files under stages/), null array binds, errors
#     returned at once instead of HTTP 500s the drivers retry for minutes
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

# read -d '': the whole heredoc into LAUNCHER (read returns 1 at EOF, hence || true)
read -r -d '' LAUNCHER <<'PY' || true
# Runs fakesnow's Starlette app with a few compatibility shims. argv: MARKER PORT DBDIR STAGEDIR
import base64
import contextlib
import contextvars
import datetime as dt
import decimal
import gzip
import json
import os
import re
import shutil
import sys
import warnings

warnings.filterwarnings("ignore", message="Arrow output on a DB-API result")

import pyarrow as pa  # noqa: E402
import uvicorn  # noqa: E402
from starlette.applications import Starlette  # noqa: E402
from starlette.responses import FileResponse, JSONResponse, Response  # noqa: E402
from starlette.routing import Route  # noqa: E402

import fakesnow.server as fs_server  # noqa: E402
import fakesnow.transforms.stage as fs_stage  # noqa: E402
from fakesnow.instance import FakeSnow  # noqa: E402

# ---- Arrow -> JSON result sets ------------------------------------------------------------
# fakesnow answers every non-DML statement with an Arrow rowset (rowsetBase64); snowflake-sdk
# only reads JSON rowsets (data.rowset), in Snowflake's JSON result encoding (all cells are
# strings; dates as days since epoch; timestamps as "<epoch seconds>.<9 digits>", TZ ones
# followed by " <offset minutes + 1440>"). The Python connector reads both.
FORMAT_PARAMS = [
    {"name": "TIMEZONE", "value": "Etc/UTC"},
    {"name": "TIMESTAMP_OUTPUT_FORMAT", "value": "YYYY-MM-DD HH24:MI:SS.FF3 TZHTZM"},
    {"name": "TIMESTAMP_NTZ_OUTPUT_FORMAT", "value": "YYYY-MM-DD HH24:MI:SS.FF3"},
    {"name": "TIMESTAMP_LTZ_OUTPUT_FORMAT", "value": ""},
    {"name": "TIMESTAMP_TZ_OUTPUT_FORMAT", "value": ""},
    {"name": "DATE_OUTPUT_FORMAT", "value": "YYYY-MM-DD"},
    {"name": "TIME_OUTPUT_FORMAT", "value": "HH24:MI:SS"},
    {"name": "BINARY_OUTPUT_FORMAT", "value": "HEX"},
]
EPOCH_DATE = dt.date(1970, 1, 1)
NANOS = decimal.Decimal("1e-9")


def _frac_secs(epoch, fraction):
    # "f": never exponent notation (str() gives "0E-9" for zero)
    return format((decimal.Decimal(epoch) + decimal.Decimal(fraction).scaleb(-9)).quantize(NANOS), "f")


def _cell(v, sf_type):
    if v is None or (isinstance(v, dict) and "epoch" in v and v["epoch"] is None):
        return None
    if sf_type in ("timestamp_ntz", "timestamp_ltz"):
        return _frac_secs(v["epoch"], v["fraction"])
    if sf_type == "timestamp_tz":
        return f"{_frac_secs(v['epoch'], v['fraction'])} {v.get('timezone', 1440)}"
    if sf_type == "date":
        return str((v - EPOCH_DATE).days)
    if sf_type == "time":  # nanoseconds since midnight
        return _frac_secs(v // 1_000_000_000, v % 1_000_000_000)
    if isinstance(v, bool):
        return "1" if v else "0"
    if isinstance(v, decimal.Decimal):
        return format(v, "f")
    if isinstance(v, (bytes, bytearray)):
        return v.hex().upper()
    if isinstance(v, (dict, list)):
        return json.dumps(v)
    return str(v)


def _to_json_rowset(b64, rowtype):
    if not b64:
        return []
    table = pa.ipc.open_stream(base64.b64decode(b64)).read_all()
    cols = [[_cell(v, rowtype[i]["type"]) for v in table.column(i).to_pylist()] for i in range(table.num_columns)]
    return [list(r) for r in zip(*cols)]


# ---- errors -------------------------------------------------------------------------------
# fakesnow answers an unsupported statement with HTTP 500, which both drivers retry with
# backoff for minutes. Answer 200 + success:false instead, with the underlying exception.
_last_exc: contextvars.ContextVar = contextvars.ContextVar("fakesnow_last_exc", default=None)


def _capture_exc(record):
    if record.exc_info:
        _last_exc.set(record.exc_info[1])
    return True


# a filter, not a handler: uvicorn's logging setup replaces the handlers fakesnow's logger shares
fs_server.logger.addFilter(_capture_exc)


def _describe_exc(exc):
    tb = exc.__traceback__
    while tb and tb.tb_next:
        tb = tb.tb_next
    where = f" at {os.path.basename(tb.tb_frame.f_code.co_filename)}:{tb.tb_lineno}" if tb else ""
    return f" [{type(exc).__name__}: {exc}{where}]"


def _error(code, message):
    return JSONResponse(
        {"data": {"errorCode": code, "sqlState": "XX000"}, "code": code, "message": message, "success": False}
    )


# ---- array binds -----------------------------------------------------------------------
# fakesnow runs an array-bound statement once per row (~6 ms a row, not atomic). Rewrite an
# array-bound INSERT ... VALUES (<one tuple>) into one multi-row INSERT with positional binds.
_INSERT_VALUES = re.compile(
    r"(?is)^(\s*INSERT\s+(?:OVERWRITE\s+)?INTO\s+[^?;]*?\bVALUES\s*)(\((?:[^()?;]|\?|\([^()]*\))*\))\s*;?\s*$"
)


async def _inline_array_insert(request):
    raw = await request.body()
    gzipped = request.headers.get("Content-Encoding") == "gzip"
    body = json.loads(gzip.decompress(raw) if gzipped else raw)
    binds = body.get("bindings") or {}
    if not binds or not all(k.isdigit() for k in binds):
        return
    cols = [binds.get(str(i)) for i in range(1, len(binds) + 1)]
    if not all(c and isinstance(c.get("value"), list) for c in cols):
        return
    rows = len(cols[0]["value"])
    m = _INSERT_VALUES.match(body.get("sqlText", ""))
    if not m or m.group(2).count("?") != len(cols) or rows < 2 or any(len(c["value"]) != rows for c in cols):
        return
    body["sqlText"] = m.group(1) + ", ".join([m.group(2)] * rows)
    body["bindings"] = {
        str(r * len(cols) + i + 1): {"type": c["type"], "value": c["value"][r]}
        for r in range(rows)
        for i, c in enumerate(cols)
    }
    data = json.dumps(body).encode()
    request._body = gzip.compress(data, compresslevel=1) if gzipped else data  # noqa: SLF001


def _token(request):
    auth = request.headers.get("Authorization") or ""
    return auth[17:-1]  # Snowflake Token="..."; as fakesnow.server.to_token


async def query_request(request):
    _last_exc.set(None)
    try:
        await _inline_array_insert(request)
        resp = await fs_server.query_request(request)
    except Exception as e:  # noqa: BLE001
        return _error("261000", f"fakesnow: {type(e).__name__}: {e}")
    body = json.loads(resp.body)
    if resp.status_code == 500:
        exc = _last_exc.get()
        detail = _describe_exc(exc) if exc else ""
        return _error(body.get("code") or "261000", (body.get("message") or "fakesnow internal error") + detail)
    if resp.status_code != 200:
        return resp
    data = body.get("data") or {}
    if isinstance(data.get("stageInfo"), dict):
        # PUT: snowflake-sdk's GCS uploader reads stageInfo.region
        data["stageInfo"].setdefault("region", "local")
        data["stageInfo"].setdefault("endPoint", None)
        return JSONResponse(body)
    if not body.get("success"):
        return resp
    if data.get("queryResultFormat") == "arrow":
        try:
            rowset = _to_json_rowset(data.pop("rowsetBase64", ""), data.get("rowtype") or [])
        except Exception as e:  # noqa: BLE001
            return _error("261000", f"fakesnow json result: {type(e).__name__}: {e}")
        data.update(queryResultFormat="json", rowset=rowset, total=len(rowset))
    if "rowset" in data:
        data.setdefault("version", 1)
        # without "returned" snowflake-sdk never completes a DML statement
        data.setdefault("returned", len(data["rowset"]))
        extra = FORMAT_PARAMS + _session_params.get(_token(request), [])
        seen = {p["name"] for p in data.get("parameters", [])}
        data["parameters"] = data.get("parameters", []) + [p for p in extra if p["name"] not in seen]
    return JSONResponse(body)


# session parameters a client sets at login that snowflake-sdk then reads back from each
# query response (fakesnow doesn't echo them), e.g. the jsTreatIntegerAsBigInt option
ECHOED_SESSION_PARAMS = ("JS_TREAT_INTEGER_AS_BIGINT",)
_session_params: dict[str, list] = {}


async def login_request(request):
    raw = await request.body()
    try:
        login = json.loads(gzip.decompress(raw) if request.headers.get("Content-Encoding") == "gzip" else raw)
        params = (login.get("data") or {}).get("SESSION_PARAMETERS") or {}
    except (ValueError, OSError, AttributeError):
        params = {}
    resp = await fs_server.login_request(request)
    body = json.loads(resp.body)
    if token := (body.get("data") or {}).get("token"):
        _session_params[token] = [{"name": k, "value": params[k]} for k in ECHOED_SESSION_PARAMS if k in params]
    for p in (body.get("data") or {}).get("parameters", []):
        if p["name"] == "CLIENT_STAGE_ARRAY_BINDING_THRESHOLD":
            # fakesnow sends 0, meaning "never stage" to the Python connector but "always
            # stage" to snowflake-sdk (whose stage binding fakesnow can't run); a huge value
            # means "never stage" to both
            p["value"] = 2**31 - 1
    return JSONResponse(body, status_code=resp.status_code)


# array binds are typed by their first row, so a null further down a FIXED column must not crash
_from_binding = fs_server.from_binding
fs_server.from_binding = lambda b: None if b.get("value") is None else _from_binding(b)


async def bucket_get(request):
    """snowflake-sdk GETs the presigned url before a PUT upload to see if the file exists."""
    root = fs_stage.LOCAL_BUCKET_PATH
    target = os.path.normpath(os.path.join(root, request.path_params["path"]))
    if target.startswith(root + os.sep) and os.path.isfile(target):
        return FileResponse(target)
    return Response(status_code=404)


@contextlib.asynccontextmanager
async def lifespan(_app):
    yield
    # graceful shutdown (SIGTERM/SIGINT): fold each WAL into its database file
    duck = fs_server.shared_fs.duck_conn
    for (name,) in duck.execute(
        "SELECT database_name FROM duckdb_databases() WHERE NOT internal AND path IS NOT NULL"
    ).fetchall():
        duck.execute(f'CHECKPOINT "{name}"')
    fs_server.logger.info("databases checkpointed")


replace = {fs_server.query_request: query_request, fs_server.login_request: login_request}
routes = [Route(r.path, replace.get(r.endpoint, r.endpoint), methods=r.methods) for r in fs_server.routes]
routes.append(Route("/fs_bucket/{path:path}", bucket_get, methods=["GET", "HEAD"]))
app = Starlette(routes=routes, lifespan=lifespan)


def main():
    _marker, port, db_dir, stage_dir = sys.argv[1:5]
    os.makedirs(db_dir, exist_ok=True)
    # stage definitions are in memory, so files staged by an earlier run are orphans
    shutil.rmtree(stage_dir, ignore_errors=True)
    os.makedirs(stage_dir)
    with contextlib.suppress(OSError):
        os.rmdir(fs_stage.LOCAL_BUCKET_PATH)  # the empty temp dir fakesnow made on import
    fs_stage.LOCAL_BUCKET_PATH = os.path.abspath(stage_dir)

    nop = [r"\s*ALTER\s+SESSION\s+(UN)?SET\s+QUERY_TAG\b"]
    nop += [r for r in os.environ.get("FAKESNOW_NOP_REGEXES", "").splitlines() if r.strip()]
    fs = FakeSnow(db_path=db_dir, nop_regexes=nop)
    # re-attach the databases of earlier runs (fakesnow only attaches on CREATE DATABASE or
    # on a login naming the database)
    for f in sorted(os.listdir(db_dir)):
        if f.endswith(".db"):
            fs.connect(f[:-3]).close()
    fs_server.shared_fs = fs

    uvicorn.run(
        app, host="127.0.0.1", port=int(port), log_level="info", access_log=os.environ.get("FAKESNOW_ACCESS_LOG") == "1"
    )


main()
PY

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
    SNOWFLAKE_DISABLE_PLATFORM_DETECTION=true nohup setsid "$PY" -c "$LAUNCHER" \
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
