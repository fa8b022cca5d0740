#!/usr/bin/env python3
"""Run SQL against the local fakesnow server (scripts/fakesnow.sh) and print the rows as JSON.

Usage:
    .venv/bin/python scripts/fakesnow_query.py "SELECT * FROM DB.SCHEMA.T"
    echo "SELECT 1 AS X" | .venv/bin/python scripts/fakesnow_query.py
    scripts/fakesnow.sh query --database ORDERS --schema RAW "SELECT COUNT(*) AS N FROM FACT_ORDER"

SQL comes from the arguments (joined by spaces) or, when there are none, from stdin. Several
statements separated by ';' run in order on one session; the rows of the last one are printed
as a JSON array of objects keyed by column name (--jsonl: one object per line). Values: NUMBER
with scale 0 -> integer, other NUMBER -> string (exact), FLOAT -> number, VARIANT/OBJECT/ARRAY
-> parsed JSON, DATE/TIME/TIMESTAMP -> ISO 8601 string, BINARY -> hex string.

Connection: host FAKESNOW_HOST (default 127.0.0.1), port FAKESNOW_PORT, else the port that
scripts/fakesnow.sh wrote to <repo>/.cache/fakesnow/port, else 8765. Exit status 1 on a SQL or
connection error (message on stderr).
"""

from __future__ import annotations

import argparse
import datetime as dt
import decimal
import json
import os
import sys
from pathlib import Path

# the connector would otherwise probe cloud metadata endpoints at login
os.environ.setdefault("SNOWFLAKE_DISABLE_PLATFORM_DETECTION", "true")

import snowflake.connector  # noqa: E402
from snowflake.connector.constants import FIELD_ID_TO_NAME  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parent.parent
JSON_TYPES = {"VARIANT", "OBJECT", "ARRAY"}


def default_port() -> int:
    if port := os.environ.get("FAKESNOW_PORT"):
        return int(port)
    cache = Path(os.environ.get("FAKESNOW_HOME_CACHE", REPO_ROOT / ".cache" / "fakesnow"))
    try:
        return int((cache / "port").read_text().strip())
    except (OSError, ValueError):
        return 8765


def to_json_value(value: object, type_name: str, scale: int | None) -> object:
    if value is None:
        return None
    if type_name in JSON_TYPES and isinstance(value, str):
        return json.loads(value)
    if isinstance(value, decimal.Decimal):
        return int(value) if (scale or 0) == 0 else format(value, "f")
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, (bytes, bytearray)):
        return value.hex()
    return value


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sql", nargs="*", help="SQL text (default: read stdin)")
    parser.add_argument("--host", default=os.environ.get("FAKESNOW_HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=None)
    parser.add_argument("--database", help="session database")
    parser.add_argument("--schema", help="session schema")
    parser.add_argument("--jsonl", action="store_true", help="one JSON object per line")
    args = parser.parse_args(argv)

    sql = " ".join(args.sql) if args.sql else sys.stdin.read()
    if not sql.strip():
        parser.error("no SQL given")

    try:
        conn = snowflake.connector.connect(
            account="fakesnow",
            user="fake",
            password="snow",
            host=args.host,
            port=args.port or default_port(),
            protocol="http",
            database=args.database,
            schema=args.schema,
            session_parameters={"CLIENT_OUT_OF_BAND_TELEMETRY_ENABLED": False},
            login_timeout=10,
            network_timeout=30,
        )
    except Exception as e:  # noqa: BLE001
        print(f"fakesnow_query: cannot connect: {e}", file=sys.stderr)
        return 1

    try:
        cursors = conn.execute_string(sql, remove_comments=True)
        if not cursors:
            rows: list[dict] = []
        else:
            cur = cursors[-1]
            cols = [
                (d.name, FIELD_ID_TO_NAME.get(d.type_code, ""), d.scale) for d in cur.description or []
            ]
            rows = [
                {name: to_json_value(v, type_name, scale) for (name, type_name, scale), v in zip(cols, row)}
                for row in cur.fetchall()
            ]
    except snowflake.connector.Error as e:
        print(f"fakesnow_query: {e}", file=sys.stderr)
        return 1
    finally:
        conn.close()

    if args.jsonl:
        for row in rows:
            print(json.dumps(row, default=str))
    else:
        print(json.dumps(rows, default=str, indent=None))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
