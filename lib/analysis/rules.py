"""Lexicon rules over normalised tokens: sentiment cues with negation, flags, routing and topics.

All lexicons are compiled once into a phrase index keyed by first word, so one pass over a text's
tokens finds every cue of every list; each rule is then a set look-up.
"""

from __future__ import annotations

from dataclasses import dataclass

from lib.analysis import lexicons as lx

_FILLER_AFTER_NEGATOR = frozenset({"ada", "pernah", "juga", "kunjung", "bisa", "mau", "di", "segera", "cukup",
                                   "terlalu", "begitu", "sama", "sekali", "langsung", "pula", "lagi", "ke", "yang"})


def _all_phrases() -> frozenset[str]:
    groups = [lx.POSITIVE, lx.NEGATIVE, lx.SERVICE, lx.NEGATORS, lx.ABUSIVE, lx.ABUSIVE_LITERAL,
              lx.SARA_GROUPS, lx.HOSTILE, lx.SLURS, lx.HOAX_CUES, lx.HOAX_WEAK, lx.HOAX_DENIED,
              lx.URGENT_STRONG, lx.URGENT_SEVERE, lx.URGENT_EVENTS, lx.URGENT_NOW, lx.REGIONAL_DISTRESS,
              lx.URGENT_VICTIM, lx.KDRT, lx.NOT_HERE, lx.PAST_MARKERS, lx.HABITUAL, lx.RESOLVED, lx.OTHER_AGENCY,
              lx.REPORTED_SPEECH,
              lx.KELUHAN, lx.PRAISE, lx.QUESTION, lx.SARCASM_MARKERS, lx.EVENT_WORDS, lx.RESOLUTION]
    groups += [set(cues) for cues in lx.ROUTES.values()]
    groups += [set(cues) for cues, _label in lx.TOPICS.values()]
    return frozenset(p for g in groups for p in g)


class PhraseIndex:
    """Finds every known phrase (one or more words) in a token list in one pass."""

    def __init__(self, phrases: frozenset[str]) -> None:
        self.unigrams = frozenset(p for p in phrases if " " not in p)
        multi: dict[str, list[tuple[str, ...]]] = {}
        for p in phrases:
            if " " in p:
                words = tuple(p.split())
                multi.setdefault(words[0], []).append(words)
        self.multi = {k: sorted(v, key=len, reverse=True) for k, v in multi.items()}
        # One look-up per token: first word -> (is a phrase itself, [(following words, phrase)]).
        self._starts: dict[str, tuple[bool, tuple[tuple[list[str], str], ...]]] = {
            w: (w in self.unigrams, tuple((list(ws[1:]), " ".join(ws)) for ws in self.multi.get(w, ())))
            for w in self.unigrams | self.multi.keys()
        }

    def find(self, toks: list[str]) -> list[tuple[int, str]]:
        """(position, phrase) for every match, in text order."""
        found: list[tuple[int, str]] = []
        starts = self._starts.get
        for i, t in enumerate(toks):
            entry = starts(t)
            if entry is None:
                continue
            if entry[0]:
                found.append((i, t))
            for rest, phrase in entry[1]:
                if toks[i + 1:i + 1 + len(rest)] == rest:  # a slice past the end is shorter: no match
                    found.append((i, phrase))
        return found


_TONE_TOKENS = {"praise": "cuepraise", "sarcasm": "cuesarkas", "question": "cuetanya"}
MARK_NEGATION = True  # "negasi<word>" feature tokens for negated words

INDEX = PhraseIndex(_all_phrases())
_ROUTE_WEIGHTS: dict[str, list[tuple[int, float]]] = {}  # phrase -> [(function index, weight)]
for _i, _fn in enumerate(lx.ROUTE_ORDER):
    for _phrase, _w in lx.ROUTES[_fn].items():
        if _w:
            _ROUTE_WEIGHTS.setdefault(_phrase, []).append((_i, _w))
_TOPIC_ITEMS = [(key, frozenset(cues)) for key, (cues, _label) in lx.TOPICS.items()]


