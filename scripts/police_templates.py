"""Build `data/training/police_templated.csv`: template-made police mentions (docs/labelling.md).

    python scripts/police_templates.py

Each template carries its labels (sentiment, flags, function) and fills its slots from lists of
handles, places, times, objects, regional-language phrases, typos and emoji, from a fixed seed. The
`group` column is the template id, so cross-validation keeps every variant of one template in the
same fold (a model is never scored on a sibling of a text it trained on).
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "data" / "training" / "police_templated.csv"
PER_TEMPLATE = 12

SLOTS: dict[str, list[str]] = {
    "h": ["@polsekciledug", "@polrestangerangkota", "@PoldaJateng_", "@polsek_tembalang", "@humaspolresbogor",
          "@polrestabesmedan", "@polsekkebayoranlama", "min", "pak", "@TMCPoldaMetro", "", "", "mimin",
          "@polres_sleman", "@polsekcoblong", "@PolrestaMalangKota", "bapak polisi", "@polsekmakassar"],
    "p": ["jl raya ciledug", "jl. daan mogot", "gang mawar", "pasar cipadu", "depan indomaret jl veteran",
          "perempatan jatiuwung", "jl kaliurang km 7", "alun2 kota", "terminal kampung rambutan",
          "jl. sudirman", "komplek griya asri", "jembatan layang pasopati", "ruko lippo", "jl. ahmad yani",
          "simpang lima", "jl magelang", "gg. kelinci rt 04", "parkiran stasiun bekasi", "jl. gatot subroto"],
    "now": ["barusan", "10 menit lalu", "5 menit yg lalu", "sekarang", "skrg", "baru aja", "detik ini",
            "saat ini", "15 menit lalu", "lagi", "tadi bgt", "setengah jam lalu"],
    "past": ["kemarin", "minggu lalu", "2 hari lalu", "bulan lalu", "semalam", "kemaren sore", "3 bulan lalu",
             "tahun lalu", "seminggu yg lalu"],
    "dur": ["2 minggu", "sebulan", "3 bulan", "6 bulan", "setahun", "40 hari", "2 bulan lebih"],
    "veh": ["motor beat", "vario hitam", "nmax putih", "mobil avanza", "motor scoopy merah", "supra x"],
    "item": ["hp", "dompet", "tas", "laptop", "kalung emas", "motor"],
    "eneg": ["😡", "😤", "🙄", "😭", "", "", "💔", "👎", ""],
    "epos": ["👍", "🙏", "👏👏", "💪", "", "", "❤️", "🫡", "🔥🔥"],
    "tail": ["", "", " #PolriPresisi", " tolong dong", " 🙏", " https://t.co/x8Ka2", " pak", " min", " wkwk"],
    "jv": ["tulung", "enggal", "cepet", "monggo", "nuwun sewu", "piye iki", "wis", "ora"],
    "sd": ["punten", "hatur nuhun", "teu", "tulungan", "kumaha", "mangga"],
    "bt": ["aye", "kagak", "ente", "gue", "nyang", "kaga"],
    "grp": ["orang cina", "orang papua", "orang batak", "umat kristen", "kaum syiah", "orang madura",
            "orang arab", "umat islam", "orang jawa", "etnis tionghoa"],
    "ins": ["bacot", "goblok", "tolol", "bangsat", "kacrut", "budek", "anjing", "jongos", "congor lu", "bego",
            "kampret", "mampus", "taik"],
}

# (id, sentiment, flags, function, template). Flags are `;`-separated.
T: list[tuple[str, str, str, str, str]] = [
    # urgent crime now, incl. time words and regional languages
    ("u1", "negative", "urgent", "Reskrim", "{h} tolong ada begal di {p} {now}!! korbannya masih di lokasi"),
    ("u2", "negative", "urgent", "Reskrim", "{h} hp sy dijambret {now} di {p}, pelaku ke arah utara naik {veh}"),
    ("u3", "negative", "urgent", "Reskrim", "{h} anak sy hilang dari {p} sejak {now}, pake baju merah umur 6 thn. tolong bantu cari {eneg}"),
    ("u4", "negative", "urgent", "Reskrim", "{h} tetangga sebelah dipukulin suaminya {now}, teriak2 minta tolong. alamat {p}"),
    ("u5", "negative", "urgent", "Lantas", "{h} kacilakan ing {p} {now}, ana sing ora obah. {jv} pak!"),
    ("u6", "negative", "urgent", "Samapta", "{h} tawuran pelajar {now} di {p}, bawa sajam, warga takut keluar {eneg}"),
    ("u7", "negative", "urgent", "Lantas", "{h} kecelakaan beruntun di {p} {now}, ada korban tergeletak blm ditolong"),
    ("u8", "negative", "urgent", "Reskrim", "{h} {sd} pak, aya maling di {p} {now}, masih di jero imah!!"),
    ("u9", "negative", "urgent", "Reskrim", "{h} tulungin pak, {bt} liat ada orang bawa golok ngamuk di {p} {now}"),
    ("u10", "negative", "urgent", "Samapta", "{h} ada orang mau loncat dari {p} {now}, tolong kirim petugas"),
    ("u11", "negative", "urgent", "Reskrim", "{h} ibu sy ditodong pisau di angkot {now} dkt {p}, pelakunya 2 org"),
    ("u12", "negative", "urgent", "Reskrim", "{h} pelaku kdrt ngamuk lagi di rumah {p}, istrinya berdarah {now} {eneg}"),
    # past crimes: negative, not urgent (near-miss for urgent)
    ("c1", "negative", "", "Reskrim", "{h} {item} sy dicuri di {p} {past}, gmn cara lapornya?"),
    ("c2", "negative", "", "Reskrim", "{h} {veh} adik sy dibegal {past} di {p}, mohon diusut{tail}"),
    ("c3", "negative", "", "Reskrim", "{past} rumah kami di {p} kemalingan, cctv ada rekamannya {eneg}"),
    ("c4", "negative", "", "Reskrim", "{h} sy ketipu jual beli online {past}, udh tf 2jt terus diblok. lapor kemana ya"),
    ("c5", "negative", "", "Narkoba", "{h} lapor, di {p} sering ada transaksi sabu malem2, warga resah{tail}"),
    ("c6", "negative", "", "Samapta", "{h} balap liar tiap malem minggu di {p}, berisik bgt {eneg}"),
    ("c7", "negative", "", "Lantas", "{h} macet parah di {p} tiap pagi, lampu merahnya mati {eneg}"),
    ("c8", "negative", "", "Reskrim", "{h} judol udh merajalela di {p}, anak2 sekolah ikut main{tail}"),
    ("c9", "negative", "", "Samapta", "{h} preman minta jatah parkir di {p}, maksa bgt{tail}"),
    # complaints about police service/conduct: keluhan (+ Propam for conduct)
    ("k1", "negative", "keluhan", "Propam", "{h} ditilang di {p} {past} dimintai uang damai 100rb sm oknum {eneg}"),
    ("k2", "negative", "keluhan", "Propam", "{h} laporan sy soal {item} yg dicuri udah {dur} ga ada kabar sama sekali {eneg}"),
    ("k3", "negative", "keluhan", "Propam", "{h} petugas piket polsek judes bgt, ditanya malah dibentak {eneg}"),
    ("k4", "negative", "keluhan", "Propam", "{h} bikin skck aja dipungli 50rb, katanya gratis{tail}"),
    ("k5", "negative", "keluhan", "", "{h} dm sy ga dibales2 udh {dur}, percuma ada akun ini"),
    ("k6", "negative", "keluhan", "Propam", "mantap pak, laporan sy {dur} ga ditanggapi {epos}"),
    ("k7", "negative", "keluhan", "Samapta", "{h} ada tawuran {past} di {p}, polisinya dateng pas udh bubar. telat mulu"),
    ("k8", "negative", "keluhan", "Propam", "{h} laporan sy ditolak petugas spkt, disuruh damai aja {eneg}"),
    ("k9", "negative", "keluhan", "", "hebat ya min, telpon 110 ga diangkat2 pas darurat {past} {epos}"),
    ("k10", "negative", "keluhan", "Propam", "{h} {bt} diperes oknum pas razia di {p}, kalo {bt} bayar ya ditahan stnk"),
    ("k11", "negative", "keluhan", "Propam", "{h} {jv} pak, laporan kula {dur} dereng wonten tindak lanjut"),
    ("k12", "negative", "keluhan", "Propam", "{h} anggota di pos {p} malah tidur pas jaga, ditanya cuek aja"),
    # neutral questions and information
    ("n1", "neutral", "", "SPKT", "{h} syarat bikin skck apa aja ya? {sd}"),
    ("n2", "neutral", "", "Lantas", "{h} perpanjang sim bisa di gerai {p} ga ya, buka jam brp?"),
    ("n3", "neutral", "", "SPKT", "{h} mau tanya, kalau ktp hilang surat keterangannya ngurus dimana?"),
    ("n4", "neutral", "", "Intelkam", "{h} izin keramaian buat nikahan di {p} gimana prosedurnya{tail}"),
    ("n5", "neutral", "", "Lantas", "{h} info lalin {p} siang ini lancar ga min?"),
    ("n6", "neutral", "", "", "{h} nuwun sewu, akun resmi polsek sini yg mana ya? {jv}"),
    ("n7", "neutral", "", "Binmas", "{h} bhabinkamtibmas wilayah {p} siapa ya namanya, mau koordinasi ronda"),
    ("n8", "neutral", "", "Lantas", "{h} besok ada penutupan jalan di {p} ga? mau lewat situ"),
    ("n9", "neutral", "", "", "{h} pendaftaran bintara tahun ini kapan dibuka ya?"),
    ("n10", "neutral", "", "SPKT", "{h} {bt} mau tanya, lapor kehilangan {item} bisa online ga?"),
    # praise: positive, no function (even when it names a crime or uses 🔥)
    ("g1", "positive", "", "", "{h} makasih pak udh gercep nangkep pelaku begal di {p} {epos}"),
    ("g2", "positive", "", "", "{h} pelayanan sim di {p} cepet bgt, petugasnya ramah {epos}"),
    ("g3", "positive", "", "", "salut sama bapak2 lantas yg ngatur macet di {p} pas ujan deres {epos}"),
    ("g4", "positive", "", "", "{h} {sd}, {item} sy yg ilang {past} udh ketemu. polisi keren {epos}"),
    ("g5", "positive", "", "", "{h} matur nuwun pak, laporan sy ditindaklanjuti cepet {epos}"),
    ("g6", "positive", "", "", "{h} mantap pak, bandar sabu di {p} akhirnya ketangkep 🔥🔥"),
    ("g7", "positive", "", "", "keren patroli malem di {p} jadi aman, tidak mengecewakan {epos}"),
    # abusive insults (slang) and near-misses (literal animal words)
    ("a1", "negative", "abusive;keluhan", "", "{h} {ins} admin nya, ditanya ga pernah jawab {eneg}"),
    ("a2", "negative", "abusive;keluhan", "Propam", "{h} polisi {ins}, bisanya malak doang di {p}"),
    ("a3", "negative", "abusive", "", "{ins} lu semua, urus diri sendiri aja {eneg}"),
    ("a4", "negative", "abusive", "Reskrim", "maling {item} di {p} {ins} bgt, semoga cepet ketangkep"),
    ("l1", "neutral", "", "", "{h} ada monyet turun ke pemukiman di {p}, lapor kemana ya yg bener?"),
    ("l2", "negative", "", "Samapta", "{h} anjing liar di {p} gigit anak kecil {past}, warga takut"),
    ("l3", "neutral", "", "", "{h} ada ular masuk rumah warga di {p}, damkar nomornya brp?"),
    # SARA hate and near-misses
    ("s1", "negative", "hate", "Intelkam", "{grp} pulangin aja ke asalnya, bikin rusak {p} {eneg}"),
    ("s2", "negative", "hate", "Intelkam", "kafir ga boleh ibadah di {p}, usir aja mereka"),
    ("s3", "negative", "hate;abusive", "Intelkam", "{grp} itu {ins} semua, ga usah dilindungi polisi"),
    ("s4", "negative", "hate", "Intelkam", "jangan kasih {grp} tinggal di {p}, bawa sial"),
    ("sn1", "positive", "", "", "{h} warga {grp} dan tetangga kerja bakti bareng di {p}, adem {epos}"),
    ("sn2", "neutral", "", "Intelkam", "{h} mau izin acara perayaan {grp} di {p} minggu depan, syaratnya apa?"),
    ("sn3", "negative", "", "Reskrim", "{h} rumah ibadah di {p} kemalingan {past}, kotak amalnya dibobol"),
    # hoax and near-misses
    ("x1", "neutral", "hoax", "Intelkam", "{h} beredar di grup wa ada penculikan anak di {p}, benarkah?"),
    ("x2", "negative", "hoax", "Intelkam", "sebarkan!! polisi nembak warga di {p} {now}, ini videonya https://t.co/ab"),
    ("x3", "neutral", "hoax", "Intelkam", "{h} katanya ada razia besar2an di {p} bsk, bener ga sih? kabarnya dari grup sebelah"),
    ("x4", "negative", "hoax", "Intelkam", "viralkan! begal sadis di {p} udh bunuh 5 org minggu ini, polisi diam aja"),
    ("xn1", "positive", "", "", "{h} makasih klarifikasinya min, jadi ga panik lagi {epos}"),
    ("xn2", "neutral", "", "Reskrim", "{h} cara lapor akun yg nyebar foto pribadi sy gimana ya?"),
]


def build(seed: int = 12) -> list[dict[str, str]]:
    rnd = random.Random(seed)
    rows: list[dict[str, str]] = []
    seen: set[str] = set()
    for tid, sentiment, flags, function, template in T:
        made = 0
        for _ in range(PER_TEMPLATE * 6):
            if made >= PER_TEMPLATE:
                break
            text = template.format(**{k: rnd.choice(v) for k, v in SLOTS.items()})
            text = " ".join(text.split())
            if rnd.random() < 0.25:
                text = _typo(text, rnd)
            if rnd.random() < 0.15:
                text = text.upper() if rnd.random() < 0.3 else text.capitalize()
            if text in seen:
                continue
            seen.add(text)
            rows.append({"text": text, "sentiment": sentiment, "flags": flags, "function": function,
                         "group": f"tpl-{tid}"})
            made += 1
    return rows


def _typo(text: str, rnd: random.Random) -> str:
    """One realistic slip: a dropped vowel, a doubled last letter or two swapped letters."""
    words = text.split()
    i = rnd.randrange(len(words))
    w = words[i]
    if len(w) > 4 and w.isalpha():
        kind = rnd.randrange(3)
        if kind == 0:
            j = rnd.randrange(1, len(w) - 1)
            w = w[:j] + w[j + 1:] if w[j] in "aeiou" else w
        elif kind == 1:
            w = w + w[-1] * rnd.randint(1, 3)
        else:
            j = rnd.randrange(1, len(w) - 2)
            w = w[:j] + w[j + 1] + w[j] + w[j + 2:]
    words[i] = w
    return " ".join(words)


def main() -> None:
    rows = build()
    with OUT.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=["text", "sentiment", "flags", "function", "group"])
        writer.writeheader()
        writer.writerows(rows)
    print(f"{len(rows)} rows from {len(T)} templates -> {OUT}")


if __name__ == "__main__":
    main()
