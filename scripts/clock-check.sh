#!/usr/bin/env bash
# Runs the clock-sensitive unit tests with the machine's clock set (libfaketime) to the instants
# where calendar logic breaks first: a Monday 00:30 UTC (a few minutes into a UTC week and day,
# still Sunday evening in São Paulo) and a Sunday 23:59 UTC (the last minute of a UTC week). A test
# that reads the real weekday, hour or date instead of its fixed clock fails here on any day.
# Monotonic time stays real, so timers behave. Usage: scripts/clock-check.sh [vitest filters...]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if ! command -v faketime >/dev/null 2>&1; then
  echo "clock-check: faketime is not installed (apt-get install faketime; scripts/setup.sh does)" >&2
  exit 1
fi

filters=("$@")
if [ ${#filters[@]} -eq 0 ]; then
  filters=(
    packages/core/src/alerts
    packages/core/src/time
    packages/core/src/metrics
    packages/core/src/generator/order-event-stream.test.ts
    packages/core/src/events
    packages/core/src/retry
    packages/kafka/src/sink
    packages/kafka/src/replay
    examples/dashboard/src
    examples/pipeline/src/demo
    examples/pipeline/src/metrics
    examples/custom-consumer/src
  )
fi

for instant in '2026-12-07 00:30:00' '2026-12-13 23:59:00'; do
  echo "clock-check: $instant UTC"
  TZ=UTC FAKETIME_DONT_FAKE_MONOTONIC=1 faketime "$instant" \
    npx vitest run --project unit --reporter=dot "${filters[@]}"
done
