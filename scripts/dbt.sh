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
exec "$DBT" "$@"
