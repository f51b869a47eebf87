"""Group negative mentions into issues, and count near-duplicate texts (retweets, campaigns).

Pure functions over plain data: the store code passes what it has and maps the groups onto
`Issue` rows. The rules, in order:
1. Near-duplicates are clustered first (same word set, or word-shingle Jaccard >= 0.6); every member
   of a cluster takes the cluster's most common topic, so a copy-paste campaign is one issue even
   when a few copies were edited.
2. Mentions with the same topic event ("begal") form one issue while each follows the previous one
   within `window`; a named place ("begal|jl raya ciledug") splits an event into issues per place,
   and a mention with no place joins the busiest place of its event in that stretch (else its own).
3. An issue is a campaign when one near-duplicate cluster in it reaches `campaign_min` copies.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from lib.analysis.dataset import key_from_tokens
from lib.analysis.normalize import tokens
from lib.analysis.topics import event_label, extract_place, split_topic

DEFAULT_WINDOW = timedelta(hours=24)
JACCARD_MIN = 0.6
CAMPAIGN_MIN = 3
_BANDS = 8  # MinHash bands of 2 rows: candidate pairs share at least one band


@dataclass(frozen=True)
class GroupInput:
    mention_id: int
    text: str
    topic: str
    created_at: datetime
    unit_id: int | None = None


@dataclass(frozen=True)
class Group:
    key: str  # stable: topic + first_seen minute, e.g. "begal|jl raya ciledug@20250301T0812"
    topic: str
    title: str  # "Begal di Jl. Raya Ciledug"
    mention_ids: tuple[int, ...]
    first_seen: datetime
    last_seen: datetime
    unit_ids: frozenset[int]
    duplicate_count: int  # mentions that repeat another mention's text in this group
    largest_cluster: int  # size of the biggest near-duplicate cluster
    is_campaign: bool

    @property
    def count(self) -> int:
        return len(self.mention_ids)

    def label(self, unit_word: str = "unit") -> str:
        """"Begal di Jl. Raya Ciledug (14 sebutan, 3 Polsek)"."""
        return f"{self.title} ({self.count} sebutan, {len(self.unit_ids)} {unit_word})"


# --- near duplicates ------------------------------------------------------------------------------

_NOISE = frozenset({"usertag", "url", "tandaseru", "tandatanya"})


def _shingles(toks: list[str]) -> set[str]:
    """Word bigrams without handles, links, punctuation and numbers."""
    words = [t for t in toks if t not in _NOISE and not t.isdigit()]
    if len(words) < 2:
        return {" ".join(words)}
    return {f"{words[i]} {words[i + 1]}" for i in range(len(words) - 1)}


_PRIME = (1 << 61) - 1
_PERMS = [(2 * k + 1) * 0x9E3779B97F4A7C15 % _PRIME for k in range(_BANDS * 2)]  # fixed: stable across runs


def _minhash_bands(shingles: set[str]) -> list[tuple[int, int, int]]:
    base = [int.from_bytes(hashlib.blake2b(s.encode(), digest_size=8).digest(), "big") for s in shingles]
    mins = [min((a * h + k) % _PRIME for h in base) for k, a in enumerate(_PERMS)]
    return [(b, mins[2 * b], mins[2 * b + 1]) for b in range(_BANDS)]


def near_duplicate_clusters(texts: list[str]) -> list[int]:
    """Cluster id per text: equal ids are the same text up to retweet prefix, order, links or a few words."""
    parent = list(range(len(texts)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(i: int, j: int) -> None:
        ri, rj = find(i), find(j)
        if ri != rj:
            parent[max(ri, rj)] = min(ri, rj)

    toks = [tokens(t) for t in texts]
    exact: dict[str, int] = {}
    shingles = [_shingles(t) for t in toks]
    buckets: dict[tuple[int, int, int], list[int]] = defaultdict(list)
    for i, tk in enumerate(toks):
        key = key_from_tokens(tk)
        if key in exact:
            union(exact[key], i)
            continue
        exact[key] = i
        if len(shingles[i]) >= 2:
            for band in _minhash_bands(shingles[i]):
                buckets[band].append(i)
    for members in buckets.values():
        first = members[0]
        for j in members[1:]:
            if find(first) != find(j):
                a, b = shingles[first], shingles[j]
                if len(a & b) / len(a | b) >= JACCARD_MIN:
                    union(first, j)
    return [find(i) for i in range(len(texts))]


# --- issues ---------------------------------------------------------------------------------------

def group_negative(items: list[GroupInput], window: timedelta = DEFAULT_WINDOW,
                   campaign_min: int = CAMPAIGN_MIN) -> list[Group]:
    """Issues from negative mentions, busiest first (then most recent)."""
    if not items:
        return []
    clusters = near_duplicate_clusters([it.text for it in items])
    topic_votes: dict[int, Counter[str]] = defaultdict(Counter)
    for it, c in zip(items, clusters, strict=True):
        topic_votes[c][it.topic] += 1
    cluster_topic = {c: _majority(votes) for c, votes in topic_votes.items()}
    by_event: dict[str, list[tuple[GroupInput, int, str | None]]] = defaultdict(list)
    for it, c in zip(items, clusters, strict=True):
        event, place = split_topic(cluster_topic[c])
        by_event[event].append((it, c, place))
    groups: list[Group] = []
    for event, members in by_event.items():
        members.sort(key=lambda m: (m[0].created_at, m[0].mention_id))
        for stretch in _stretches(members, window):
            groups.extend(_split_by_place(event, stretch, campaign_min))
    groups.sort(key=lambda g: (-g.count, -g.last_seen.timestamp(), g.key))
    return groups


def _majority(votes: Counter[str]) -> str:
    # Prefer a topic that names a place, then the most common, then alphabetical (stable).
    return min(votes, key=lambda t: (-votes[t], "|" not in t, t))


def _stretches(members: list, window: timedelta) -> list[list]:
    out: list[list] = [[members[0]]]
    for m in members[1:]:
        if m[0].created_at - out[-1][-1][0].created_at <= window:
            out[-1].append(m)
        else:
            out.append([m])
    return out


def _split_by_place(event: str, stretch: list, campaign_min: int) -> list[Group]:
    by_place: dict[str | None, list] = defaultdict(list)
    canonical = _canonical_places({m[2] for m in stretch if m[2]})
    for m in stretch:
        by_place[canonical.get(m[2], m[2])].append(m)
    placeless = by_place.pop(None, [])
    if placeless and by_place:
        busiest = max(by_place, key=lambda p: (len(by_place[p]), p))
        by_place[busiest].extend(placeless)
    elif placeless:
        by_place[None] = placeless
    return [_make_group(event, place, sorted(ms, key=lambda m: (m[0].created_at, m[0].mention_id)), campaign_min)
            for place, ms in by_place.items()]


def _canonical_places(keys: set[str]) -> dict[str, str]:
    """Map "jl raya ciledug tiap" onto "jl raya ciledug" when both occur: a longer key that extends a
    shorter one word by word is the same place with a word too many."""
    out: dict[str, str] = {}
    for key in keys:
        shorter = [k for k in keys if k != key and key.startswith(k + " ")]
        out[key] = min(shorter, key=len) if shorter else key
    return out


def _make_group(event: str, place: str | None, members: list, campaign_min: int) -> Group:
    items = [m[0] for m in members]
    sizes = Counter(m[1] for m in members)
    largest = max(sizes.values())
    topic = f"{event}|{place}" if place else event
    first, last = items[0].created_at, items[-1].created_at
    return Group(
        key=f"{topic}@{first:%Y%m%dT%H%M}",
        topic=topic,
        title=_title(event, place, items),
        mention_ids=tuple(it.mention_id for it in items),
        first_seen=first,
        last_seen=last,
        unit_ids=frozenset(it.unit_id for it in items if it.unit_id is not None),
        duplicate_count=len(items) - len(sizes),
        largest_cluster=largest,
        is_campaign=largest >= campaign_min,
    )


def _title(event: str, place_key: str | None, items: list[GroupInput]) -> str:
    """"Begal di Jl. Raya Ciledug": the event label plus the most common spelling of the place."""
    label = event_label(event)
    if not place_key:
        return label
    spellings: Counter[str] = Counter()
    for it in items:
        place = extract_place(it.text)
        if place and place.key == place_key:
            spellings[place.display] += 1
    display = max(spellings, key=lambda d: (spellings[d], _capitals(d))) if spellings else place_key.title()
    return f"{label} di {display}"


def _capitals(text: str) -> int:
    return len(re.findall(r"[A-Z]", text))
