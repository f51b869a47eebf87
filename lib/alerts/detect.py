"""What is alert-worthy right now. Each detector returns `Candidate`s whose `subject` names the
condition ("urgent:123", "overdue:17"); while the condition holds the candidate comes back on every
pass and `lib.alerts.events` makes sure it is sent once. Detectors read; they never write."""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from lib import formatting
from lib.alerts.settings import AlertSettings
from lib.mentions import has_flag, unanswered_clause
from lib.metrics import Period, unit_counts, units_frame
from lib.models import AlertSubscription, Issue, Mention, Unit
from lib.scope import NATIONAL

URGENT, OVERDUE, ISSUE, CAMPAIGN, DAILY = "urgent", "overdue", "issue_growth", "campaign", "daily_report"
KINDS = {URGENT: "Sebutan darurat belum dijawab", OVERDUE: "Unit melewati ambang lewat SLA",
         ISSUE: "Isu negatif tumbuh cepat", CAMPAIGN: "Kampanye salin-tempel hoaks/SARA",
         DAILY: "Laporan harian"}


@dataclass(frozen=True)
class Candidate:
    subject: str
    kind: str
    title: str
    body: str
    link: str | None = None
    unit_id: int | None = None
    mention_id: int | None = None
    issue_id: int | None = None
    unit_paths: tuple[str, ...] = field(default_factory=tuple)  # who may receive it (subtrees containing one)


def _clip(text: str, limit: int = 500) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def urgent_unanswered(session: Session, cfg: AlertSettings, now: datetime) -> list[Candidate]:
    """Mentions flagged urgent, unanswered for `urgent_minutes` (within the last day: an old backlog
    is the overdue alert's business, not a flood on the first run)."""
    rows = session.execute(
        select(Mention, Unit.name, Unit.path, Unit.timezone).join(Unit, Unit.id == Mention.unit_id)
        .where(has_flag("urgent"), unanswered_clause(),
               Mention.created_at <= now - timedelta(minutes=cfg.urgent_minutes),
               Mention.created_at > now - timedelta(days=1))
        .order_by(Mention.created_at)).all()
    out = []
    for m, unit_name, path, tz in rows:
        age = formatting.duration_minutes((now - m.created_at).total_seconds() / 60)
        out.append(Candidate(
            subject=f"{URGENT}:{m.id}", kind=URGENT, unit_id=m.unit_id, mention_id=m.id, unit_paths=(path,),
            title=f"DARURAT belum dijawab {age} – {unit_name}",
            body=f"{m.platform} @{m.author_handle or '?'} ({formatting.local_label(m.created_at, tz)}):\n"
                 f"{_clip(m.text)}",
            link=f"{cfg.public_url}/kotak_masuk?mention={m.id}"))
    return out


def overdue_units(session: Session, cfg: AlertSettings, sla: int, now: datetime) -> list[Candidate]:
    """Units whose own overdue count is at or above the threshold."""
    units = units_frame(session, NATIONAL)
    counts = unit_counts(session, NATIONAL, sla, Period(now - timedelta(hours=1), now), now, units)
    hot = units.merge(counts[counts["overdue"] >= cfg.overdue_threshold], on="unit_id")
    return [Candidate(subject=f"{OVERDUE}:{r.unit_id}", kind=OVERDUE, unit_id=int(r.unit_id), unit_paths=(r.path,),
                      title=f"{r.name}: {formatting.number(r.overdue)} sebutan lewat SLA",
                      body=f"{formatting.number(r.unanswered)} belum dijawab, {formatting.number(r.overdue)} lewat "
                           f"SLA (ambang {formatting.number(cfg.overdue_threshold)}).",
                      link=f"{cfg.public_url}/unit?unit={r.unit_id}") for r in hot.itertuples()]


