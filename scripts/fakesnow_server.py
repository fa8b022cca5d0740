#!/usr/bin/env python3
"""fakesnow's HTTP server with the compatibility shims the drivers need (test tooling).

Started by scripts/fakesnow.sh, which documents the environment and the state folders:

    .venv/bin/python scripts/fakesnow_server.py MARKER PORT DBDIR STAGEDIR

MARKER is only there so the script can recognise its own process; PORT the loopback port;
DBDIR the folder of the persistent DuckDB files (one per database); STAGEDIR the folder
holding staged (PUT) files, emptied at start because stage definitions live in memory.
"""

from __future__ import annotations

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
import uuid
import warnings

warnings.filterwarnings("ignore", message="Arrow output on a DB-API result")

import pyarrow as pa  # noqa: E402
import uvicorn  # noqa: E402
from starlette.applications import Starlette  # noqa: E402
from starlette.responses import FileResponse, JSONResponse, Response  # noqa: E402
from starlette.routing import Route  # noqa: E402

import fakesnow.copy_into as fs_copy_into  # noqa: E402
import fakesnow.server as fs_server  # noqa: E402
import fakesnow.transforms as fs_transforms  # noqa: E402
import fakesnow.transforms.transforms as fs_transforms_mod  # noqa: E402
import fakesnow.transforms.stage as fs_stage  # noqa: E402
from fakesnow.cursor import FakeSnowflakeCursor  # noqa: E402
from fakesnow.instance import FakeSnow  # noqa: E402
from sqlglot import exp as sqlglot_exp  # noqa: E402

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


# ---- transform a multi-row INSERT once per row shape -----------------------------------------
# The array-bind rewrite above sends INSERT ... VALUES with one tuple of ? per row; fakesnow then
# walks its ~75 transforms over every tuple. Placeholders are never rewritten by them, so
# transform one tuple and repeat it: same SQL, a fraction of the time.
_transform = FakeSnowflakeCursor._transform


def _is_placeholder_tuple(node):
    return isinstance(node, sqlglot_exp.Tuple) and all(
        isinstance(e, sqlglot_exp.Placeholder) for e in node.expressions
    )


def _transform_placeholder_rows_once(self, expression, params):
    values = expression.expression if isinstance(expression, sqlglot_exp.Insert) else None
    if isinstance(values, sqlglot_exp.Values) and len(values.expressions) > 1:
        rows = values.expressions
        if all(_is_placeholder_tuple(row) for row in rows):
            original = expression.copy()
            values.set("expressions", [rows[0].copy()])
            transformed = _transform(self, expression, params)
            out = transformed.expression if isinstance(transformed, sqlglot_exp.Insert) else None
            if isinstance(out, sqlglot_exp.Values) and len(out.expressions) == 1 and _is_placeholder_tuple(
                out.expressions[0]
            ):
                out.set("expressions", rows)
                return transformed
            return _transform(self, original, params)
    return _transform(self, expression, params)


FakeSnowflakeCursor._transform = _transform_placeholder_rows_once  # noqa: SLF001


# ---- MERGE inside an explicit transaction ------------------------------------------------
# fakesnow runs MERGE as CREATE TEMPORARY TABLE merge_candidates + UPDATE/DELETE/INSERT. The
# CREATE counts as DDL: its bookkeeping (table comments, text lengths) writes to fakesnow's
# global catalog, which DuckDB refuses inside a transaction that already wrote the database,
# and without autocommit it would commit the caller's transaction half way. Snowflake runs
# MERGE as one DML statement inside the transaction: build the helper table there, as is.
_execute = FakeSnowflakeCursor._execute


def _execute_in_transaction(self, transformed, params=None):
    table = transformed.find(sqlglot_exp.Table) if isinstance(transformed, sqlglot_exp.Create) else None
    if table is not None and table.name.lower() == "merge_candidates":
        self._duck_conn.execute(transformed.sql(dialect="duckdb"), params)  # noqa: SLF001
        self._arrow_table = self._duck_conn.to_arrow_table()  # noqa: SLF001
        self._arrow_table_fetch_index = None
        self._rowcount = self._arrow_table.num_rows
        self._sfqid = str(uuid.uuid4())
        return
    _execute(self, transformed, params)


FakeSnowflakeCursor._execute = _execute_in_transaction  # noqa: SLF001


# ---- exact SUM/AVG over NUMBER -----------------------------------------------------------
# fakesnow wraps the argument of SUM, AVG, ... in TRY_CAST(... AS DOUBLE) to mimic Snowflake's
# implicit VARCHAR-to-number cast, which turns the sum of a NUMBER(18,2) column into a FLOAT.
# Snowflake sums NUMBER exactly (NUMBER(38,s)); keep the cast for string literals only.
_numeric_agg_implicit_cast = fs_transforms.numeric_agg_implicit_cast


def _numeric_agg_keep_numbers(expression):
    if isinstance(expression, fs_transforms_mod._NUMERIC_ONLY_AGGS):  # noqa: SLF001
        arg = expression.this
        if not (isinstance(arg, sqlglot_exp.Literal) and arg.is_string):
            return expression
    return _numeric_agg_implicit_cast(expression)


fs_transforms.numeric_agg_implicit_cast = _numeric_agg_keep_numbers


# ---- COPY INTO a table of 11+ columns ----------------------------------------------------
# fakesnow selects a CSV's columns as column0, column1, ..., but DuckDB zero-pads the names of
# a file with more than 10 columns (column00 ... column10), so such a COPY fails to bind.
_inserts = fs_copy_into._inserts  # noqa: SLF001
_COLUMN_N = re.compile(r"^column(\d+)$")


def _inserts_padded(*args, **kwargs):
    inserts = _inserts(*args, **kwargs)
    for insert in inserts:
        select = insert.expression
        if not isinstance(select, sqlglot_exp.Select):
            continue
        names = [c.name for c in select.expressions if isinstance(c, sqlglot_exp.Column)]
        if len(names) != len(select.expressions) or not all(_COLUMN_N.match(n) for n in names):
            continue
        width = len(str(len(names) - 1))
        select.set(
            "expressions",
            [sqlglot_exp.column(f"column{int(_COLUMN_N.match(n)[1]):0{width}d}") for n in names],
        )
    return inserts


fs_copy_into._inserts = _inserts_padded  # noqa: SLF001


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


if __name__ == "__main__":
    main()
