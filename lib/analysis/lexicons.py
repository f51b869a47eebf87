"""Curated word lists for Pantau's analyser, written for this project from everyday usage.

Every list works on *normalised* tokens (see `normalize.py`): lower case, slang already mapped to
its standard form, elongation removed. Multi-word entries are matched as phrases on the
space-joined token string. Extend the lists from real traffic; `make eval` shows the effect.
"""

from __future__ import annotations


def words(block: str) -> frozenset[str]:
    """A word list written as whitespace-separated text (easier to read and extend than quoted items)."""
    return frozenset(block.split())

# --- slang -> standard form ---------------------------------------------------------------------
# One informal token maps to one or more standard tokens. Keep police jargon recognisable
# ("laka" stays a traffic word, "86" stays a bribe code) rather than "correcting" it away.
SLANG: dict[str, str] = {
    # negation
    "gak": "tidak", "ga": "tidak", "gk": "tidak", "g": "tidak", "nggak": "tidak", "ngga": "tidak",
    "enggak": "tidak", "engga": "tidak", "ngak": "tidak", "tdk": "tidak", "tak": "tidak",
    "kagak": "tidak", "ndak": "tidak", "nda": "tidak", "gag": "tidak", "kaga": "tidak", "ora": "tidak",
    "teu": "tidak", "hanteu": "tidak", "gaada": "tidak ada", "gada": "tidak ada", "gakada": "tidak ada",
    "gapernah": "tidak pernah", "gabisa": "tidak bisa", "gakbisa": "tidak bisa", "gamau": "tidak mau",
    "gausah": "tidak usah", "gajelas": "tidak jelas", "gaguna": "tidak berguna", "gajadi": "tidak jadi",
    "dereng": "belum", "durung": "belum", "wonten": "ada", "nyuekin": "dicuekin",
    "blm": "belum", "blom": "belum", "belom": "belum", "bkn": "bukan", "jgn": "jangan", "jngn": "jangan",
    # SARA words in slang or digit spelling (so the SARA lexicon sees them: idhsab writes kafir as
    # "kapir" 43 times)
    "kapir": "kafir", "k4fir": "kafir", "kaf1r": "kafir", "k4f1r": "kafir", "c1na": "cina",
    "ch1na": "china", "1slam": "islam", "kr1sten": "kristen",
    # function words
    "yg": "yang", "yng": "yang", "dgn": "dengan", "dg": "dengan", "dng": "dengan", "utk": "untuk",
    "untk": "untuk", "u/": "untuk", "krn": "karena", "karna": "karena", "krna": "karena", "tp": "tapi",
    "tpi": "tapi", "sm": "sama", "ama": "sama", "dr": "dari", "dri": "dari", "pd": "pada", "dlm": "dalam",
    "ttg": "tentang", "kpd": "kepada", "kl": "kalau", "klo": "kalau", "kalo": "kalau", "jg": "juga",
    "jga": "juga", "lg": "lagi", "lgi": "lagi", "aja": "saja", "aj": "saja", "doang": "saja",
    "udh": "sudah", "udah": "sudah", "sdh": "sudah", "dah": "sudah", "uda": "sudah", "msh": "masih",
    "masi": "masih", "bgt": "banget", "bngt": "banget", "bet": "banget", "bs": "bisa", "bsa": "bisa",
    "hrs": "harus", "byk": "banyak", "bnyk": "banyak", "emg": "memang", "emang": "memang", "bnr": "benar",
    "bener": "benar", "trs": "terus", "trus": "terus", "sampe": "sampai", "smpe": "sampai",
    "pdhl": "padahal", "gmn": "bagaimana", "gmna": "bagaimana", "gimana": "bagaimana", "bgmn": "bagaimana",
    "knp": "kenapa", "napa": "kenapa", "ngapain": "kenapa", "gitu": "begitu", "gini": "begini",
    "tau": "tahu", "tw": "tahu", "org": "orang", "orng": "orang", "skrg": "sekarang", "skrng": "sekarang",
    "skg": "sekarang", "skr": "sekarang", "malem": "malam", "semalem": "semalam", "pagi2": "pagi", "tdi": "tadi", "td": "tadi", "kmrn": "kemarin",
    "kemaren": "kemarin", "kmarin": "kemarin", "bsk": "besok", "ntar": "nanti", "nnti": "nanti",
    "brp": "berapa", "dmn": "di mana", "dimana": "di mana", "kmn": "ke mana", "kemana": "ke mana",
    "sy": "saya", "sya": "saya", "gue": "saya", "gw": "saya", "gua": "saya", "aku": "saya", "ak": "saya",
    "lo": "kamu", "lu": "kamu", "loe": "kamu", "elu": "kamu", "km": "kamu", "kalian": "kamu",
    "bapak2": "bapak", "pak": "bapak", "pk": "bapak", "bu": "ibu", "kak": "kakak", "ka": "kakak",
    "mimin": "admin", "min": "admin", "admin2": "admin", "mas": "mas", "bang": "abang",
    "rmh": "rumah", "rmah": "rumah", "dpn": "depan", "dket": "dekat", "dkt": "dekat", "deket": "dekat",
    "sblh": "sebelah", "jln": "jalan", "jl": "jalan", "gg": "gang", "hp": "hp", "hape": "hp",
    "mtr": "motor", "motor2": "motor", "spd": "sepeda", "mobil2": "mobil", "ktp": "ktp", "sim": "sim",
    # verbs / adjectives
    "tlg": "tolong", "tolongin": "tolong", "tulung": "tolong", "plis": "tolong", "pls": "tolong",
    "please": "tolong", "help": "tolong", "bantuin": "bantu", "dibantuin": "dibantu",
    "mksh": "terima kasih", "makasih": "terima kasih", "makasi": "terima kasih", "makasii": "terima kasih",
    "trims": "terima kasih", "trimakasih": "terima kasih", "terimakasih": "terima kasih",
    "tks": "terima kasih", "thx": "terima kasih", "thanks": "terima kasih", "tengkyu": "terima kasih",
    "suwun": "terima kasih", "nuwun": "terima kasih", "nuhun": "terima kasih", "hatur": "terima",
    "mantul": "mantap", "mantab": "mantap", "mantep": "mantap", "mntp": "mantap", "josss": "mantap",
    "jos": "mantap", "gercep": "gerak cepat", "sat-set": "cepat", "satset": "cepat", "cepet": "cepat",
    "cpt": "cepat", "lelet": "lambat", "lemot": "lambat", "lmbt": "lambat", "lama2": "lama",
    "kesel": "kesal", "kzl": "kesal", "sebel": "sebal", "bete": "kesal", "nyesel": "menyesal",
    "males": "malas", "ribet": "rumit", "ngurus": "mengurus", "ngelapor": "melapor", "lapor2": "lapor",
    "laporin": "laporkan", "dilaporin": "dilaporkan", "bales": "balas", "dibales": "dibalas",
    "balesan": "balasan", "ngerespon": "merespon", "respons": "respon", "direspon": "direspon",
    "ilang": "hilang", "ngilang": "hilang", "kecolongan": "kecurian", "dimaling": "dicuri",
    "nyuri": "mencuri", "nemu": "menemukan", "nipu": "menipu", "dibully": "dibully", "ngancam": "mengancam", "nyolong": "mencuri", "dicolong": "dicuri", "maling2": "maling",
    "ngebut": "kebut", "nongkrong": "nongkrong", "mabok": "mabuk", "ngamuk": "mengamuk",
    "dipalak": "dipalak", "malak": "memalak", "nodong": "menodong", "ditodong": "ditodong",
    "kebakar": "terbakar", "kebakarann": "kebakaran", "tabrakan": "tabrakan", "nabrak": "menabrak",
    "ditabrak": "ditabrak", "hoaks": "hoaks", "hoax": "hoaks", "hoak": "hoaks", "hox": "hoaks",
    "gosip": "isu", "isu2": "isu", "katanya": "katanya", "katanye": "katanya", "kabarnya": "kabarnya",
    "pulisi": "polisi", "plisi": "polisi", "pakpol": "bapak polisi", "polsi": "polisi", "pol": "polisi",
    "kapolsek": "kapolsek", "kapolres": "kapolres", "bhabin": "bhabinkamtibmas", "babin": "bhabinkamtibmas",
    "laka": "laka", "lakalantas": "laka lalu lintas", "lalin": "lalu lintas", "lantas": "lantas",
    "curanmor": "curanmor", "ranmor": "kendaraan", "narkotika": "narkoba", "nyabu": "sabu",
    "gele": "ganja", "cimeng": "ganja", "miras": "miras", "ciu": "miras", "oplosan": "miras",
    "judol": "judi online", "slot": "judi online", "pinjol": "pinjol", "kdrt": "kdrt",
    "bgs": "bagus", "bgus": "bagus", "kren": "keren", "krn2": "keren", "top": "top", "tob": "top",
    "ok": "oke", "okey": "oke", "okay": "oke", "sip": "oke", "siap": "siap", "sipp": "oke",
    "wkwk": "wkwk", "wkwkwk": "wkwk", "haha": "haha", "hahaha": "haha", "hehe": "hehe",
    "anjir": "anjir", "anjay": "anjir", "njir": "anjir", "ajg": "anjing", "anjg": "anjing",
    "anjrit": "anjir", "bgst": "bangsat", "bngst": "bangsat", "gblk": "goblok", "goblog": "goblok",
    "bego": "bodoh", "bloon": "bodoh", "oon": "bodoh", "dongo": "bodoh", "tll": "tolol",
    "kntl": "kontol", "kontl": "kontol", "jancuk": "jancok", "cok": "jancok", "cuk": "jancok",
    "jancik": "jancok", "asw": "asu", "bajingan": "bajingan", "bangke": "bangkai", "tai": "tahi",
    "taik": "tahi", "tae": "tahi",
}

