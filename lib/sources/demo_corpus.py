"""Templates for the demo source: what citizens really write to a unit's account (invented, not copied).

Each entry: (weight, kind, template). Slots: {h} the unit's handle, {tempat} a place in its area,
{jalan} a street, {jam} a time of day, {plat} a number plate.
"""

from __future__ import annotations

TEMPLATES: list[tuple[int, str, str]] = [
    # Crime complaints and emergencies
    (6, "complaint", "@{h} tolong pak ada begal di {jalan} barusan, motor temen sy diambil 🙏"),
    (4, "complaint", "@{h} min td malem motor sy ilang di parkiran {tempat}, curanmor lg 😭 gmn ini lapornya?"),
    (3, "complaint", "@{h} maling masuk rumah warga di {tempat} jam {jam}, tolong ditindak pak"),
    (3, "complaint", "@{h} hati2 ada jambret di {jalan}, korban ibu2 naik motor, pelaku 2 orang"),
    (2, "complaint", "@{h} sy kena penipuan online jual beli hp, udh transfer barang gak dikirim. bs lapor online gak?"),
    (2, "complaint", "DARURAT @{h} ada kebakaran di {tempat} skrg, api udh gede tolong kirim bantuan!!"),
    (2, "complaint", "@{h} kecelakaan di {jalan} arah {tempat}, ada korban tergeletak, tolong segera"),
    # Traffic
    (6, "complaint", "@{h} macet parah bgt di {jalan} udh 1 jam gak gerak, gak ada petugas sama sekali"),
    (3, "complaint", "@{h} parkir liar di {jalan} bikin macet tiap sore, kok dibiarin aja sih"),
    (3, "complaint", "@{h} balap liar tiap malem minggu di {jalan}, berisik & bahaya. mohon patroli pak"),
    (3, "question", "@{h} min perpanjang SIM A bisa di mana ya hari sabtu? makasih"),
    (2, "question", "@{h} mau tanya syarat bikin SKCK apa aja ya min? 🙏"),
    (2, "question", "@{h} surat kehilangan STNK bisa diurus di polsek {tempat} gak pak?"),
    # Public order, drugs
    (4, "complaint", "@{h} tawuran pelajar lg di {tempat} skrg, bawa sajam. tolong cepet!!"),
    (2, "complaint", "@{h} ada geng motor keliling {tempat} tiap malem, warga resah"),
    (2, "complaint", "@{h} ada transaksi sabu di gang deket {tempat}, warga udh curiga lama"),
    (2, "complaint", "@{h} premanisme di pasar {tempat} minta2 uang ke pedagang tiap hari"),
    (1, "question", "@{h} izin keramaian buat acara nikahan di {tempat} ngurusnya ke mana ya?"),
    # Conduct of officers (Propam)
    (3, "complaint", "@{h} ada oknum minta uang damai pas razia di {jalan}, plat {plat}. ini pungli kan?"),
    (2, "complaint", "@{h} laporan sy dr 2 minggu lalu gak ditindaklanjuti sama sekali. kecewa bgt"),
    (2, "complaint", "@{h} petugas di pos {jalan} arogan bgt ngomongnya ke warga, gak ada sopan2nya"),
    (2, "complaint", "@{h} udh lapor 3x gak direspon, percuma punya akun centang biru min"),
    # Hoax / hate / abusive (kept mild)
    (3, "hoax", "Katanya ada penculikan anak pake mobil putih di {tempat}, beredar di grup WA. @{h} bener gak pak??"),
    (2, "hoax", "VIRAL!! info dari grup sebelah ada razia besar2an di {jalan} besok, STNK mati langsung disita @{h}"),
    (2, "hoax", "Beredar pesan berantai polisi {tempat} tangkap warga tanpa alasan, sebarkan! @{h}"),
    (1, "hate", "@{h} gara2 pendatang {tempat} jd rawan, usir aja mereka semua"),
    (1, "abusive", "@{h} polisi goblok, lapor dari kemarin gak ada yg dateng!!"),
    # Praise and neutral
    (5, "praise", "Terima kasih @{h} udah cepet dateng pas ada kecelakaan di {jalan} tadi 👍🙏"),
    (4, "praise", "Mantap pak polisi @{h} patroli malem di {tempat}, jd tenang pulang kerja #PolriPresisi"),
    (3, "praise", "@{h} makasih min udh dibales cepet, masalah sy beres 🙏"),
    (2, "praise", "Salut sama bhabinkamtibmas {tempat} rajin sambang warga @{h}"),
    (3, "question", "@{h} nomor pengaduan yg aktif 24 jam berapa ya min?"),
    (2, "question", "@{h} pak kalau nemu dompet isi KTP di {tempat} diserahin ke mana ya?"),
    (2, "neutral", "Pagi ini apel di halaman @{h}, semoga lancar tugasnya"),
    (1, "spam", "@{h} jual followers murah 1k cuma 10rb, DM aja kak"),
]

PLACE_FALLBACK = ["pasar", "terminal", "stasiun", "alun-alun", "perumahan", "gg. mawar"]
STREETS = ["Jl. Raya {t}", "Jl. Jend. Sudirman", "Jl. Ahmad Yani", "Jl. Diponegoro", "Jl. Gatot Subroto",
           "jalan raya {t}", "perempatan {t}", "flyover {t}"]
AUTHORS = ["warga_{t}", "bang_{n}", "mbak{n}", "si{n}", "akun_{n}", "{n}_official", "kangmas{n}", "ibu_{n}"]
NAMES = ["rizky", "dewi", "agus", "sari", "budi", "intan", "fajar", "nurul", "andi", "putri", "yoga", "rina",
         "hendra", "wulan", "dimas", "siti", "eko", "ayu", "reza", "lia"]
REPLIES = [
    "Terima kasih informasinya, laporan sudah kami teruskan ke piket. Silakan DM lokasi lengkapnya.",
    "Siap, anggota kami segera meluncur ke lokasi. Dalam keadaan darurat hubungi 110.",
    "Mohon maaf atas ketidaknyamanannya, kami tindak lanjuti. Terima kasih.",
    "Silakan datang ke SPKT dengan membawa KTP. Layanan 24 jam.",
]
