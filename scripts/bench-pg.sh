#!/usr/bin/env bash
# The benchmarks on a throwaway PostgreSQL cluster (default: 100k, 1M and 10M mentions).
set -euo pipefail
PY=${PY:-.venv/bin/python}
PANTAU_PG_DIR=$(mktemp -d /tmp/pantau-pg-XXXXXX)
export PANTAU_PG_DIR
URL=$(scripts/pg-test.sh start | tail -n 1)
trap 'scripts/pg-test.sh stop' EXIT
# shellcheck disable=SC2086
"$PY" -m bench.run --url "$URL" --sizes "${BENCH_SIZES:-100000,1000000,10000000}" \
  --markdown bench/last-run-pg.md ${BENCH_ARGS:-}