@dataclass(frozen=True, slots=True)
class Cues:
    """What the lexicons see in one text."""

    phrases: frozenset[str]
    pos: int  # positive cues not negated
    neg: int  # negative cues not negated (event words apart), plus negated positive/service words
    negated_pos: int
    negated_neg: int
    flags: frozenset[str]
    function: str | None
    route_strength: float
    topic_event: str | None
    negated_words: tuple[str, ...] = ()  # the word each negator governs ("tidak ... ditanggapi")
    tone: str = ""  # "praise" (thanks/praise, no complaint), "sarcasm" (praise next to a complaint),
    # "question" (a question, no complaint, no negative cue) or ""
    events: int = 0  # event words not negated ("macet", "hilang"): what happened, not the writer's tone
    resolved: bool = False  # an event word and its good end ("hp yang hilang sudah ketemu")
    negated_keluhan: int = 0  # complaint cues under a negator ("tidak ada pungli", "ga lambat kok")

    def feature_tokens(self) -> list[str]:
        """Synthetic tokens appended to the model input, so the model can weigh the lexicons."""
        out = ["cuepos"] * min(self.pos, 3) + ["cueneg"] * min(self.neg, 3)
        if MARK_NEGATION:
            out += [f"negasi{w}" for w in self.negated_words]
        out += ["cuenegpos"] * min(self.negated_pos, 2) + ["cuenegneg"] * min(self.negated_neg, 2)
        if self.tone:
            out.append(_TONE_TOKENS[self.tone])
        if self.resolved:
            out.append("cueresolved")
        out += ["cueevent"] * min(self.events, 2)
        out += [f"cueflag{f}" for f in sorted(self.flags)]
        if "abusive" in self.flags and "keluhan" not in self.flags:
            out.append("cuehinaan")  # an insult with no service cue: abuse is not a service complaint
        out += ["cuenegkeluhan"] * min(self.negated_keluhan, 2)
        if self.phrases & lx.OTHER_AGENCY:
            out.append("cueinstansi")  # another agency's service: its slowness is not a police keluhan
        if self.phrases & lx.ABUSIVE:
            if self.phrases & lx.REPORTED_SPEECH:
                out.append("cuekutip")  # an insult reported or quoted, not aimed by the writer
            if self.phrases & lx.ABUSIVE_LITERAL:
                out.append("cueliteral")  # "anjing penjaga", "sate babi": the animal, not an insult
        if self.phrases & lx.REGIONAL_DISTRESS:
            out.append("cueregional")
        if self.phrases & lx.KDRT:
            out.append("cuekdrt")
        if self.function:
            out.append("cueroute")
        return out


def analyse_tokens(toks: list[str]) -> Cues:
    found = INDEX.find(toks)
    phrases = frozenset(p for _i, p in found)
    pos = neg = negated_pos = negated_neg = negated_service = praise = events = 0
    negated_at: set[int] = set()
    for i, p in found:
        if p in lx.NEGATORS:
            j = i + 1
            while j < len(toks) and j <= i + 3 and toks[j] in _FILLER_AFTER_NEGATOR:
                j += 1
            negated_at.add(j)
    negated_keluhan = sum(1 for i, p in found if p in lx.KELUHAN and i in negated_at)
    keluhan_cues = frozenset(p for i, p in found if p in lx.KELUHAN and i not in negated_at)
    for i, p in found:
        negated = i in negated_at
        if p in lx.PRAISE and not negated:
            praise += 1
        if p in lx.POSITIVE or (negated and p in lx.SERVICE):
            if negated:
                negated_pos += 1
                negated_service += p in lx.SERVICE
            elif p in lx.POSITIVE:
                pos += 1
        elif p in lx.NEGATIVE:
            if negated:
                negated_neg += 1
            elif p in lx.EVENT_WORDS:
                events += 1
            else:
                neg += 1
    tone = ""
    complaint = negated_service or keluhan_cues
    if praise:
        # Praise next to a complaint is sarcasm; without one, event words say what is praised.
        tone = "sarcasm" if complaint or phrases & lx.SARCASM_MARKERS else "praise"
    elif not complaint and not neg and phrases & lx.QUESTION:
        tone = "question"  # an event asked about ("ktp hilang, ngurus di mana?") is not the writer's tone
    function, strength = route(phrases)
    only_negated_keluhan = negated_keluhan > 0 and not keluhan_cues
    return Cues(
        phrases=phrases, pos=pos, neg=neg + negated_pos, negated_pos=negated_pos, negated_neg=negated_neg,
        flags=flags_for(phrases, complaint=negated_service > 0, negated_keluhan=only_negated_keluhan),
        function=function, route_strength=strength,
        topic_event=topic_event(phrases), negated_keluhan=negated_keluhan,
        negated_words=tuple(toks[j] for j in sorted(negated_at) if j < len(toks) and toks[j].isalnum()),
        tone=tone, events=events, resolved=bool(phrases & lx.EVENT_WORDS and phrases & lx.RESOLUTION),
    )