# Words with a legitimate double letter, restored after elongation was squashed to one letter.
DOUBLE_LETTER_WORDS: dict[str, str] = {
    "maf": "maaf", "sat": "saat", "tat": "taat", "tungu": "tunggu", "alah": "allah", "jumat": "jumat",
    "polres": "polres", "ket": "keterangan", "ngak": "nggak", "tingi": "tinggi", "mengangu": "mengganggu",
    "menguna": "menggunakan", "tangap": "tanggap", "tangapan": "tanggapan", "tangung": "tanggung",
    "ngeri": "ngeri", "saksi": "saksi", "gang": "gang",
}

# --- emoji ------------------------------------------------------------------------------------
# Emoji become plain tokens the model can weigh; unknown emoji are dropped.
EMOJI_TOKENS: dict[str, str] = {}
for _chars, _tok in (
    ("👍👏💪🥰😍😊😁😄😃🙂😇🤗❤💙💚💛🧡💯👌🤝✨🌟⭐🎉🫡😎", "emopos"),
    ("😡😠🤬😤😒😞😔😢😭💔👎🙄😩😫😣😖😕🤮🖕💩😑😐", "emoneg"),
    ("🚨🆘🔥🚑🚒", "emourgent"),
    ("😂🤣😆😅", "emolaugh"),
    ("🙏", "emopray"),
    ("😱😨😰😧🥺", "emofear"),
):
    for _c in _chars:
        EMOJI_TOKENS[_c] = _tok

