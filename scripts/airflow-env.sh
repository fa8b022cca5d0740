#!/usr/bin/env bash
# Create/refresh the Airflow virtualenv at <repo>/.venv-airflow (for the DAG tests of
# examples/airflow) and print its path. Kept apart from .venv: Airflow pins its own versions of
# libraries dbt also uses.
#
#   scripts/airflow-env.sh            # idempotent; safe to run from any directory
#   VENV=$(scripts/airflow-env.sh)    # stdout is only the venv path; progress goes to stderr
#
# Installs examples/airflow/requirements.txt under examples/airflow/constraints.txt. The install
# is skipped when the stamp file in the venv matches the hash of both files and the interpreter
# version. PYTHON chooses the interpreter (default: python3, >= 3.10); PYENV_FORCE=1 reinstalls.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv-airflow"
PYTHON="${PYTHON:-python3}"
REQS="$ROOT/examples/airflow/requirements.txt"
CONSTRAINTS="$ROOT/examples/airflow/constraints.txt"
STAMP="$VENV/.requirements.sha256"

log() { printf 'airflow-env: %s\n' "$*" >&2; }

if ! command -v "$PYTHON" >/dev/null 2>&1; then
  log "interpreter '$PYTHON' not found (set PYTHON=...)"
  exit 1
fi
if ! "$PYTHON" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else 1)'; then
  log "$("$PYTHON" -V 2>&1) is too old: Python >= 3.10 is required"
  exit 1
fi

mkdir -p "$VENV"
if command -v flock >/dev/null 2>&1; then
  exec 9>"$VENV/.lock"
  flock 9
fi

if ! "$VENV/bin/python" -c 'import sys' >/dev/null 2>&1; then
  log "creating $VENV"
  find "$VENV" -mindepth 1 -maxdepth 1 ! -name .lock -exec rm -rf {} +
  "$PYTHON" -m venv "$VENV"
fi

want="$( { "$VENV/bin/python" -c 'import sys; print(sys.version)'; cat "$REQS" "$CONSTRAINTS"; } \
  | "$VENV/bin/python" -c 'import hashlib, sys; print(hashlib.sha256(sys.stdin.buffer.read()).hexdigest())')"

if [[ "${PYENV_FORCE:-0}" != 1 && -f "$STAMP" && "$(cat "$STAMP")" == "$want" ]]; then
  log "requirements unchanged, skipping install"
else
  rm -f "$STAMP"
  export PIP_DISABLE_PIP_VERSION_CHECK=1
  log "installing ${REQS#"$ROOT/"} (constraints ${CONSTRAINTS#"$ROOT/"})"
  start=$SECONDS
  "$VENV/bin/python" -m pip install -q -r "$REQS" -c "$CONSTRAINTS" >&2
  log "installed in $((SECONDS - start))s"
  printf '%s\n' "$want" >"$STAMP"
fi

printf '%s\n' "$VENV"
