"""Re-analyse stored mentions after a retrain: `python -m lib.analysis.reanalyze [--all]`.

Only the analysis columns change (sentiment, sentiment_score, flags, function, topic); a field an
admin corrected keeps the admin's value. A row whose values change gets `version` bumped, so a
quick-form save based on the old values is refused as a conflict rather than silently undone.
Issue membership (`issue_id`) is left to the store code, which regroups with `grouping.py`.
"""

from __future__ import annotations

import argparse

from sqlalchemy import select
from sqlalchemy.orm import Session

from lib.analysis.pipeline import analyze
from lib.analysis.retrain import corrected_fields
from lib.models import Mention, utcnow


def reanalyze_mentions(session: Session, *, batch_size: int = 2000, only_unanalysed: bool = False) -> int:
    """Analyse mentions in id order, in batches; returns how many rows changed. Caller commits."""
    corrections = corrected_fields(session)
    changed = 0
    last_id = 0
    while True:
        query = select(Mention).where(Mention.id > last_id).order_by(Mention.id).limit(batch_size)
        if only_unanalysed:
            query = query.where(Mention.topic.is_(None))
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
        session.flush()


def main(argv: list[str] | None = None) -> int:
    from sqlalchemy import create_engine

    from lib.config import load_settings

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--all", action="store_true", help="every mention, not only those never analysed")
    args = parser.parse_args(argv)
    engine = create_engine(load_settings().database_url)
    with Session(engine) as session:
        changed = reanalyze_mentions(session, only_unanalysed=not args.all)
        session.commit()
    print(f"{changed} mentions updated")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
