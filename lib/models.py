"""SQLAlchemy 2.0 typed models. Times are stored in UTC and come back timezone-aware."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

# Vocabulary shared by the data layer and the views.
LEVELS = ("mabes", "polda", "polres", "polsek")
PLATFORMS = ("x", "instagram", "facebook", "tiktok", "youtube", "whatsapp", "line", "lainnya")
MANDATED_PLATFORMS = ("x", "instagram", "facebook", "tiktok")
FUNCTIONS = ("Reskrim", "Lantas", "Narkoba", "Samapta", "Propam", "Binmas", "Intelkam", "SPKT")
STATUSES = ("baru", "diteruskan", "ditangani", "selesai", "diabaikan")
OPEN_STATUSES = ("baru", "diteruskan", "ditangani")
SENTIMENTS = ("negative", "neutral", "positive")
FLAGS = ("abusive", "hate", "hoax", "urgent", "keluhan")  # keluhan: complaint about police service/conduct
# The partial index's condition; `lib.mentions.unanswered_clause()` renders exactly this.
UNANSWERED_SQL = "answered_at IS NULL AND status IN ('baru', 'diteruskan', 'ditangani')"
FLAGGED_SQL = "flags <> ''"  # the partial index of flagged mentions (0015_speed)


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Store UTC, return aware UTC datetimes on every backend (SQLite drops the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; Pantau stores timezone-aware UTC only")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    pass


class Unit(Base):
    """A Polri unit; `path` ("/1/4/17/") makes subtree queries a single indexed prefix match."""

    __tablename__ = "units"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    short_name: Mapped[str] = mapped_column(String(100))
    level: Mapped[str] = mapped_column(String(10))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    path: Mapped[str] = mapped_column(String(200), index=True)
    province: Mapped[str | None] = mapped_column(String(100))
    regions: Mapped[str | None] = mapped_column(Text)  # "; "-separated list of covered regions
    timezone: Mapped[str] = mapped_column(String(40), default="Asia/Jakarta")
    lat: Mapped[float | None]
    lon: Mapped[float | None]
    sla_minutes: Mapped[int | None]  # None: the national default from settings
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    parent: Mapped[Unit | None] = relationship(remote_side="Unit.id")
    accounts: Mapped[list[Account]] = relationship(back_populates="unit")


class Account(Base):
    """One official account of a unit on one platform, handle stored exactly as entered."""

    __tablename__ = "accounts"
    __table_args__ = (UniqueConstraint("platform", "handle"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    platform: Mapped[str] = mapped_column(String(20))
    handle: Mapped[str] = mapped_column(String(100))
    platform_user_id: Mapped[str | None] = mapped_column(String(40))
    verified: Mapped[bool | None]  # None: not checked yet
    verified_type: Mapped[str | None] = mapped_column(String(20))  # blue/business/government/none
    followers: Mapped[int | None]
    last_post_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    sync_interval_seconds: Mapped[int | None]
    problem: Mapped[str | None] = mapped_column(Text)  # e.g. handle not found / suspended
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    unit: Mapped[Unit] = relationship(back_populates="accounts")


class Issue(Base):
    """A group of negative mentions about one topic in one time window."""

    __tablename__ = "issues"
    id: Mapped[int] = mapped_column(primary_key=True)
    topic: Mapped[str] = mapped_column(String(200), index=True)
    title: Mapped[str] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(20), default="terbuka")  # terbuka / ditangani
    first_seen: Mapped[datetime] = mapped_column(UTCDateTime())
    last_seen: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)


class Mention(Base):
    """A post that mentions a unit's account; `version` guards against lost concurrent edits.

    On PostgreSQL (migration 0014_partition) the table is partitioned by month of `created_at`: its
    primary key is (id, created_at) (`id` alone stays globally unique, from one sequence), and the
    unique (platform, external_id) lives in `mention_keys` (lib/partitions.py), filled by a trigger.
    SQLite keeps the plain table with the constraint below."""

    __tablename__ = "mentions"
    __table_args__ = (
        UniqueConstraint("platform", "external_id"),  # SQLite; PostgreSQL: `mention_keys`
        # Covering indexes for the metrics engine (lib/metrics/): a period scan per unit in
        # scope, a period scan nationally, and the open backlog as a small partial index.
        Index("ix_mentions_unit_created_cover", "unit_id", "created_at", "sentiment", "answered_at", "status"),
        Index("ix_mentions_created_cover", "created_at", "unit_id", "sentiment", "answered_at", "status"),
        Index("ix_mentions_unanswered", "unit_id", "created_at", "status", "answered_at",
              sqlite_where=text(UNANSWERED_SQL), postgresql_where=text(UNANSWERED_SQL)),
        Index("ix_mentions_status_created", "status", "created_at"),
        Index("ix_mentions_account_created", "account_id", "created_at"),
        Index("ix_mentions_updated", "updated_at"),  # what changed since the daily counts' watermark
        # The Isu Negatif list: a period's grouped mentions only (otherwise SQLite walks every unit's
        # mentions of the period and looks each row up for its issue).
        Index("ix_mentions_issue_created", "created_at", "issue_id", "unit_id", "status",
              sqlite_where=text("issue_id IS NOT NULL"), postgresql_where=text("issue_id IS NOT NULL")),
        # 0015_speed: flagged mentions only (the burning strip, urgent alerts; `lib.mentions.has_flag`),
        # and who was in the backlog at a past moment (`lib.watch.backlog_at`), both read index-only.
        Index("ix_mentions_flagged", "created_at", "unit_id", "flags", "answered_at", "status", "updated_at",
              sqlite_where=text(FLAGGED_SQL), postgresql_where=text(FLAGGED_SQL)),
        Index("ix_mentions_updated_cover", "updated_at", "created_at", "unit_id", "answered_at", "status"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(20))
    external_id: Mapped[str] = mapped_column(String(64))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    author_id: Mapped[str | None] = mapped_column(String(64))
    author_handle: Mapped[str | None] = mapped_column(String(100))
    author_name: Mapped[str | None] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(Text)
    lang: Mapped[str | None] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    fetched_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    in_reply_to_id: Mapped[str | None] = mapped_column(String(64))
    conversation_id: Mapped[str | None] = mapped_column(String(64))
    sentiment: Mapped[str] = mapped_column(String(10), default="neutral")
    sentiment_score: Mapped[float] = mapped_column(default=0.0)
    flags: Mapped[str] = mapped_column(String(100), default="")  # comma-separated, sorted
    function: Mapped[str | None] = mapped_column(String(20))
    topic: Mapped[str | None] = mapped_column(String(200))
    issue_id: Mapped[int | None] = mapped_column(ForeignKey("issues.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default="baru")
    forwarded_to: Mapped[str | None] = mapped_column(String(20))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    answered_by: Mapped[str | None] = mapped_column(String(20))  # "api" (reply seen) or "admin"
    answer_external_id: Mapped[str | None] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_by: Mapped[str | None] = mapped_column(String(100))
    version: Mapped[int] = mapped_column(Integer, default=1)

    unit: Mapped[Unit] = relationship()
    account: Mapped[Account | None] = relationship()

    @property
    def flag_set(self) -> frozenset[str]:
        return frozenset(f for f in self.flags.split(",") if f)


class MentionTarget(Base):
    """A further unit a mention tags, beyond its primary target `mentions.unit_id` (the account that
    stored it first). The mention is stored once and belongs to every target: see lib/targets.py.
    `created_at` repeats the mention's, so a period's extra targets are one index range, and on
    PostgreSQL (partitioned mentions) the foreign key is (mention_id, created_at)."""

    __tablename__ = "mention_targets"
    __table_args__ = (
        Index("ix_mention_targets_unit_created", "unit_id", "created_at"),
        Index("ix_mention_targets_created", "created_at", "unit_id", "mention_id"),
    )
    mention_id: Mapped[int] = mapped_column(ForeignKey("mentions.id", ondelete="CASCADE"), primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), primary_key=True)
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    added_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class AuditEntry(Base):
    """Append-only log of every change attempt (including refused ones)."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_entity", "entity", "entity_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    actor: Mapped[str] = mapped_column(String(100))
    entity: Mapped[str] = mapped_column(String(20))  # mention / issue / account / user / kiosk
    entity_id: Mapped[int | None]
    action: Mapped[str] = mapped_column(String(40))
    from_value: Mapped[str | None] = mapped_column(Text)
    to_value: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)
    outcome: Mapped[str] = mapped_column(String(20), default="ok")  # ok / conflict / denied