# --- sentiment cues ------------------------------------------------------------------------------
POSITIVE: frozenset[str] = words("""
terima kasih mantap sigap tanggap responsif keren hebat salut bangga bagus baik membantu ramah
aman sukses apresiasi luar biasa profesional semangat berhasil terbaik puas senang alhamdulillah
amanah humanis solutif gerak cepat cepat top jempol terbantu lancar tertib rapi presisi
mengayomi melayani pelayanan prima keren banget respect hormat setia sehat selalu
""") | {"terima kasih", "luar biasa", "gerak cepat", "pelayanan prima"}

NEGATIVE: frozenset[str] = words("""
kecewa lambat lama parah buruk jelek payah percuma cuek diabaikan dicuekin dibiarkan resah takut
meresahkan marah kesal bohong korupsi pungli mahal rumit susah sulit rusak hilang dicuri kecurian
kemalingan dibegal menyebalkan kapok menyesal rugi zalim arogan kasar sombong kacau sampah bobrok
memalukan benci malas sebal muak capek lelah ngeri bahaya berbahaya mengganggu ganggu bising
terganggu ditipu tertipu penipuan dipalak diperas pemerasan ancam diancam mengancam teror
macet semrawut gelap sepi rawan pembiaran abai lalai tebang pilih mandek kriminalisasi brutal
represif ngaret berbelit dipersulit dipingpong diputar lempar tanggung jawab
""") | {"tebang pilih", "lempar tanggung jawab", "tidak becus"}

NEGATORS: frozenset[str] = frozenset({"tidak", "belum", "bukan", "jangan", "kurang", "tanpa", "minim"})

# Service words that say nothing alone but are a complaint when negated ("gak respon").
SERVICE: frozenset[str] = words("""
respon merespon direspon dibalas balas balasan ditanggapi tanggapan ditindak ditindaklanjuti
tindak lanjut diproses proses datang jelas kejelasan kabar becus bantu dibantu membantu peduli
diangkat angkat digubris gubris ditangani tangani ada aktif jalan hadir muncul serius diurus
kelar selesai tuntas beres ditangkap tertangkap jawab dijawab menjawab
""")

# Thanks and praise aimed at someone. In a text with one of these, a domain word (EVENT_WORDS) names
# what the praise is about ("salut ... ngatur macet"), not the writer's tone: rules.py then emits
# `cuepraise` instead of counting the event as negative; next to a complaint it emits `cuesarkas`
# ("mantap pak, laporan saya 3 bulan ga ditanggapi"). Normalised forms (makasih -> terima kasih).
PRAISE: frozenset[str] = words("""
salut apresiasi mantap keren hebat top jempol respect bangga sigap tanggap responsif ramah
alhamdulillah adem seneng senang lega bersyukur syukur
""") | {"terima kasih", "gerak cepat", "selamat bertugas", "luar biasa",
        "semoga sehat"}
# A question asked without a complaint ("syarat bikin skck apa aja?") is neutral: rules.py emits `cuetanya`.
QUESTION: frozenset[str] = words("""
apa apakah bagaimana siapa kapan berapa benarkah tandatanya syarat prosedur caranya
""") | {"di mana", "benar tidak", "benar atau tidak", "bagaimana cara", "mau tanya", "izin tanya"}
# Praise next to one of these is sarcasm ("wah keren, lapor begal malah disuruh sabar").
SARCASM_MARKERS: frozenset[str] = frozenset({"malah", "giliran", "disuruh sabar"})
# Crimes, traffic and places: what happened or where, not how the writer feels about it.
EVENT_WORDS: frozenset[str] = words("""
macet hilang dicuri kecurian kemalingan dibegal rawan gelap sepi bahaya berbahaya ditipu tertipu
penipuan dipalak diperas pemerasan teror takut ngeri resah meresahkan
""")
# A case that ended well: found, caught, dealt with.
RESOLUTION: frozenset[str] = words("""
ketemu ditemukan kembali tertangkap ditangkap ketangkep diringkus diamankan dibekuk diciduk dipecat
dibubarkan terungkap diungkap
""")

# --- flags ----------------------------------------------------------------------------------------
ABUSIVE: frozenset[str] = words("""
anjing bangsat goblok tolol bodoh kampret brengsek bajingan tahi keparat sialan asu jancok kontol
memek ngentot bangkai idiot dungu kunyuk monyet setan iblis laknat biadab pecundang sinting
kampungan busuk lonte pelacur jablay banci bencong babi bacot bacod kacrut budek mampus jongos
congor cebong kadrun togog onta kampang bedebah tahi sompret cocot matamu ndasmu
""")

