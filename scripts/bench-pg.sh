#!/usr/bin/env bash
# The benchmarks on a throwaway PostgreSQL cluster (default: 100k, 1M and 10M mentions).
# BENCH_PG_DIR=/some/dir keeps the cluster there (halted after the run, not deleted); a later run with
# the same BENCH_PG_DIR and BENCH_ARGS="--reuse ..." measures the loaded data again without reloading.
set -euo pipefail
PY=${PY:-.venv/bin/python}
if [ -n "${BENCH_PG_DIR:-}" ]; then
  PANTAU_PG_DIR=$BENCH_PG_DIR
  export PANTAU_PG_DIR
  if [ -f "$PANTAU_PG_DIR/url" ]; then URL=$(scripts/pg-test.sh resume | tail -n 1); else
    URL=$(scripts/pg-test.sh start | tail -n 1); fi
  trap 'scripts/pg-test.sh halt' EXIT
else
  PANTAU_PG_DIR=$(mktemp -d /tmp/pantau-pg-XXXXXX)
  export PANTAU_PG_DIR
  URL=$(scripts/pg-test.sh start | tail -n 1)
  trap 'scripts/pg-test.sh stop' EXIT
fi
# shellcheck disable=SC2086
"$PY" -m bench.run --url "$URL" --sizes "${BENCH_SIZES:-100000,1000000,10000000}" \
  --markdown bench/last-run-pg.md ${BENCH_ARGS:-}