class SyncState(Base):
    """Where one source stands for one account and one kind of read."""

    __tablename__ = "sync_state"
    __table_args__ = (UniqueConstraint("source", "account_id", "kind"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(20))
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    kind: Mapped[str] = mapped_column(String(20), default="mentions")  # mentions/replies/verification
    cursor: Mapped[str | None] = mapped_column(String(64))  # since_id or an ISO time
    last_run_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_success_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    next_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(Text)
    error_count: Mapped[int] = mapped_column(Integer, default=0)
    last_warning: Mapped[str | None] = mapped_column(Text)  # partial errors next to good data


class SyncLock(Base):
    """A named lease: at most one sync across every browser session and process."""

    __tablename__ = "sync_locks"
    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    holder: Mapped[str] = mapped_column(String(100))
    acquired_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())


class SyncRun(Base):
    """One whole sync pass, so the UI can say how fresh the data is and show the last failure."""

    __tablename__ = "sync_runs"
    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(20))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    ok: Mapped[bool] = mapped_column(Boolean, default=False)
    new_mentions: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)


class ApiRequest(Base):
    """Every request made to a paid or rate-limited API, for the budget page."""

    __tablename__ = "api_requests"
    __table_args__ = (Index("ix_api_requests_source_at", "source", "at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    source: Mapped[str] = mapped_column(String(20))
    endpoint: Mapped[str] = mapped_column(String(100))
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    status_code: Mapped[int | None]
    posts_read: Mapped[int] = mapped_column(Integer, default=0)
    users_read: Mapped[int] = mapped_column(Integer, default=0)
    rate_limit_remaining: Mapped[int | None]
    rate_limit_reset: Mapped[datetime | None] = mapped_column(UTCDateTime())


class BilledRead(Base):
    """One resource (post or user) a billed API returned on one UTC day: X bills each once a day,
    so the month's bill is the number of rows, however often a resource came back."""

    __tablename__ = "billed_reads"
    __table_args__ = (UniqueConstraint("source", "day", "kind", "resource_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(20))
    day: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(8))  # post / user
    resource_id: Mapped[str] = mapped_column(String(64))


class Correction(Base):
    """An admin's correction of the analyser's output, used to retrain on local traffic. On
    PostgreSQL `mention_id` references `mention_keys.mention_id` (the mention's identity row,
    which exists exactly while the partitioned mention does)."""

    __tablename__ = "corrections"
    id: Mapped[int] = mapped_column(primary_key=True)
    mention_id: Mapped[int] = mapped_column(ForeignKey("mentions.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    actor: Mapped[str] = mapped_column(String(100))
    sentiment: Mapped[str | None] = mapped_column(String(10))
    flags: Mapped[str | None] = mapped_column(String(100))
    function: Mapped[str | None] = mapped_column(String(20))


ROLES = ("admin", "pimpinan", "operator")  # people; a wall display is a kiosk token, not a user


class User(Base):
    """A person who signs in: locally (argon2 hash) or through OIDC (matched on `email`)."""

    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(40), unique=True)
    display_name: Mapped[str] = mapped_column(String(100))
    email: Mapped[str | None] = mapped_column(String(200), unique=True)  # lower-cased; the OIDC identity
    role: Mapped[str] = mapped_column(String(20))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))  # None only for admin
    password_hash: Mapped[str | None] = mapped_column(String(200))  # None: OIDC only
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    session_epoch: Mapped[int] = mapped_column(Integer, default=1)  # bumped to end open sessions
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    unit: Mapped[Unit | None] = relationship()


class KioskToken(Base):
    """A wall display's read-only access to one unit's subtree; only the SHA-256 of the token is kept."""

    __tablename__ = "kiosk_tokens"
    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str] = mapped_column(String(100))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    unit: Mapped[Unit] = relationship()


class DailyCount(Base):
    """Per unit and local calendar day (in the unit's zone): the additive figures of its mentions,
    a derived table rebuilt for "dirty" days from `mentions` (lib/daily.py), never edited by hand.
    `within_sla` is counted against `sla_minutes`, the unit's SLA when the row was computed."""

    __tablename__ = "daily_counts"
    __table_args__ = (
        Index("ix_daily_counts_day_cover", "day", "unit_id", "mentions", "answered", "within_sla", "negative",
              "unanswered"),
    )
    unit_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    day: Mapped[str] = mapped_column(String(10), primary_key=True)  # YYYY-MM-DD, local
    mentions: Mapped[int] = mapped_column(Integer)
    answered: Mapped[int] = mapped_column(Integer)
    within_sla: Mapped[int] = mapped_column(Integer)
    negative: Mapped[int] = mapped_column(Integer)
    unanswered: Mapped[int] = mapped_column(Integer)
    sla_minutes: Mapped[int] = mapped_column(Integer)


class DailyCountsState(Base):
    """One row: how far `daily_counts` is up to date (the newest `mentions.updated_at` it has seen,
    how many mentions were updated in the overlap window before it, and a key of the registry
    fields and default SLA the rows were computed with)."""

    __tablename__ = "daily_counts_state"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    watermark: Mapped[datetime | None] = mapped_column(UTCDateTime())
    recent: Mapped[int] = mapped_column(Integer, default=0)
    units_key: Mapped[str] = mapped_column(String(64), default="")
    refreshed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class MetaToken(Base):
    """A unit's long-lived Facebook Page access token (which also reads its linked Instagram account),
    Fernet-encrypted with a key from secrets (lib/meta_tokens.py); the plain token is never stored."""

    __tablename__ = "meta_tokens"
    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), unique=True)
    ciphertext: Mapped[str] = mapped_column(Text)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # None: does not expire / unknown
    set_by: Mapped[str] = mapped_column(String(100))
    set_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_ok_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # last request Meta accepted
    invalid_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # Meta refused it (code 190)
    last_error: Mapped[str | None] = mapped_column(Text)

    unit: Mapped[Unit] = relationship()


