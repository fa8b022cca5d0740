#!/usr/bin/env bash
# Create/refresh the project's Python virtualenv at <repo>/.venv and print its path.
#
#   scripts/pyenv.sh            # idempotent; safe to run from any directory
#   VENV=$(scripts/pyenv.sh)    # stdout is only the venv path; progress goes to stderr
#
# Installs dbt_transform/requirements.txt and scripts/requirements-test.txt. The install
# is skipped when the stamp file in the venv matches the hash of both requirements files
# and the interpreter version. Set PYTHON to choose the interpreter (default: python3,
# must be >= 3.11). PYENV_FORCE=1 reinstalls even when the stamp matches.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
PYTHON="${PYTHON:-python3}"
REQS=("$ROOT/dbt_transform/requirements.txt" "$ROOT/scripts/requirements-test.txt")
STAMP="$VENV/.requirements.sha256"

log() { printf 'pyenv: %s\n' "$*" >&2; }

if ! command -v "$PYTHON" >/dev/null 2>&1; then
  log "interpreter '$PYTHON' not found (set PYTHON=...)"
  exit 1
fi
if ! "$PYTHON" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)'; then
  log "$("$PYTHON" -V 2>&1) is too old: Python >= 3.11 is required"
  exit 1
fi

mkdir -p "$VENV"
# serialise concurrent runs (e.g. parallel test jobs) on the same checkout
if command -v flock >/dev/null 2>&1; then
  exec 9>"$VENV/.lock"
  flock 9
fi

# (re)create the venv when missing or broken (e.g. the base interpreter moved)
if ! "$VENV/bin/python" -c 'import sys' >/dev/null 2>&1; then
  log "creating $VENV"
  find "$VENV" -mindepth 1 -maxdepth 1 ! -name .lock -exec rm -rf {} +
  "$PYTHON" -m venv "$VENV"
fi

want="$( { "$VENV/bin/python" -c 'import sys; print(sys.version)'; cat "${REQS[@]}"; } \
  | "$VENV/bin/python" -c 'import hashlib, sys; print(hashlib.sha256(sys.stdin.buffer.read()).hexdigest())')"

if [[ "${PYENV_FORCE:-0}" != 1 && -f "$STAMP" && "$(cat "$STAMP")" == "$want" ]]; then
  log "requirements unchanged, skipping install"
else
  rm -f "$STAMP"
  export PIP_DISABLE_PIP_VERSION_CHECK=1
  log "upgrading pip"
  "$VENV/bin/python" -m pip install -q --upgrade pip >&2
  log "installing ${REQS[*]#"$ROOT/"}"
  start=$SECONDS
  "$VENV/bin/python" -m pip install -q "${REQS[@]/#/-r}" >&2
  log "installed in $((SECONDS - start))s"
  printf '%s\n' "$want" >"$STAMP"
fi

printf '%s\n' "$VENV"
