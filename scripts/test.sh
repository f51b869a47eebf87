#!/usr/bin/env bash
# The whole suite on SQLite, then again on a throwaway PostgreSQL cluster.
set -euo pipefail
PY=${PY:-.venv/bin/python}
echo "== pytest on SQLite"
"$PY" -m pytest "$@"
echo "== pytest on PostgreSQL"
# A cluster directory of our own: two suites running at once (two worktrees, CI jobs) must not
# stop each other's server.
PANTAU_PG_DIR=$(mktemp -d /tmp/pantau-pg-XXXXXX)
export PANTAU_PG_DIR
URL=$(scripts/pg-test.sh start | tail -n 1)
trap 'scripts/pg-test.sh stop' EXIT
# tests that never open the test database ran above already; conftest deselects them here
PANTAU_TEST_DATABASE_URL="$URL" "$PY" -m pytest "$@"
