"""analyze(): normalise -> lexicon cues -> trained model (batched) -> flags, routing, topic."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from lib.analysis import lexicons as lx
from lib.analysis import rules
from lib.analysis.dataset import key_from_tokens
from lib.analysis.model import TrainedModel, load_model
from lib.analysis.normalize import tokens
from lib.analysis.topics import extract_place, topic_key

# The function classifier overrides the lexicon router only when the lexicon is weak and the
# classifier is confident, and never on another agency's matter (PLN, Damkar) the cues routed out;
# routing stays explainable ("these words") in the common case. A learned combiner of cue scores
# and classifier probabilities gave the same 3-fold CV accuracy (docs/analysis.md), so not kept.
ROUTE_STRONG = 3.0
FUNCTION_MODEL_MIN_CONF = 0.55
# Routing to Intelkam is early detection, a weaker act than raising a flag: a mention goes there when
# the hate or hoax classifier gives at least this probability, even below the flag's threshold, or
# when the SARA lexicon (a group word next to a hostile word or insult, or a slur) fires.
INTELKAM_MIN_PROBA = 0.25  # 0.10-0.25 tried by 3-fold grouped CV (docs/analysis.md)
# A distress report is negative (docs/labelling.md): an `urgent` mention read as neutral becomes
# negative with the model's P(negative) as its score. False only to measure the rule (docs/analysis.md).
DISTRESS_IS_NEGATIVE = True
# A complaint about police service is negative (docs/labelling.md: every `keluhan` mention in the
# labelled data is): a mention the sentiment model reads as neutral or positive ("tidak ada pungli
# sama sekali, salut"; "laporan sempat mandek, sekarang sudah jelas, makasih") loses `keluhan`.
# False only to measure the rule (docs/analysis.md).
KELUHAN_NEEDS_NEGATIVE = True
# An insult next to a reporting word ("dikatain 'goblok'", "pelaku teriak 'bangsat'") or inside a
# literal animal phrase ("anjing penjaga") is usually quoted in a report, not aimed by the writer: the
# abusive classifier must be this sure there. Chosen by 3-fold grouped CV (docs/analysis.md, model v9).
ABUSIVE_IN_CONTEXT_MIN = 0.9
_INSULT_CONTEXT = lx.REPORTED_SPEECH | lx.ABUSIVE_LITERAL


@dataclass(frozen=True)
class Analysis:
    sentiment: str  # "negative" | "neutral" | "positive"
    score: float  # confidence 0..1
    flags: frozenset[str] = field(default_factory=frozenset)  # abusive / hate / hoax / urgent
    function: str | None = None  # Reskrim, Lantas, ... or None
    topic: str = ""  # short normalised key used to group negative mentions into issues
    near_duplicate_key: str = ""  # equal for retweets / copy-paste copies of one text
    place: str | None = None  # readable place named in the text ("Jl. Raya Ciledug"), if any


def reset_caches() -> None:
    """Forget memoised tokens and n-gram ids (benchmarks measure a cold start with this)."""
    from lib.analysis import normalize

    normalize._token_cache.clear()
    model = load_model()
    if model is not None and hasattr(model.char_vec, "_cache"):
        model.char_vec._cache.clear()


def lexicon_sentiment(cues: rules.Cues) -> tuple[str, float]:
    """Sentiment from the curated cues alone: the fallback when no trained model is available."""
    # An event word ("hilang", "macet") reads as bad news unless the text thanks, praises or asks.
    neg = cues.neg + (cues.events if cues.tone in ("", "sarcasm") else 0)
    pos = 0 if cues.tone == "sarcasm" else cues.pos  # praise next to a complaint means the complaint
    balance = pos - neg + (1 if cues.negated_neg and not neg else 0)
    if cues.flags & {"abusive", "hate", "urgent"}:
        balance -= 2
    if balance == 0:
        return "neutral", 0.5
    return ("positive" if balance > 0 else "negative"), min(0.95, 0.55 + 0.1 * abs(balance))


def analyze(texts: list[str], model: TrainedModel | None = None, *, use_model: bool = True) -> list[Analysis]:
    """Classify each text; the output list matches the input list one to one.

    `model` defaults to the cached artefact; without one, sentiment falls back to the lexicons
    (see `model_status()`), and everything else works as usual. `use_model=False` forces the
    lexicon-only path (used to measure the fallback).
    """
    if not texts:
        return []
    texts = [t if isinstance(t, str) else "" for t in texts]
    toks = [tokens(t) for t in texts]
    cues = [rules.analyse_tokens(t) for t in toks]
    if not use_model:
        model = None
    elif model is None:
        model = load_model()
    norms = [" ".join(t) for t in toks]
    pred = None
    if model is not None:
        augmented = [n + " " + " ".join(c.feature_tokens()) for n, c in zip(norms, cues, strict=True)]
        pred = model.predict(norms, augmented)
    out: list[Analysis] = []
    for i, (text, tk, cue) in enumerate(zip(texts, toks, cues, strict=True)):
        function = cue.function
        early = False
        if pred is None:
            sentiment, score = lexicon_sentiment(cue)
            flags = cue.flags
        else:
            sentiment, score = pred.sentiment[i], float(pred.confidence[i])
            proba = {f: float(p[i]) for f, p in pred.flag_proba.items()}
            flags = model_flags(cue.flags, proba, model.flag_thresholds,  # type: ignore[union-attr]
                                quoted_insult=bool(cue.phrases & _INSULT_CONTEXT))
            if DISTRESS_IS_NEGATIVE and "urgent" in flags and sentiment == "neutral" and pred.negative is not None:
                # The guide: a distress report is negative whatever its wording; the score stays the
                # model's calibrated P(negative), so an unsure one still lands in the review queue.
                sentiment, score = "negative", float(pred.negative[i])
            if KELUHAN_NEEDS_NEGATIVE and sentiment != "negative":
                flags = flags - {"keluhan"}
            early = (max(proba.get("hate", 0.0), proba.get("hoax", 0.0)) >= INTELKAM_MIN_PROBA
                     or "hate" in cue.flags)
            if (pred.function is not None and cue.route_strength < ROUTE_STRONG
                    and pred.function_confidence[i] >= FUNCTION_MODEL_MIN_CONF  # type: ignore[index]
                    and not (cue.function is None and cue.phrases & lx.OTHER_AGENCY)):
                function = pred.function[i] or None
        function = routed(function, sentiment, flags, early_detection=early)
        result = Analysis(sentiment, round(score, 4), flags, function, "", key_from_tokens(tk))
        if model is not None and model.memory and result.near_duplicate_key in model.memory:
            result = _corrected(result, model.memory[result.near_duplicate_key])
        place = extract_place(text) if cue.topic_event or result.sentiment == "negative" else None
        out.append(replace(result, topic=topic_key(cue.topic_event, tk, place),
                           place=place.display if place else None))
    return out


def model_flags(rule_flags: frozenset[str], proba: dict[str, float], thresholds: dict[str, float], *,
                quoted_insult: bool = False) -> frozenset[str]:
    """A flag the model has a classifier for is set when its probability reaches the threshold (the
    lexicon cues are among its features); other flags come from the lexicon rules. `quoted_insult`:
    a reporting word or literal animal phrase is present, so abusive needs ABUSIVE_IN_CONTEXT_MIN."""
    out = {f for f in rule_flags if f not in proba}
    for f, p in proba.items():
        needed = thresholds.get(f, 0.5)
        if f == "abusive" and quoted_insult:
            needed = max(needed, ABUSIVE_IN_CONTEXT_MIN)
        if p >= needed:
            out.add(f)
    return frozenset(out)


def routed(function: str | None, sentiment: str, flags: frozenset[str], *, early_detection: bool = False
           ) -> str | None:
    """The routing rules on top of the cues (docs/analysis.md): SARA provocation and hoaxes go to
    Intelkam (early detection; also when the model only suspects them); praise and thanks need no
    function, unless they also complain or report an emergency."""
    if flags & {"hate", "hoax"} or early_detection:
        return "Intelkam"
    if sentiment == "positive" and not flags & {"urgent", "keluhan"}:
        return None
    return function


def _corrected(result: Analysis, fix: dict) -> Analysis:
    """Apply an admin's correction remembered for this text (a None field was not corrected)."""
    changes: dict = {}
    if fix.get("sentiment"):
        changes.update(sentiment=fix["sentiment"], score=1.0)
    if fix.get("flags") is not None:
        changes["flags"] = frozenset(fix["flags"])
    if fix.get("function") is not None:
        changes["function"] = fix["function"] or None
    return replace(result, **changes)
