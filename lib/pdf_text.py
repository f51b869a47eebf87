"""What every Pantau PDF shares: the DejaVu font (Indonesian text, any Latin accent) and a
plain-text filter for strings from the internet (fpdf2 is always called with markdown off)."""

from __future__ import annotations

import unicodedata
from pathlib import Path

from fpdf import FPDF

FONT_DIRS = [Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu")]
FONT = "DejaVu"


def font_file(name: str) -> Path:
    for d in FONT_DIRS:
        if (d / name).exists():
            return d / name
    raise RuntimeError(f"Font {name} tidak ditemukan; pasang paket Debian fonts-dejavu-core "
                       "(scripts/system-deps.sh).")


def add_fonts(pdf: FPDF) -> None:
    pdf.add_font(FONT, "", str(font_file("DejaVuSans.ttf")))
    pdf.add_font(FONT, "B", str(font_file("DejaVuSans-Bold.ttf")))


def plain(text: str) -> str:
    """Printable text only: control and format characters (bidi overrides, zero-width) removed."""
    return "".join(ch if ch == "\n" or unicodedata.category(ch)[0] != "C" else " " for ch in text)