# Literal uses that are not insults ("anjing tetangga", "daging babi").
ABUSIVE_LITERAL: frozenset[str] = frozenset({
    "anjing tetangga", "anjing liar", "anjing peliharaan", "digigit anjing", "anjing galak",
    "daging babi", "ternak babi", "babi hutan", "monyet liar", "rumah sakit jiwa", "orang gila",
    "monyet turun", "kawanan monyet", "monyet masuk", "anjing gigit", "anjing mati",
    "ekor monyet", "ekor anjing", "anjing pelacak", "setan merah", "ular masuk", "tahi lalat",
    "anjing penjaga", "anjing k9", "sate babi", "bakso babi", "babi guling", "topeng monyet",
    "anjing kami", "anjing saya", "anjingnya",
})

# Words that report what someone else said ("dikatain 'goblok'", "pelaku teriak 'bangsat'"): an insult
# next to them is usually quoted in a report or a question, not aimed by the writer (a model feature).
REPORTED_SPEECH: frozenset[str] = frozenset({
    "dikatain", "ngatain", "dikata katain", "ngata ngatain", "mengatai", "dikatai", "dimaki", "dimaki maki",
    "memaki", "maki maki", "teriak", "berteriak", "diteriaki", "neriakin", "ngomong kasar", "kata kasar",
    "kata kata", "sebutan", "ngomongnya", "tulisan", "komentar", "kolom komentar", "ngehina", "dihina",
})

# Hate speech: group words (SARA) that become hateful next to hostile words, and standing slurs.
SARA_GROUPS: frozenset[str] = words("""
cina china cino aseng asing kafir yahudi kristen nasrani islam muslim katolik hindu budha buddha
konghucu batak jawa papua madura ambon bugis sunda minang dayak arab pribumi nonpribumi syiah
ahmadiyah pendatang ras suku agama etnis keturunan gereja masjid vihara pura klenteng umat tionghoa
""")
# The religious part of SARA_GROUPS (and religious words around it): which head of the hate model
# (hate.py) a police hate mention teaches; the rest of SARA is ethnicity, race and antargolongan.
RELIGION_WORDS: frozenset[str] = words("""
kafir yahudi kristen nasrani islam muslim katolik hindu budha buddha konghucu syiah ahmadiyah
agama gereja masjid musala mushola vihara klenteng umat ibadah murtad sesat ulama pendeta
""")
HOSTILE: frozenset[str] = words("""
usir pulangin pulangkan bantai ganyang basmi bunuh musnahkan binasakan benci najis sampah penjajah antek biang
perusak hama virus parasit tumpas serbu bakar habisi enyahkan hancurkan pulangkan laknat dijarah
jarah sesat kotor
""") | {"bawa sial"} | {"tidak pantas hidup", "tidak layak", "tahu rasa", "tidak pantas tinggal", "tidak usah dibantu",
       "tidak usah dijaga"}
SLURS: frozenset[str] = frozenset({
    "antek aseng", "aseng", "asing aseng", "kafir laknat", "dasar kafir", "cina babi", "cina kafir",
    "sipit", "babi cina", "anjing kafir", "monyet papua", "kafir tidak boleh ibadah",
    "pulangkan ke hutan", "pulang ke hutan", "balik ke hutan", "usir cina", "usir mereka",
    "cokin", "jawir",  # ethnic slurs for Chinese and Javanese Indonesians
})

HOAX_CUES: frozenset[str] = frozenset({
    "hoaks", "beredar", "viralkan", "sebarkan", "sebarluaskan", "broadcast", "pesan berantai",
    "info dari grup", "dari grup sebelah", "grup sebelah", "benarkah", "apa benar", "apakah benar",
    "benar tidak", "share sebanyak", "jangan sampai tidak", "waspada penculikan",
    "disinformasi", "misinformasi", "fitnah", "provokasi", "provokatif", "editan", "foto lama",
    "video lama", "settingan", "klarifikasi", "cek fakta", "forward", "mengatasnamakan",
    "atas nama palsu", "akun palsu", "jangan percaya", "jangan mudah percaya", "tidak benar",
    "sebar", "disebar", "terprovokasi", "jangan terprovokasi",
})
# Rumour words that often mean nothing ("katanya siaga 24 jam"): a hoax cue only with a second one.
HOAX_WEAK: frozenset[str] = frozenset({
    "katanya", "kabarnya", "konon", "isu", "denger denger", "dengar dengar", "grup wa", "grup whatsapp",
    "viral", "tandatanya", "benar", "bagikan", "teruskan", "panik", "waspada",
})
HOAX_DENIED: frozenset[str] = frozenset({"bukan hoaks", "tidak hoaks"})

URGENT_STRONG: frozenset[str] = frozenset({
    "darurat", "sos", "sedang terjadi", "lagi terjadi", "masih terjadi", "segera kesini",
    "cepat kesini", "segera datang", "cepat datang", "kebakaran",
    "terbakar", "tolong tolong", "tolong cepat", "tolong segera", "segera ke lokasi", "kirim petugas",
    "kirim anggota", "kirim patroli", "kirim bantuan", "bunuh diri", "masih di dalam",
    "kahuruan", "kobong", "kobongan", "aya maling", "ana maling", "enek maling",
})
URGENT_EVENTS: frozenset[str] = words("""
begal dibegal kecelakaan laka tabrakan ditabrak menabrak tawuran perampokan dirampok rampok
penodongan ditodong menodong jambret dijambret penjambretan pingsan tenggelam terjebak dikejar
penusukan ditusuk dibacok bacok pembacokan mengamuk sajam celurit clurit penculikan diculik
pengeroyokan dikeroyok keroyok kerusuhan ricuh bentrok luka berdarah meninggal tergeletak
longsor maling tatu leungit penyanderaan disandera kacilakan kacilakaan tabrakan kecelakan dipukulin
dipukuli mukulin kdrt diseret nyulik diculik kesurupan klitih perkelahian keributan loncat lompat mayat roboh
tumbang terbalik terguling evakuasi dikuntit diikuti menjarah penjarahan didobrak
""") | {"banjir bandang", "hilang sejak", "belum pulang", "orang hilang", "tidak sadar", "pukuli massa",
       "dipukuli massa", "main hakim sendiri", "anak hilang", "tidak pulang",
       "minta tolong", "teriak teriak"}
