#!/usr/bin/env bash
# Installs what the tests, benchmarks and the demo need beyond `npm ci`, idempotently:
#   - Debian packages: kcat (raw-consumption baseline, outside producer), chromium (dashboard tests)
#     and faketime (scripts/clock-check.sh runs the clock-sensitive tests at fixed instants)
#   - the Apache Kafka jars, from Maven Central (scripts/kafka.sh fetch)
#   - the Python virtualenv with dbt and fakesnow (scripts/pyenv.sh)
#   - the Airflow virtualenv for the DAG tests of examples/airflow (scripts/airflow-env.sh)
#   - the Docker Compose v2 client that validates docker-compose.yml (scripts/compose.sh)
# Usage: scripts/setup.sh [--no-apt]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

want_apt=1
for arg in "$@"; do
  case "$arg" in
    --no-apt) want_apt=0 ;;
    *) echo "setup: unknown option $arg" >&2; exit 2 ;;
  esac
done

missing=()
command -v kcat >/dev/null 2>&1 || missing+=(kcat)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v faketime >/dev/null 2>&1 || missing+=(faketime)
if [ "$want_apt" = 1 ] && [ ${#missing[@]} -gt 0 ]; then
  sudo_cmd=()
  [ "$(id -u)" = 0 ] || sudo_cmd=(sudo)
  echo "setup: installing Debian packages: ${missing[*]}"
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

[ -x "$root/scripts/kafka.sh" ] && bash "$root/scripts/kafka.sh" fetch
[ -x "$root/scripts/pyenv.sh" ] && bash "$root/scripts/pyenv.sh" >/dev/null
[ -x "$root/scripts/airflow-env.sh" ] && bash "$root/scripts/airflow-env.sh" >/dev/null
[ -x "$root/scripts/compose.sh" ] && bash "$root/scripts/compose.sh" version >/dev/null
echo "setup: ready"
