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
