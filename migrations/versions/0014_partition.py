"""PostgreSQL: `mentions` partitioned by month of `created_at`; dedupe through `mention_keys`

SQLite: nothing changes (the migration is a no-op there; `mentions` keeps UNIQUE (platform,
external_id) and its foreign keys).

PostgreSQL, in one transaction (the sync worker should be stopped; minutes of write downtime at
10M mentions):
- `mentions` becomes `PARTITION BY RANGE (created_at)`: one partition per calendar month (UTC),
  `mentions_pYYYYMM`, for every month holding mentions plus this month and three ahead, and
  `mentions_default` for anything outside them. The primary key becomes (id, created_at); `id` keeps
  its sequence `mentions_id_seq`, so every mention id is unchanged. Every other index of the old
  table is declared again on the parent (it exists on each partition).
- A unique key on a partitioned table must contain the partition key, so UNIQUE (platform,
  external_id) moves to `mention_keys (platform, external_id) PRIMARY KEY, mention_id UNIQUE,
  created_at`. Triggers on `mentions` keep it in step: BEFORE INSERT adds each new mention's key
  in the same statement, so every path that writes mentions (the store step, the ORM, COPY, raw SQL)
  keeps the old guarantee: a second mention with the same (platform, external_id), whatever its
  created_at, fails with a unique violation; DELETE, TRUNCATE and a change of the key columns follow.
  The store step writes key and mention in one statement itself (lib/ingest.py) and tells the
  insert trigger to stand aside meanwhile (`pantau.mention_keys`, read by the trigger's WHEN).
- References: `mention_targets (mention_id, created_at)` → `mentions (id, created_at)` ON DELETE
  CASCADE ON UPDATE CASCADE; `corrections` and `ticket_links` (no created_at) → `mention_keys
  (mention_id)`, which exists exactly while the mention does. Deleting a mention thus removes its
  key and targets, and is refused while a correction or ticket link points at it, as before.
Downgrade copies the rows back into a plain table and restores the old constraints.

Revision ID: 0014_partition
Revises: 0013_scale
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import sqlalchemy as sa
from alembic import op

revision = "0014_partition"
down_revision = "0013_scale"
branch_labels = None
depends_on = None

AHEAD = 3  # months created beyond the current one; `python -m lib.partitions ensure` keeps it so


def _month(d: date, add: int = 0) -> date:
    n = d.year * 12 + d.month - 1 + add
    return date(n // 12, n % 12 + 1, 1)


def _partition_sql(month: date) -> str:
    return (f"CREATE TABLE mentions_p{month:%Y%m} PARTITION OF mentions_part "
            f"FOR VALUES FROM ('{month:%Y-%m-%d} 00:00:00+00') TO ('{_month(month, 1):%Y-%m-%d} 00:00:00+00')")


# `mention_keys` follows `mentions` through triggers rather than a foreign key: a foreign key from
# the keys to the partitioned table costs a lookup per stored mention (measured: the store step at
# ~0.4x its speed), the BEFORE INSERT trigger one index insert.
KEY_TRIGGERS = [
    """CREATE FUNCTION mentions_key_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- A row moved to another month's partition arrives here as an insert with its key still there.
    INSERT INTO mention_keys (platform, external_id, mention_id, created_at)
    VALUES (NEW.platform, NEW.external_id, NEW.id, NEW.created_at)
    ON CONFLICT (platform, external_id) DO UPDATE SET created_at = EXCLUDED.created_at
    WHERE mention_keys.mention_id = EXCLUDED.mention_id;
    IF NOT FOUND THEN
        RAISE unique_violation USING
            MESSAGE = 'duplicate key value violates unique constraint "mention_keys_pkey"',
            DETAIL = format('Key (platform, external_id)=(%s, %s) already exists.', NEW.platform, NEW.external_id),
            CONSTRAINT = 'mention_keys_pkey', TABLE = 'mention_keys';
    END IF;
    RETURN NEW;
END $$""",
    """CREATE FUNCTION mentions_key_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE mention_keys SET platform = NEW.platform, external_id = NEW.external_id, mention_id = NEW.id,
        created_at = NEW.created_at
    WHERE mention_id = OLD.id;
    RETURN NULL;