URGENT_NOW: frozenset[str] = frozenset({
    "sekarang", "barusan", "saat ini", "sedang", "lagi ada", "baru saja", "detik ini", "segera", "tolong",
    "darurat", "buruan", "langsung", "terjadi", "kerumun", "berkerumun", "masih di", "cepat ke",
    "dari tadi", "tandaseru", "minta bantuan", "butuh bantuan", "menit lalu", "menit yang lalu",
    "tadi banget", "enggal", "tulungan", "masih di lokasi", "sejak",
} | {"tulungi", "pitulung", "gancang", "cepetan", "geura", "ayeuna", "saiki", "nembe"})
# A casualty needs help whatever the verb tense, unless the text says it is over or long ago.
URGENT_SEVERE: frozenset[str] = frozenset({
    "tidak sadar", "tidak sadarkan diri", "pingsan", "tergeletak", "berdarah", "terjebak", "tenggelam",
    "tidak bergerak", "tidak gerak", "sekarat", "kejang", "anak saya hilang", "anak hilang", "anak kami hilang",
    "adik saya hilang", "hilang sejak", "tidak obah", "berdarah darah",
    "semaput", "getihan", "getihen", "kelelep", "budak leungit", "bocah hilang",
})
# Regional-language (Javanese, Sundanese, Betawi) words for help, hurry and harm: Indonesian cue lists
# miss them, and the police mentions hold few such emergencies, so they get a feature token of their own.
REGIONAL_DISTRESS: frozenset[str] = frozenset({
    "tulungan", "tulungi", "pitulung", "gancang", "enggal", "cepetan", "geura", "tatu", "getihan", "getihen",
    "semaput", "kobong", "kobongan", "kahuruan", "kelelep", "leungit", "aya maling", "ana maling", "enek maling",
    "budak leungit", "tidak obah",
})
# Someone hurt: an emergency event next to a victim is urgent even without a time word
# ("kacilakan di jalan raya cikampek, aya nu tatu"), unless the text says it is over or elsewhere.
URGENT_VICTIM: frozenset[str] = frozenset({
    "luka", "terluka", "luka luka", "pingsan", "berdarah", "tatu", "getihan", "getihen", "semaput",
    "tidak sadar", "tidak sadarkan diri", "tergeletak", "kelelep", "tidak obah",
})
# Domestic violence (KDRT): a spouse or parent hitting. Going on every night is still going on, so a
# habit does not make it less urgent when the writer asks for help.
KDRT: frozenset[str] = frozenset({
    "kdrt", "kekerasan dalam rumah tangga", "dipukuli suami", "dipukuli suaminya", "dipukul suami",
    "dipukul suaminya", "dipukulin suami", "dipukulin suaminya", "dianiaya suami", "dianiaya suaminya",
    "disiksa suami", "disiksa suaminya", "ditampar suami", "ditampar suaminya", "dipukuli istrinya",
    "dipukuli bapaknya", "dipukuli ayahnya", "dipukul bapaknya", "dipukul ayahnya", "dipukuli ayah tirinya",
    "disiksa bapaknya", "disiksa ayahnya", "suaminya mukulin", "suaminya memukul", "digebukin suami",
    "digebukin suaminya",
})
# Fiction, news or another place: an emergency told as a story is not one to attend.
NOT_HERE: frozenset[str] = frozenset({"sinetron", "film", "ftv", "drama", "novel", "berita", "beritanya",
                                      "filmnya", "sinetronnya", "episode"})
# Habits and trends ("sering ada begal") describe a problem, not an emergency in progress.
HABITUAL: frozenset[str] = frozenset({"sering", "tiap malam", "setiap malam", "setiap", "tiap", "selalu",
                                      "makin", "marak", "rawan", "sering ada"})
PAST_MARKERS: frozenset[str] = frozenset({
    "kemarin", "minggu lalu", "bulan lalu", "tahun lalu", "dulu", "waktu itu", "beberapa hari",
    "sudah lama", "semalam", "kemarin malam", "lusa", "seminggu", "sebulan", "setahun", "tadi malam",
    "tadi pagi", "tadi siang", "tadi sore", "subuh tadi",
    # Sundanese and Javanese: yesterday, last year, long ago
    "kamari", "minggu kamari", "taun kamari", "kapungkur", "wingi", "wingi sore", "biyen", "mbiyen",
})
# Gratitude or a closed case: an emergency word in a thank-you ("pelaku sudah diamankan") is not urgent.
RESOLVED: frozenset[str] = frozenset({
    "terima kasih", "salut", "keren", "mantap", "diamankan", "tertangkap", "ditangkap", "berhasil",
    "dibubarkan", "apresiasi", "semoga", "bangga", "hebat", "ketangkep",
    "katangkep", "kecekel", "tos aman", "wis aman", "tos kapendak",
    "wis ketemu", "tos cageur",
})

