#!/usr/bin/env bash
# Run dbt on the project in dbt_transform/ with the repo's Python venv.
#
#   scripts/dbt.sh build                       # = npm run dbt -- build
#   scripts/dbt.sh compile --target snowflake
#   ORDERSTREAM_DUCKDB_PATH=/path/to/file.duckdb scripts/dbt.sh build --select marts
#
# Creates/refreshes the venv (scripts/pyenv.sh, a no-op when up to date), points
# DBT_PROFILES_DIR at dbt_transform/ (profiles.yml reads everything from env vars), makes
# ORDERSTREAM_DUCKDB_PATH absolute (default: <repo>/data/orderstream.duckdb, the pipeline's
# database file) and runs `dbt "$@"` inside the project.
#
# DuckDB allows one read-write process per file: stop the pipeline (or close its warehouse)
# before building against its database file, as core's runDbt() documents.
# DBT_EXECUTABLE overrides the dbt binary (default: the venv's).
#
# DBT_FAKESNOW=1 runs dbt inside fakesnow's in-process Snowflake emulator (the venv's
# `fakesnow -m dbt.cli.main`), so `DBT_FAKESNOW=1 scripts/dbt.sh compile --target snowflake`
# needs no Snowflake account and no emulator server (CI does this). To use the emulator
# server instead: `scripts/fakesnow.sh start`, then SNOWFLAKE_HOST=127.0.0.1
# SNOWFLAKE_PORT=<its port> SNOWFLAKE_PROTOCOL=http with any account/user/password.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PROJECT="$ROOT/dbt_transform"

if [[ -n "${DBT_EXECUTABLE:-}" ]]; then
  DBT="$DBT_EXECUTABLE"
else
  VENV="$(bash "$ROOT/scripts/pyenv.sh")"
  DBT="$VENV/bin/dbt"
fi

export DBT_PROFILES_DIR="${DBT_PROFILES_DIR:-$PROJECT}"
db_path="${ORDERSTREAM_DUCKDB_PATH:-$ROOT/data/orderstream.duckdb}"
# relative paths are relative to where the caller stands, not to the project folder
case "$db_path" in
  /* | :memory: | md:*) ;;
  *) db_path="$PWD/$db_path" ;;
esac
export ORDERSTREAM_DUCKDB_PATH="$db_path"

cd "$PROJECT"
if [[ "${DBT_FAKESNOW:-0}" == 1 ]]; then
  export SNOWFLAKE_ACCOUNT="${SNOWFLAKE_ACCOUNT:-fakesnow}" SNOWFLAKE_USER="${SNOWFLAKE_USER:-fake}"
  export SNOWFLAKE_PASSWORD="${SNOWFLAKE_PASSWORD:-snow}" PYTHONWARNINGS="${PYTHONWARNINGS:-ignore}"
  # one connection: the in-process emulator races when several attach the database at once
  export DBT_THREADS=1
  unset SNOWFLAKE_HOST SNOWFLAKE_PORT SNOWFLAKE_PROTOCOL
  exec "$(dirname "$DBT")/fakesnow" -m dbt.cli.main "$@"
fi
exec "$DBT" "$@"
