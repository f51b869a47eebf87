#!/usr/bin/env bash
# The whole suite on SQLite, then again on a throwaway PostgreSQL cluster.
set -euo pipefail
PY=${PY:-.venv/bin/python}
echo "== pytest on SQLite"
"$PY" -m pytest "$@"
echo "== pytest on PostgreSQL"
URL=$(scripts/pg-test.sh start | tail -n 1)
trap 'scripts/pg-test.sh stop' EXIT
PANTAU_TEST_DATABASE_URL="$URL" "$PY" -m pytest "$@"