# Complaints about police service or conduct (`keluhan`): slow or no response, pungli, arrogance, a
# report not followed up. Negated service words ("tidak ditanggapi") count too (see rules.py).
KELUHAN: frozenset[str] = frozenset({
    "pungli", "dipungli", "uang damai", "damai di tempat", "salam tempel", "minta uang", "dimintai uang",
    "diperas", "pemerasan", "oknum", "arogan", "dibentak", "membentak", "judes", "cuek", "dicuekin",
    "diabaikan", "dipingpong", "dilempar sana", "berbelit", "dipersulit", "mandek",
    "lambat", "telat", "ngaret", "percuma", "polisinya ke mana", "polisi ke mana", "aparat ke mana",
    "tidak ada kabar", "tidak ada kejelasan", "tidak ada tindak lanjut", "belum ada kabar",
    "belum ada tindak lanjut", "belum ada perkembangan", "tidak ada respon", "tidak ada patroli",
    "tidak ada petugas", "tidur pas jaga", "main hp", "disuruh damai", "salah tangkap", "tanpa surat",
    "sp2hp", "suap", "sogok", "86", "tidak diangkat", "tidak dibalas", "tidak direspon", "lapor propam",
    "memalak", "dipalak",  # extortion ("polisi ..., bisanya malak doang"); the model weighs who does it
})