END $$""",
    """CREATE FUNCTION mentions_key_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- (the created_at test: a row moved to another partition has had its key updated already)
    DELETE FROM mention_keys WHERE mention_id = OLD.id AND created_at = OLD.created_at;
    RETURN NULL;
END $$""",
    """CREATE FUNCTION mentions_key_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM mention_keys;
    RETURN NULL;
END $$""",
    # The store step writes the keys in its own statement and says so for its transaction
    # (lib/ingest.py `_KEYS_WRITTEN`); the WHEN test costs no function call.
    "CREATE TRIGGER mentions_key_insert BEFORE INSERT ON mentions FOR EACH ROW "
    "WHEN (current_setting('pantau.mention_keys', true) IS DISTINCT FROM 'written') "
    "EXECUTE FUNCTION mentions_key_insert()",
    "CREATE TRIGGER mentions_key_update AFTER UPDATE OF platform, external_id, id, created_at ON mentions "
    "FOR EACH ROW WHEN (OLD.platform IS DISTINCT FROM NEW.platform OR OLD.external_id IS DISTINCT FROM NEW.external_id "
    "OR OLD.id IS DISTINCT FROM NEW.id OR OLD.created_at IS DISTINCT FROM NEW.created_at) "
    "EXECUTE FUNCTION mentions_key_update()",
    "CREATE TRIGGER mentions_key_delete AFTER DELETE ON mentions FOR EACH ROW EXECUTE FUNCTION mentions_key_delete()",
    "CREATE TRIGGER mentions_key_truncate AFTER TRUNCATE ON mentions FOR EACH STATEMENT "
    "EXECUTE FUNCTION mentions_key_truncate()",
]
KEY_FUNCTIONS = ("mentions_key_insert", "mentions_key_update", "mentions_key_delete", "mentions_key_truncate")


def _referencing(conn: sa.Connection) -> list[tuple[str, str]]:
    """(table, constraint) of every foreign key pointing at `mentions`."""
    return [(t, c) for t, c in conn.execute(sa.text(
        "SELECT conrelid::regclass::text, conname FROM pg_constraint "
        "WHERE confrelid = 'mentions'::regclass AND contype = 'f' ORDER BY 1, 2"))]


def _secondary_indexes(conn: sa.Connection) -> list[str]:
    """CREATE statements of the indexes of `mentions` that back no constraint."""
    return [d.replace(" ON ONLY ", " ON ") for (d,) in conn.execute(sa.text(
        "SELECT indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename = 'mentions' "
        "AND indexname NOT IN (SELECT conname FROM pg_constraint WHERE conrelid = 'mentions'::regclass) "
        "ORDER BY indexname"))]


def _own_fkeys() -> list[str]:
    return [
        "ALTER TABLE mentions ADD CONSTRAINT mentions_unit_id_fkey FOREIGN KEY (unit_id) REFERENCES units(id)",
        "ALTER TABLE mentions ADD CONSTRAINT mentions_account_id_fkey FOREIGN KEY (account_id) REFERENCES accounts(id)",
        "ALTER TABLE mentions ADD CONSTRAINT mentions_issue_id_fkey FOREIGN KEY (issue_id) REFERENCES issues(id)",
    ]


def upgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name != "postgresql":
        return
    ex = op.execute
    ex("LOCK TABLE mentions IN ACCESS EXCLUSIVE MODE")
    indexes = _secondary_indexes(conn)
    referencing = _referencing(conn)
    ex("CREATE TABLE mention_keys (platform varchar(20) NOT NULL, external_id varchar(64) NOT NULL, "
       "mention_id integer NOT NULL, created_at timestamptz NOT NULL, "
       "CONSTRAINT mention_keys_pkey PRIMARY KEY (platform, external_id), "
       "CONSTRAINT mention_keys_mention_id_key UNIQUE (mention_id))")
    ex("CREATE TABLE mentions_part (LIKE mentions INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING STORAGE) "
       "PARTITION BY RANGE (created_at)")
    present = [r[0] for r in conn.execute(sa.text(
        "SELECT DISTINCT date_trunc('month', created_at AT TIME ZONE 'UTC')::date FROM mentions"))]
    today = datetime.now(UTC).date()
    months = sorted(set(present) | {_month(today, k) for k in range(AHEAD + 1)})
    for month in months:
        ex(_partition_sql(month))
    ex("CREATE TABLE mentions_default PARTITION OF mentions_part DEFAULT")
    ex("INSERT INTO mentions_part SELECT * FROM mentions")
    ex("INSERT INTO mention_keys (platform, external_id, mention_id, created_at) "
       "SELECT platform, external_id, id, created_at FROM mentions")
    # The targets repeat the mention's time (lib/targets.py); make sure before the composite key relies on it.
    ex("UPDATE mention_targets t SET created_at = m.created_at FROM mentions m "
       "WHERE m.id = t.mention_id AND t.created_at IS DISTINCT FROM m.created_at")
    for table, name in referencing:
        ex(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    ex("ALTER SEQUENCE mentions_id_seq OWNED BY NONE")
    ex("DROP TABLE mentions")
    ex("ALTER TABLE mentions_part RENAME TO mentions")
    ex("ALTER SEQUENCE mentions_id_seq OWNED BY mentions.id")
    ex("ALTER TABLE mentions ADD CONSTRAINT mentions_pkey PRIMARY KEY (id, created_at)")
    for statement in _own_fkeys() + indexes:
        ex(statement)
    for statement in KEY_TRIGGERS:
        ex(statement)
    ex("ALTER TABLE mention_targets ADD CONSTRAINT mention_targets_mention_id_fkey FOREIGN KEY (mention_id, created_at) "
       "REFERENCES mentions (id, created_at) ON DELETE CASCADE ON UPDATE CASCADE")
    ex("ALTER TABLE corrections ADD CONSTRAINT corrections_mention_id_fkey FOREIGN KEY (mention_id) "
       "REFERENCES mention_keys (mention_id)")
    ex("ALTER TABLE ticket_links ADD CONSTRAINT ticket_links_mention_id_fkey FOREIGN KEY (mention_id) "
       "REFERENCES mention_keys (mention_id)")
    ex("ANALYZE mentions")
    ex("ANALYZE mention_keys")


def downgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name != "postgresql":
        return
    ex = op.execute
    ex("LOCK TABLE mentions IN ACCESS EXCLUSIVE MODE")
    indexes = _secondary_indexes(conn)
    ex("CREATE TABLE mentions_plain (LIKE mentions INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING STORAGE)")
    ex("INSERT INTO mentions_plain SELECT * FROM mentions")
    for table, name in [("corrections", "corrections_mention_id_fkey"), ("ticket_links", "ticket_links_mention_id_fkey"),
                        ("mention_targets", "mention_targets_mention_id_fkey")]:
        ex(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    ex("DROP TABLE mention_keys")
    ex("ALTER SEQUENCE mentions_id_seq OWNED BY NONE")
    ex("DROP TABLE mentions")  # its partitions and triggers with it
    for name in KEY_FUNCTIONS:
        ex(f"DROP FUNCTION {name}()")
    ex("ALTER TABLE mentions_plain RENAME TO mentions")
    ex("ALTER SEQUENCE mentions_id_seq OWNED BY mentions.id")
    ex("ALTER TABLE mentions ADD CONSTRAINT mentions_pkey PRIMARY KEY (id)")
    ex("ALTER TABLE mentions ADD CONSTRAINT mentions_platform_external_id_key UNIQUE (platform, external_id)")
    for statement in _own_fkeys() + indexes:
        ex(statement)
    ex("ALTER TABLE mention_targets ADD CONSTRAINT mention_targets_mention_id_fkey FOREIGN KEY (mention_id) "
       "REFERENCES mentions (id) ON DELETE CASCADE")
    ex("ALTER TABLE corrections ADD CONSTRAINT corrections_mention_id_fkey FOREIGN KEY (mention_id) "
       "REFERENCES mentions (id)")
    ex("ALTER TABLE ticket_links ADD CONSTRAINT ticket_links_mention_id_fkey FOREIGN KEY (mention_id) "
       "REFERENCES mentions (id)")
    ex("ANALYZE mentions")
