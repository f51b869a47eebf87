"""Re-analyse stored mentions after a model change: `python -m lib.analysis.reanalyze [--all]`.

Only the analysis columns change (sentiment, sentiment_score, flags, function, topic); a field an
admin corrected keeps the admin's value. A row whose values change gets `version` bumped, so a
quick-form save based on the old values is refused as a conflict rather than silently undone.
Issue membership (`issue_id`) is left to the store code, which regroups with `grouping.py`.
Progress is reported per batch (`progress(done, total)`): the admin page draws a bar from it, the
command line prints it.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lib.analysis.feedback import corrected_fields
from lib.analysis.pipeline import analyze
from lib.models import Mention, utcnow

Progress = Callable[[int, int], None]


def reanalyze_mentions(session: Session, *, batch_size: int = 2000, only_unanalysed: bool = False,
                       progress: Progress | None = None) -> int:
    """Analyse mentions in id order, in batches; returns how many rows changed. Caller commits.

    `progress(done, total)` is called after every batch (and once at the start with done=0)."""
    corrections = corrected_fields(session)
    where = [Mention.topic.is_(None)] if only_unanalysed else []
    total = session.scalar(select(func.count()).select_from(Mention).where(*where)) or 0
    if progress:
        progress(0, total)
    changed = done = 0
    last_id = 0
    while True:
        query = select(Mention).where(Mention.id > last_id, *where).order_by(Mention.id).limit(batch_size)
        rows = list(session.scalars(query))
        if not rows:
            return changed
        for mention, result in zip(rows, analyze([m.text for m in rows]), strict=True):
            fix = corrections.get(mention.id, {})
            values = {
                "sentiment": fix.get("sentiment") or result.sentiment,
                "sentiment_score": 1.0 if fix.get("sentiment") else result.score,
                "flags": ",".join(sorted(fix["flags"] if fix.get("flags") is not None else result.flags)),
                "function": (fix["function"] or None) if fix.get("function") is not None else result.function,
                "topic": result.topic,
            }
            if any(getattr(mention, k) != v for k, v in values.items()):
                for k, v in values.items():
                    setattr(mention, k, v)
                mention.version = (mention.version or 0) + 1
                mention.updated_at = utcnow()  # lib/daily.py recomputes the mention's day
                changed += 1
        last_id = rows[-1].id
        done += len(rows)
        session.flush()
        if progress:
            progress(min(done, total), total)


def main(argv: list[str] | None = None) -> int:
    from sqlalchemy import create_engine

    from lib.config import load_settings

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--all", action="store_true", help="every mention, not only those never analysed")
    args = parser.parse_args(argv)
    engine = create_engine(load_settings().database_url)

    def show(done: int, total: int) -> None:
        print(f"\r{done}/{total} mentions analysed", end="", flush=True)

    with Session(engine) as session:
        changed = reanalyze_mentions(session, only_unanalysed=not args.all, progress=show)
        session.commit()
    print(f"\n{changed} mentions updated")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
