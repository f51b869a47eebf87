"""Bahasa Indonesia labels for the codes stored in the database (statuses, platforms, flags, audit
outcomes...), so no page shows a raw code such as `baru`, `denied` or `negative`.

`label(mapping, code)` falls back to the code itself, so a code added later is still shown (plainly)
rather than hidden.
"""

from __future__ import annotations

from lib.workflow import STATUS_LABELS

PLATFORM_LABELS = {
    "x": "X (Twitter)", "instagram": "Instagram", "facebook": "Facebook", "tiktok": "TikTok",
    "youtube": "YouTube", "whatsapp": "WhatsApp", "line": "LINE", "lainnya": "Lainnya",
}
SENTIMENT_LABELS = {"negative": "Negatif", "neutral": "Netral", "positive": "Positif"}
# Flags come from `lib.models.FLAGS`; the analyser may add more (an unknown one shows its code).
FLAG_LABELS = {
    "urgent": "Darurat", "hoax": "Hoaks", "hate": "SARA / kebencian", "abusive": "Kasar",
    "keluhan": "Keluhan",
}
ISSUE_STATUS_LABELS = {"terbuka": "Terbuka", "ditangani": "Ditangani"}
AUDIT_ENTITY_LABELS = {
    "mention": "Sebutan", "issue": "Isu", "user": "Pengguna", "kiosk": "Token layar", "account": "Akun",
    "import": "Impor", "audit": "Jejak audit", "admin": "Halaman admin",
}
AUDIT_OUTCOME_LABELS = {"ok": "Berhasil", "conflict": "Bentrok (sudah diubah orang lain)", "denied": "Ditolak"}
AUDIT_ACTION_LABELS = {
    "status": "Ubah status", "create": "Buat", "update": "Ubah", "login": "Masuk", "lock": "Kunci",
    "unlock": "Buka kunci", "revoke": "Cabut", "activate": "Aktifkan/nonaktifkan",
    "reset_password": "Setel ulang kata sandi", "change_password": "Ganti kata sandi", "read": "Baca",
    "append": "Tambah",
}
ANSWERED_BY_LABELS = {"api": "balasan akun (terbaca lewat API)"}

__all__ = ["STATUS_LABELS", "label"]


def label(mapping: dict[str, str], code: object) -> str:
    """The label for `code`, the code itself when unknown, "–" when empty."""
    if code is None or code == "" or (isinstance(code, float) and code != code):
        return "–"
    return mapping.get(str(code), str(code))


def flag_labels(flags: str | None) -> list[str]:
    """Stored flags ("urgent,hoax") as their labels, in the stored order."""
    return [label(FLAG_LABELS, f) for f in (flags or "").split(",") if f.strip()]


VERIFIED_LABELS = {"blue": "Centang biru", "government": "Centang abu-abu (pemerintah)",
                   "business": "Centang emas (organisasi)", "none": "Belum terverifikasi"}


def for_display(frame, *, datetimes: tuple[str, ...] = (), tz: str = "Asia/Jakarta",
                codes: dict[str, dict[str, str]] | None = None, numbers: tuple[str, ...] = ()):
    """A copy of `frame` ready for a table: times as "24 Nov 2026 10:15 WIB", codes as labels,
    counts as "10.408", and no "None"/"nan"/"NaT" anywhere (missing values become "–")."""
    import pandas as pd

    from lib.formatting import DASH, datetime_label, number

    out = frame.copy()
    for col in datetimes:
        out[col] = [datetime_label(v, tz) for v in out[col]]
    for col, mapping in (codes or {}).items():
        out[col] = [label(mapping, v) for v in out[col]]
    for col in numbers:
        out[col] = [number(v) for v in out[col]]
    for col in out.columns:
        values = out[col]
        if not values.isna().any():
            continue
        if str(values.dtype).startswith("float") and (values.dropna() % 1 == 0).all():
            values = values.astype("Int64")  # an id column with gaps: "12", not "12.0"
        out[col] = [DASH if pd.isna(v) else (str(v) if not isinstance(v, str) else v) for v in values.astype(object)]
    return out
