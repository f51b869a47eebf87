"""Command-room figures per unit and rolled up Polsek → Polres → Polda → national, for any period.

Modules: `sql` (periods, SLA policy, local days, SQL helpers; also used by `lib.daily`), `counts`
(per-unit counts and the roll-up), `percentiles`, `histogram` (percentiles from stored
histograms), `trends`, `dashboards` (what the pages read). The
names below are re-exported here, so callers import from `lib.metrics`.

Everything is a SQL aggregate over an index; only per-unit (or per-unit-and-bucket) or per-day rows
come back to Python:

- `unit_counts`: whole local days from `daily_counts` (lib/daily.py), the partial days at the
  period's edges scanned live grouped by unit and zone-boundary bucket (mentions, today in each
  unit's own zone, answered, answered within the unit's SLA, negative), plus one scan of the open
  backlog (a partial index), grouped by unit. Counts are additive, so they roll up the tree
  (`rolled_up`, through each unit's ancestor ids) in linear time.
- `response_percentiles`: median and 90th percentile of first-response time, exact, with window
  functions (`row_number` over the sorted response seconds). Percentiles do not add up, so each
  grouping (national, per Polda, per Polres, per day) is its own query.
- The dashboards take the percentiles exactly (`response_times` + `percentiles_of`) while the
  scope's period holds at most `dashboards.EXACT_LIMIT` answered mentions, and otherwise from the
  stored per-unit-subtree, per-day histograms (`histogram`: within max(1 minute, 2 %) of the exact
  figure, at a cost that grows with units × days, not with mentions).
- `verified_compliance`: per unit, whether it holds a verified account on every mandated platform.

Definitions (the same on SQLite and PostgreSQL):
- response time: whole seconds between `created_at` and `answered_at` (both truncated to the second);
- unanswered: `lib.mentions.unanswered_clause()`, counted as of now over all time (the backlog does
  not disappear when the period moves on); overdue: unanswered and older than the unit's SLA;
  over the hard limit: unanswered and older than the national hard limit (24 hours by default);
- within-SLA share: mentions of the period answered within their unit's SLA, over the period's
  mentions that are no longer pending (pending = still open, unanswered and younger than the SLA);
- "today" and trend days are calendar days in each unit's own zone (WIB, WITA, WIT).
- a mention tagging several units (lib/targets.py) counts for each of them on its own SLA and
  zone, and once in any total over several units (`overlap`).
"""

from lib.metrics.counts import COUNT_COLUMNS, rolled_up, unit_counts, units_frame, verified_compliance
from lib.metrics.dashboards import (
    Dashboard,
    Overview,
    dashboard,
    last_sync,
    league,
    league_level,
    overview,
    per_unit,
    polres_choices,
    rollup,
    unanswered_by_polsek,
)
from lib.metrics.percentiles import percentiles_of, response_percentiles, response_times, unit_ancestors
from lib.metrics.sql import (
    GROUP_LEVELS,
    UTC,
    Period,
    SlaPolicy,
    ZoneSplit,
    local_day,
    local_midnight_utc,
    response_seconds,
    split,
)
from lib.metrics.trends import daily_trend
from lib.models import utcnow

__all__ = [
    "COUNT_COLUMNS", "GROUP_LEVELS", "UTC", "Dashboard", "Overview", "Period", "SlaPolicy", "ZoneSplit",
    "daily_trend", "dashboard", "last_sync", "league", "league_level", "local_day", "local_midnight_utc",
    "overview", "per_unit", "percentiles_of", "polres_choices", "response_percentiles", "response_seconds",
    "response_times", "rolled_up", "rollup", "split", "unanswered_by_polsek", "unit_ancestors", "unit_counts",
    "units_frame", "utcnow", "verified_compliance",
]