# --- routing --------------------------------------------------------------------------------------
# Weighted cues per function: the function with the largest sum wins; ties go to the earlier one in
# ROUTE_ORDER. Conduct words weigh most, since "oknum ... tilang" is a Propam matter, not Lantas.
ROUTES: dict[str, dict[str, float]] = {
    "Propam": {
        "korup": 3, "korupsi": 2, "uang administrasi": 3, "tindak lanjut": 1, "mandek": 2, "penyidik": 2, "diketawain": 2, "ditertawakan": 2, "disuruh damai": 4, "salah tangkap": 3, "tanpa surat": 2,
        "pungli": 4, "oknum": 4, "polisi nakal": 3, "pemerasan": 4, "diperas": 3, "memeras": 3,
        "86": 2, "damai di tempat": 3, "salam tempel": 3, "uang damai": 4, "suap": 3, "disuap": 3,
        "sogok": 3, "arogan": 2, "sewenang wenang": 2, "tidak ditindaklanjuti": 2, "sp2hp": 2,
        "propam": 4, "minta uang": 2, "dimintai uang": 4, "membentak": 2, "dibentak": 2,
        "dipukul polisi": 3, "kekerasan aparat": 3, "backing": 2, "beking": 2, "kode etik": 3,
        "dipungli": 4, "laporan ditolak": 3,
        # a report not followed up is Propam's (domain.md), whatever crime it was about
        "tidak ada kabar": 3, "belum ada kabar": 3, "tidak ada tindak lanjut": 3, "belum ada tindak lanjut": 3,
        "tidak ada kejelasan": 3, "belum ada kejelasan": 3, "masih lidik": 3, "laporan saya ditolak": 3, "tidur pas jaga": 3, "main hp": 2,
    },
    "Narkoba": {
        "narkoba": 3, "sabu": 3, "ganja": 3, "pil": 1, "ekstasi": 3, "inex": 3, "tramadol": 3,
        "obat terlarang": 3, "pil koplo": 3, "bandar": 2, "kurir": 1, "pengedar": 3, "pemakai": 2,
        "tembakau sintetis": 3, "gorila": 1, "pesta narkoba": 3, "sakau": 3,
    },
    "Reskrim": {
        "hilang": 1, "curian": 3, "mayat": 3, "ketemu": 1, "penjarahan": 3, "menjarah": 3, "golok": 2, "diancam": 2, "mengancam": 2, "ancam": 2, "dibully": 3, "bullying": 2, "dipukuli": 3, "dipukul": 2, "visum": 2, "copet": 3, "pencopet": 3, "menipu": 3, "diserempet": 1, "ditarik": 1, "dilempar": 2, "kasus": 1, "ujaran kebencian": 3, "ganjal": 3, "dijarah": 2, "teror": 2, "diteror": 2, "kartu kredit": 2, "sindikat": 2,
        "begal": 3, "dibegal": 3, "curanmor": 3, "maling": 3, "pencurian": 3, "dicuri": 3,
        "kecurian": 3, "kemalingan": 3, "mencuri": 2, "penipuan": 3, "ditipu": 3, "tertipu": 3,
        "penipu": 3, "penganiayaan": 3, "dianiaya": 3, "jambret": 3, "dijambret": 3, "rampok": 3,
        "dirampok": 3, "perampokan": 3, "curat": 3, "curas": 3, "debt collector": 3, "mata elang": 3,
        "gendam": 3, "phishing": 3, "akun dibajak": 3, "dibajak": 2, "pinjol": 3, "judi online": 3,
        "judi": 2, "kdrt": 3, "pelecehan": 3, "dilecehkan": 3, "kekerasan anak": 3, "pemerkosaan": 3,
        "diperkosa": 3, "pembunuhan": 3, "dibunuh": 3, "penculikan": 3, "diculik": 3, "penodongan": 3,
        "ditodong": 3, "pembobolan": 3, "dibobol": 3, "penggelapan": 3, "motor hilang": 3,
        "mobil hilang": 2, "penusukan": 3, "ditusuk": 3, "dibacok": 3, "pembacokan": 3, "tipu": 2,
        "transfer": 1, "rekening": 1, "olshop": 1, "cod": 1, "kriminal": 2, "pencabulan": 3,
        "pengeroyokan": 2, "dikeroyok": 2, "cctv": 1, "pelaku": 1, "hipnotis": 3, "rumah dibobol": 3,
        "dipukulin": 3, "mukulin": 2,
    },
    "Lantas": {
        "mogok": 2, "tumbang": 2, "roboh": 2, "derek": 3, "diderek": 3, "satpas": 3, "polantas": 3, "razia kendaraan": 3, "jalan tol": 2, "tol": 1, "rambu": 3, "jalur sepeda": 2,
        "macet": 3, "kemacetan": 3, "tilang": 3, "ditilang": 3, "etle": 3, "laka": 3, "kecelakaan": 3,
        "tabrakan": 3, "ditabrak": 2, "menabrak": 2, "tabrak lari": 3, "sim": 3, "stnk": 3, "bpkb": 3,
        "ganjil genap": 3, "parkir liar": 3, "parkir": 2, "balap liar": 2, "lalu lintas": 3,
        "lampu merah": 2, "traffic light": 2, "lawan arah": 3, "pengendara": 2, "truk": 1,
        "angkot": 1, "ojol": 1, "rekayasa lalu lintas": 3, "pengalihan arus": 3,
        "samsat": 3, "plat nomor": 2, "knalpot": 2, "knalpot brong": 3, "helm": 2, "pajak kendaraan": 2,
        "contraflow": 3, "one way": 3, "mudik": 2, "kebut": 1, "bus": 1, "perlintasan": 1,
        "kacilakan": 3, "kacilakaan": 3, "kecelakan": 3, "penutupan jalan": 3,
    },
    "Samapta": {
        "konvoi": 2, "bapak ogah": 3, "supporter": 2, "suporter": 2, "merusak": 1, "tenggelam": 3, "loncat": 3, "bunuh diri": 3, "juru parkir": 2, "pengemis": 2, "sakau": 1,
        "tawuran": 3, "keributan": 3, "ribut": 2, "premanisme": 3, "preman": 3, "patroli": 3,
        "geng motor": 3, "klitih": 3, "petasan": 3, "miras": 3, "mabuk": 2, "pemalakan": 3,
        "dipalak": 3, "memalak": 3, "balap liar": 3, "nongkrong": 1, "berisik": 1, "bising": 1,
        "sound horeg": 2, "ormas": 2, "perkelahian": 3, "kerusuhan": 3, "ricuh": 2, "bentrok": 2,
        "sajam": 3, "celurit": 3, "onar": 3, "meresahkan": 1, "gangguan kamtibmas": 3,
        "kebakaran": 2, "terbakar": 2, "mengamuk": 2, "orang gila": 2, "odgj": 2, "pengamen": 2,
        "anak punk": 2, "rawan": 1, "jaga malam": 2, "anjing liar": 2,
    },
    "Binmas": {
        "sembako": 2, "bagi sembako": 3, "kerja bakti": 3, "posyandu": 2,
        "bhabinkamtibmas": 4, "penyuluhan": 4, "sosialisasi": 3, "siskamling": 3, "ronda": 2,
        "pembinaan": 2, "polisi sahabat anak": 3, "kunjungan": 1, "pokdarkamtibmas": 3,
        "poskamling": 3, "sambang": 3, "warga binaan": 2, "jumat curhat": 3, "minggu kasih": 3,
        "pengajian": 1, "tokoh masyarakat": 2, "mediasi": 2, "problem solving": 2,
    },
    "Intelkam": {
        "pasar malam": 2, "tutup jalan": 2, "spanduk": 2,
        "izin keramaian": 4, "demo": 3, "unjuk rasa": 3, "aksi massa": 3, "demonstrasi": 3,
        "izin acara": 3, "perizinan": 2, "konser": 2, "stts": 3, "skck": 0, "orang asing": 1,
        "wna": 2, "radikal": 2, "teroris": 2, "terorisme": 2, "keramaian": 2, "izin konser": 3,
        "pawai": 2, "kampanye": 1, "provokator": 2, "senjata api": 1,
    },
    "SPKT": {
        "lapor": 1, "laporan": 1, "melapor": 1, "pelaporan": 1, "laporan kehilangan": 3, "lapor kehilangan": 3, "surat kehilangan": 4, "skck": 4,
        "kehilangan": 2, "surat keterangan": 3, "bikin laporan": 3, "buat laporan": 3, "lp": 2,
        "spkt": 4, "pengaduan": 2, "aduan": 2, "ktp hilang": 3, "dompet hilang": 3, "hp hilang": 1,
        "ijazah hilang": 3, "atm hilang": 3, "dokumen hilang": 3, "cara lapor": 3, "tanda bukti lapor": 3, "stpl": 3, "piket": 1,
    },
}
ROUTE_ORDER: tuple[str, ...] = ("Propam", "Narkoba", "Reskrim", "Lantas", "Samapta", "Intelkam", "Binmas", "SPKT")

# Matters for other agencies: routed out (function None) unless a police cue is stronger.
OTHER_AGENCY: frozenset[str] = frozenset({
    "jalan rusak", "jalan berlubang", "sampah", "banjir", "listrik", "pdam", "air mati", "lampu jalan",
    "pln", "bpjs", "e ktp", "dukcapil", "sekolah", "pajak", "damkar", "puskesmas", "kereta",
    "bank", "atm", "bpn", "kelurahan", "kecamatan", "disdukcapil", "dishub", "damri", "ketua rt",
    "pemda", "pemkot", "satpol pp", "service center", "garansi", "kurir", "bapak rt",
})