class AlertSubscription(Base):
    """Who receives alerts and the daily report: a unit's subtree (None: national), optionally a
    role label, on one channel. `kinds` limits the event kinds ("" = all)."""

    __tablename__ = "alert_subscriptions"
    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    role: Mapped[str | None] = mapped_column(String(40))
    channel: Mapped[str] = mapped_column(String(40))  # email, telegram, or telegram:<bot name> (a bot of its own)
    target: Mapped[str] = mapped_column(String(200))  # chat id or e-mail address
    kinds: Mapped[str] = mapped_column(String(200), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class AlertEvent(Base):
    """One alertable event; `key` is unique so each event is sent once. An event whose condition
    ends is `cleared`, so the next crossing is a new event (a new key)."""

    __tablename__ = "alert_events"
    __table_args__ = (Index("ix_alert_events_subject", "subject", "cleared_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    subject: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(30))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    mention_id: Mapped[int | None]
    issue_id: Mapped[int | None]
    title: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    link: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    cleared_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class AlertDelivery(Base):
    """One event to one recipient: the outbox row, retried with back-off until sent."""

    __tablename__ = "alert_deliveries"
    __table_args__ = (
        UniqueConstraint("event_id", "channel", "target"),
        Index("ix_alert_deliveries_due", "status", "next_attempt_at"),
        Index("ix_alert_deliveries_target_sent", "target", "sent_at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("alert_events.id"))
    channel: Mapped[str] = mapped_column(String(40))
    target: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20))  # pending / sent / failed (gave up)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    event: Mapped[AlertEvent] = relationship()


class EvidenceFile(Base):
    """A frozen case file of one mention (JSON text) and the SHA-256 over exactly that text. No
    foreign key: the file outlives the post and the mention row."""

    __tablename__ = "evidence_files"
    id: Mapped[int] = mapped_column(primary_key=True)
    mention_id: Mapped[int] = mapped_column(Integer, index=True)
    requested_by: Mapped[str] = mapped_column(String(100))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    reason: Mapped[str | None] = mapped_column(Text)
    record: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))


TICKET_CHANNELS = {"lapor": "LAPOR!", "dumas": "Dumas Presisi", "110": "Call Center 110"}


class TicketLink(Base):
    """A mention's ticket id at another complaint channel. On PostgreSQL `mention_id` references
    `mention_keys.mention_id`, as `corrections` does."""

    __tablename__ = "ticket_links"
    __table_args__ = (UniqueConstraint("mention_id", "channel", "ticket_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    mention_id: Mapped[int] = mapped_column(ForeignKey("mentions.id"))
    channel: Mapped[str] = mapped_column(String(20))
    ticket_id: Mapped[str] = mapped_column(String(64), index=True)
    added_by: Mapped[str] = mapped_column(String(100))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class DailyResponseHist(Base):
    """Per unit and local calendar day: a histogram of first-response seconds of that day's answered
    mentions (primary target), in the fixed log buckets of `lib.metrics.histogram`, packed as
    (uint16 bucket, uint32 count) little-endian pairs. Derived, maintained with `daily_counts` by
    `lib.daily`; the large-scope percentiles merge these instead of reading every answered mention."""

    __tablename__ = "daily_response_hist"
    # 0015_speed: a few anchors' days (a national week reads ~40 units × 8 days) are one short seek
    # each; the (day, unit_id) key would be walked over every unit's row once per anchor.
    __table_args__ = (Index("ix_daily_response_hist_unit_day", "unit_id", "day"),)
    day: Mapped[str] = mapped_column(String(10), primary_key=True)  # YYYY-MM-DD, local
    unit_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    hist: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)


class HeadlineSnapshot(Base):
    """The overview's headline figures of a large scope (national or one Polda) for one period option
    and SLA policy, as they stood at `taken_at` (a 5-minute mark): what the sync worker stores so
    that next week's "dibanding minggu lalu" reads one row instead of reconstructing the past
    (lib/snapshots.py). Mentions fetched after `taken_at` are not in it. Kept ~15 days."""

    __tablename__ = "headline_snapshots"
    __table_args__ = (UniqueConstraint("scope_key", "days", "policy_key", "taken_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    scope_key: Mapped[str] = mapped_column(String(20))  # "national" or the Polda's unit id
    days: Mapped[int] = mapped_column(Integer)
    policy_key: Mapped[str] = mapped_column(String(20))  # "60/1440": first response / hard limit minutes
    taken_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    mentions_today: Mapped[int] = mapped_column(Integer)
    unanswered: Mapped[int] = mapped_column(Integer)
    overdue: Mapped[int] = mapped_column(Integer)
    period_mentions: Mapped[int] = mapped_column(Integer)
    period_negative: Mapped[int] = mapped_column(Integer)
    within_sla_share: Mapped[float | None] = mapped_column(Float, nullable=True)
    median_minutes: Mapped[float | None] = mapped_column(Float, nullable=True)
    urgent_unanswered: Mapped[int] = mapped_column(Integer)
    complaints_24h: Mapped[int] = mapped_column(Integer)
    hoax_hate_24h: Mapped[int] = mapped_column(Integer)
