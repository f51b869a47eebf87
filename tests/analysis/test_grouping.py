from __future__ import annotations

from datetime import UTC, datetime, timedelta

from lib.analysis import analyze
from lib.analysis.grouping import GroupInput, group_negative, near_duplicate_clusters

T0 = datetime(2025, 3, 1, 20, 0, tzinfo=UTC)
BEGAL_TEXTS = [
    "@polsekciledug ada begal di Jl. Raya Ciledug barusan, tolong!!",
    "begal lagi di jl raya ciledug, teman saya jadi korban",
    "min begal di jalan raya ciledug dekat pom bensin, hati2 warga",
    "ngeri bgt begal di Jl Raya Ciledug malam ini",
    "tolonggg begal bawa celurit di jl. raya ciledug",
    "polisi kemana? begal di jl raya ciledug dibiarkan",
    "barusan lewat jl raya ciledug ada korban begal",
    "begal sadis di jl raya ciledug, motor dirampas",
    "warga resah begal di jl raya ciledug tiap malam",
    "jl raya ciledug gak aman, begal di mana2",
    "ada begal lagi di Jl. Raya Ciledug, mohon patroli",
    "adik saya dibegal di jl raya ciledug tadi",
    "begal lagi min, kapan ditangkap",  # no place: joins the busiest begal place
    "begal di jl raya ciledug, pelaku 3 orang",
]


def inputs(texts: list[str], start: datetime = T0, step: timedelta = timedelta(minutes=10),
           units: tuple[int, ...] = (11, 12, 13), first_id: int = 1) -> list[GroupInput]:
    results = analyze(texts, use_model=False)
    return [GroupInput(first_id + i, t, r.topic, start + i * step, units[i % len(units)])
            for i, (t, r) in enumerate(zip(texts, results, strict=True))]


def test_fourteen_begal_mentions_make_one_titled_issue() -> None:
    groups = group_negative(inputs(BEGAL_TEXTS))
    assert len(groups) == 1
    [g] = groups
    assert g.title == "Begal di Jl. Raya Ciledug"
    assert g.label("Polsek") == "Begal di Jl. Raya Ciledug (14 sebutan, 3 Polsek)"
    assert g.count == 14 and g.unit_ids == {11, 12, 13}
    assert g.first_seen == T0 and g.last_seen == T0 + timedelta(minutes=130)
    assert g.topic == "begal|jl raya ciledug" and g.key == "begal|jl raya ciledug@20250301T2000"
    assert not g.is_campaign


def test_window_splits_issues() -> None:
    early = inputs(BEGAL_TEXTS[:3])
    late = inputs(BEGAL_TEXTS[3:6], start=T0 + timedelta(days=3), first_id=100)
    groups = group_negative(early + late, window=timedelta(hours=24))
    assert sorted(g.count for g in groups) == [3, 3]
    assert len({g.key for g in groups}) == 2


def test_places_and_events_split_issues() -> None:
    texts = ["begal di jl raya ciledug", "begal di jl raya ciledug lagi", "begal di pasar cipadu",
             "pungli di satpas, oknum minta uang", "oknum minta uang damai pas tilang"]
    groups = {g.title: g.count for g in group_negative(inputs(texts))}
    assert groups == {"Begal di Jl. Raya Ciledug": 2, "Begal di Pasar Cipadu": 1, "Pungli": 2}


def test_copy_paste_campaign_is_counted() -> None:
    hoax = "WASPADA!! penculikan anak pakai mobil putih di sekolah2 tangerang, SEBARKAN ke semua grup!!"
    texts = [hoax, f"RT @akun1: {hoax}", f"RT @akun2: {hoax}", hoax.lower() + " https://t.co/x1",
             "waspada penculikan anak pakai mobil putih di sekolah2 tangerang, sebarkan ke grup wa kalian!!",
             "laporan curanmor saya tidak ditindaklanjuti"]
    groups = group_negative(inputs(texts))
    campaign = max(groups, key=lambda g: g.count)
    assert campaign.count == 5 and campaign.is_campaign
    assert campaign.largest_cluster == 5 and campaign.duplicate_count == 4


def test_near_duplicate_clusters() -> None:
    base = "mohon usut penyebar hoaks kerusuhan yang bikin warga panik di grup wa"
    ids = near_duplicate_clusters([base, base.upper(), f"RT @x: {base}", base + " sekarang juga",
                                   "terima kasih pak polisi atas patroli malam ini"])
    assert ids[0] == ids[1] == ids[2] == ids[3]
    assert ids[4] != ids[0]


def test_grouping_is_deterministic_and_handles_empty() -> None:
    assert group_negative([]) == []
    items = inputs(BEGAL_TEXTS)
    assert group_negative(items) == group_negative(list(reversed(items)))