def flags_for(phrases: frozenset[str], *, complaint: bool = False, negated_keluhan: bool = False) -> frozenset[str]:
    """Lexicon flags; `complaint`: a negated service word was seen ("laporan tidak ditanggapi");
    `negated_keluhan`: every complaint cue is negated ("tidak ada pungli sama sekali")."""
    flags: list[str] = []
    abusive = phrases & lx.ABUSIVE
    if abusive and not (phrases & lx.ABUSIVE_LITERAL and len(abusive) == 1):
        flags.append("abusive")
    if phrases & lx.SLURS or (phrases & lx.SARA_GROUPS and (phrases & lx.HOSTILE or abusive)):
        flags.append("hate")
    if is_hoax(phrases):
        flags.append("hoax")
    if is_urgent(phrases):
        flags.append("urgent")
    if complaint or (phrases & lx.KELUHAN and not negated_keluhan):
        flags.append("keluhan")
    return frozenset(flags)


def is_hoax(phrases: frozenset[str]) -> bool:
    """A rumour or disinformation cue; weak cues ("katanya") count only in pairs."""
    strong = phrases & lx.HOAX_CUES
    if phrases & lx.HOAX_DENIED:
        strong = strong - {"hoaks"}
    return bool(strong) or len(phrases & lx.HOAX_WEAK) >= 2


def is_urgent(phrases: frozenset[str]) -> bool:
    """An emergency happening now: a strong cue, or an emergency event with a sign it is current and
    no sign that it is over (a past time, thanks, an arrest) or only rumoured."""
    if phrases & lx.URGENT_STRONG:
        return True
    over = phrases & (lx.PAST_MARKERS | lx.RESOLVED | lx.NOT_HERE)
    if phrases & lx.URGENT_SEVERE and not over and not phrases & lx.HABITUAL:
        return True
    if phrases & lx.KDRT and phrases & lx.URGENT_NOW and not over:
        return True  # domestic violence every night is still going on
    hurt = phrases & lx.URGENT_VICTIM
    if hurt and phrases & (lx.URGENT_EVENTS - hurt - lx.KDRT) and not over and not phrases & (lx.HABITUAL | lx.QUESTION):
        return True  # an emergency with someone hurt ("kacilakan ..., aya nu tatu")
    if not phrases & lx.URGENT_EVENTS or not phrases & lx.URGENT_NOW or phrases & (lx.HABITUAL | lx.NOT_HERE):
        return False
    current = bool(phrases & {"barusan", "sekarang", "saat ini", "detik ini", "sedang"})
    if phrases & lx.PAST_MARKERS and not current:
        return False
    return not (phrases & lx.RESOLVED or (is_hoax(phrases) and not current))


def route(phrases: frozenset[str]) -> tuple[str | None, float]:
    """The function whose cues weigh most; None when no police cue (or another agency's matter)."""
    scores = [0.0] * len(lx.ROUTE_ORDER)
    for p in phrases:
        for i, w in _ROUTE_WEIGHTS.get(p, ()):
            scores[i] += w
    best, best_score = None, 0.0
    for i, score in enumerate(scores):  # ties go to the earlier function in ROUTE_ORDER
        if score > best_score:
            best, best_score = lx.ROUTE_ORDER[i], score
    if best is not None and phrases & lx.OTHER_AGENCY and best_score < 3:
        return None, 0.0
    return best, best_score


def topic_event(phrases: frozenset[str]) -> str | None:
    for key, cues in _TOPIC_ITEMS:
        if phrases & cues:
            return key
    return None