# --- topics -------------------------------------------------------------------------------------
# Canonical topic key -> (cue phrases, readable Indonesian label for issue titles).
TOPICS: dict[str, tuple[tuple[str, ...], str]] = {
    "pungli": (("pungli", "pungutan liar", "86", "uang damai", "damai di tempat", "salam tempel",
                "minta uang", "dimintai uang", "pemerasan", "diperas", "suap", "sogok"), "Pungli"),
    "oknum": (("oknum", "polisi nakal", "arogan", "membentak", "dibentak", "kekerasan aparat",
               "dipukul polisi"), "Perilaku oknum"),
    "begal": (("begal", "dibegal", "pembegalan"), "Begal"),
    "curanmor": (("curanmor", "motor hilang", "motor dicuri", "mobil hilang", "maling motor"), "Curanmor"),
    "jambret": (("jambret", "dijambret", "penjambretan"), "Jambret"),
    "perampokan": (("rampok", "dirampok", "perampokan", "penodongan", "ditodong", "curas"), "Perampokan"),
    "pencurian": (("maling", "pencurian", "dicuri", "kecurian", "kemalingan", "dibobol", "curat"),
                  "Pencurian"),
    "penipuan": (("penipuan", "ditipu", "tertipu", "penipu", "phishing", "gendam", "hipnotis",
                  "akun dibajak"), "Penipuan"),
    "pinjol": (("pinjol", "debt collector", "mata elang"), "Pinjol / penagihan"),
    "judi": (("judi online", "judi"), "Judi"),
    "kekerasan": (("penganiayaan", "dianiaya", "penusukan", "ditusuk", "dibacok", "pembacokan",
                   "pengeroyokan", "dikeroyok", "pembunuhan"), "Kekerasan"),
    "ppa": (("kdrt", "pelecehan", "dilecehkan", "kekerasan anak", "pencabulan", "pemerkosaan"),
            "Kekerasan perempuan dan anak"),
    "penculikan": (("penculikan", "diculik", "penculikan anak"), "Penculikan"),
    "narkoba": (("narkoba", "sabu", "ganja", "ekstasi", "pil koplo", "tramadol", "pengedar",
                 "obat terlarang", "tembakau sintetis"), "Narkoba"),
    "kecelakaan": (("kecelakaan", "laka", "tabrakan", "tabrak lari", "ditabrak"), "Kecelakaan"),
    "macet": (("macet", "kemacetan", "lalu lintas"), "Kemacetan"),
    "tilang": (("tilang", "ditilang", "etle"), "Tilang"),
    "parkir-liar": (("parkir liar",), "Parkir liar"),
    "balap-liar": (("balap liar", "knalpot brong"), "Balap liar"),
    "sim-stnk": (("sim", "stnk", "bpkb", "samsat"), "Layanan SIM/STNK"),
    "tawuran": (("tawuran", "perkelahian", "bentrok", "ricuh", "kerusuhan"), "Tawuran"),
    "premanisme": (("preman", "premanisme", "dipalak", "pemalakan", "memalak", "ormas"), "Premanisme"),
    "geng-motor": (("geng motor", "klitih"), "Geng motor"),
    "miras": (("miras", "mabuk"), "Miras"),
    "petasan": (("petasan",), "Petasan"),
    "kebakaran": (("kebakaran", "terbakar"), "Kebakaran"),
    "demo": (("demo", "unjuk rasa", "demonstrasi", "aksi massa"), "Unjuk rasa"),
    "skck": (("skck",), "Layanan SKCK"),
    "kehilangan": (("surat kehilangan", "kehilangan", "ktp hilang", "dompet hilang"), "Surat kehilangan"),
    "laporan-mandek": (("tidak ditindaklanjuti", "laporan tidak", "sp2hp", "mandek", "tidak diproses",
                        "tidak ada kabar", "tidak ada kejelasan", "tidak ada tindak lanjut"),
                       "Laporan tidak ditindaklanjuti"),
    "respon-lambat": (("tidak respon", "tidak dibalas", "tidak ditanggapi", "slow respon", "lambat",
                       "tidak diangkat", "tidak ada respon", "tidak ada balasan"), "Respons lambat"),
    "hoaks": (("hoaks", "pesan berantai", "beredar", "sebarkan", "viralkan", "broadcast"), "Hoaks"),
    "sara": (("kafir", "aseng", "antek aseng", "sara"), "Ujaran SARA"),
}

# Words ignored when a fallback topic is built from content words.
STOPWORDS: frozenset[str] = words("""
yang dan di ke dari ini itu dengan untuk pada adalah saya kamu dia kami kita mereka akan sudah
belum tidak bukan juga saja lagi masih sangat banget sekali ada apa siapa kapan mana bagaimana
kenapa mengapa karena tapi tetapi atau kalau jika agar supaya bisa harus mau ingin sama oleh
seperti dalam atas bawah sampai hingga kok sih dong deh nih tuh kan ya yah lah pun para bapak
ibu admin polisi polri polsek polres polda kapolsek kapolres mas mbak abang kakak gan tolong
terima kasih mohon minta info informasi url usertag hashtag emopos emoneg emourgent emolaugh
emopray emofear wkwk haha hehe oke selamat pagi siang sore malam hari tadi kemarin sekarang
besok nanti begitu begini tahu orang jadi buat bikin banyak semua hanya cuma gimana udah
""")