def growing_issues(session: Session, cfg: AlertSettings, now: datetime) -> list[Candidate]:
    """Open issues with at least `issue_min_per_hour` mentions in the last hour and that many times
    their own hourly rate over the 24 hours before."""
    hour, day = now - timedelta(hours=1), now - timedelta(hours=25)
    last = func.sum(case((Mention.created_at >= hour, 1), else_=0))
    before = func.sum(case((Mention.created_at < hour, 1), else_=0))
    rows = session.execute(
        select(Issue.id, Issue.title, last, before).join(Mention, Mention.issue_id == Issue.id)
        .where(Issue.status == "terbuka", Mention.created_at >= day, Mention.created_at < now)
        .group_by(Issue.id, Issue.title)).all()
    out = []
    for issue_id, title, n_last, n_before in rows:
        baseline = (n_before or 0) / 24
        if n_last >= cfg.issue_min_per_hour and n_last >= cfg.issue_growth_factor * baseline:
            paths = tuple(session.scalars(select(Unit.path).join(Mention, Mention.unit_id == Unit.id).where(
                Mention.issue_id == issue_id, Mention.created_at >= hour).distinct()))
            out.append(Candidate(
                subject=f"{ISSUE}:{issue_id}", kind=ISSUE, issue_id=issue_id, unit_paths=paths,
                title=f"Isu tumbuh cepat: {_clip(title, 200)}",
                body=f"{formatting.number(n_last)} sebutan dalam 1 jam terakhir (rata-rata 24 jam sebelumnya "
                     f"{formatting.decimal(baseline)} per jam), {len(paths)} unit.",
                link=f"{cfg.public_url}/isu_negatif?issue={issue_id}"))
    return out


_NOISE = re.compile(r"https?://\S+|@\w+|#|[^\w\s]")


def campaign_key(text: str) -> str:
    """The text with links, handles, punctuation and case removed: copies of one message agree."""
    return " ".join(_NOISE.sub(" ", text.lower()).split())


def campaigns(session: Session, cfg: AlertSettings, now: datetime) -> list[Candidate]:
    """One hoax/SARA (hate) text posted by `campaign_min_accounts` different accounts within
    `campaign_hours`."""
    since = now - timedelta(hours=cfg.campaign_hours)
    flagged = and_(Mention.created_at >= since, Mention.created_at < now,
                   has_flag("hoax") | has_flag("hate"))
    groups: dict[str, list] = defaultdict(list)
    for m, path in session.execute(select(Mention, Unit.path).join(Unit, Unit.id == Mention.unit_id)
                                   .where(flagged).order_by(Mention.created_at, Mention.id)).all():
        key = campaign_key(m.text)
        if len(key) >= 20:  # a few words are not a campaign
            groups[key].append((m, path))
    out = []
    for key, members in groups.items():
        accounts = {m.author_id or m.author_handle for m, _ in members}
        if len(accounts) < cfg.campaign_min_accounts:
            continue
        first = members[0][0]
        paths = tuple(sorted({p for _, p in members}))
        label = "SARA" if "hate" in first.flags else "hoaks"
        out.append(Candidate(
            subject=f"{CAMPAIGN}:{hashlib.sha256(key.encode()).hexdigest()[:24]}", kind=CAMPAIGN,
            mention_id=first.id, unit_paths=paths,
            title=f"Kampanye {label} menyebar: {len(accounts)} akun, {len(paths)} unit",
            body=_clip(first.text), link=f"{cfg.public_url}/kotak_masuk?mention={first.id}"))
    return out


def daily_reports_due(session: Session, cfg: AlertSettings, now: datetime) -> list[Candidate]:
    """For every unit (or the nation) someone subscribed to the report for: yesterday's report,
    once it is past `report_time` in that unit's zone. Subject: daily_report:<unit id or 0>:<day>."""
    out = []
    subscribed = {uid for uid, kinds in session.execute(select(AlertSubscription.unit_id, AlertSubscription.kinds)
                                                        .where(AlertSubscription.active)).all()
                  if not kinds or DAILY in kinds.split(",")}
    for uid in sorted(subscribed, key=lambda u: u or 0):
        unit = session.get(Unit, uid) if uid else None
        tz = unit.timezone if unit else "Asia/Jakarta"
        local = now.astimezone(ZoneInfo(tz))
        if local.time() < cfg.report_time:
            continue
        day: date = local.date() - timedelta(days=1)
        name = unit.name if unit else "Nasional"
        out.append(Candidate(subject=f"{DAILY}:{uid or 0}:{day.isoformat()}", kind=DAILY, unit_id=uid,
                             unit_paths=(unit.path if unit else "/",),
                             title=f"Laporan harian {name} – {formatting.day_label(day, with_weekday=True)}",
                             body="Laporan terlampir (PDF dan Excel).", link=f"{cfg.public_url}/"))
    return out
