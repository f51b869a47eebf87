"""The figures' Altair charts as plain specs (no Streamlit), so the pages and the report PDFs draw
the very same chart: Indonesian number and date formats, one band per unit, today's partial day pale."""

from __future__ import annotations

import altair as alt
import pandas as pd

# Vega's number and time formats in Bahasa Indonesia ("10.408", "Sen 23", "Agu"); d3 locales list
# the week from Sunday.
LOCALE = {
    "number": {"decimal": ",", "thousands": ".", "grouping": [3], "currency": ["Rp", ""]},
    "time": {
        "dateTime": "%A, %e %B %Y %X", "date": "%d/%m/%Y", "time": "%H.%M.%S", "periods": ["", ""],
        "days": ["Minggu", "Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu"],
        "shortDays": ["Min", "Sen", "Sel", "Rab", "Kam", "Jum", "Sab"],
        "months": ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September",
                   "Oktober", "November", "Desember"],
        "shortMonths": ["Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"],
    },
}
INK = {True: ("#e6edf3", "#30363d"), False: ("#31333f", "#e6e6e6")}


def finish(chart, wall: bool = False, font: int | None = None):
    """Indonesian formats, SVG (crisp on a TV; axis labels are real text), no dropped or cut labels."""
    font = font or (24 if wall else 13)
    ink, grid = INK[wall]
    return (chart.properties(usermeta={"embedOptions": {"renderer": "svg"}})
            .configure(locale=LOCALE, background="transparent")
            .configure_axis(labelFontSize=font, titleFontSize=font, labelColor=ink, titleColor=ink, gridColor=grid,
                            labelLimit=0)
            .configure_axisY(labelOverlap=False)  # unit names: one band each, never dropped
            .configure_legend(labelFontSize=font, labelColor=ink, labelLimit=0)
            .configure_view(stroke=None))


def row_step(wall: bool) -> int:
    return 44 if wall else 26


def polsek_chart(polsek: pd.DataFrame, wall: bool = False) -> alt.Chart:
    """Unanswered per Polsek, past-SLA part in red; one band per Polsek, so every name shows."""
    long = polsek.melt(id_vars=["short_name", "unanswered"], value_vars=["overdue", "within_sla"],
                       var_name="bagian", value_name="jumlah")
    long["bagian"] = long["bagian"].map({"overdue": "Lewat SLA", "within_sla": "Masih dalam SLA"})
    order = polsek["short_name"].tolist()
    chart = (
        alt.Chart(long)
        .mark_bar()
        .encode(
            y=alt.Y("short_name:N", sort=order, title=None),
            x=alt.X("jumlah:Q", title="Sebutan belum dijawab", stack="zero",
                    axis=alt.Axis(format=",d", tickMinStep=1)),
            color=alt.Color("bagian:N", scale=alt.Scale(domain=["Lewat SLA", "Masih dalam SLA"],
                                                         range=["#d62728", "#f2b134"]),
                            legend=alt.Legend(title=None, orient="top")),
            order=alt.Order("bagian:N", sort="ascending"),
            tooltip=[alt.Tooltip("short_name:N", title="Polsek"), alt.Tooltip("bagian:N", title="Bagian"),
                     alt.Tooltip("jumlah:Q", title="Jumlah", format=",d")],
        )
        .properties(height=alt.Step(row_step(wall)))
    )
    return finish(chart, wall)


def share_chart(frame: pd.DataFrame, wall: bool = False) -> alt.Chart:
    """Share of units meeting the verified-account mandate, one band per Polda/Polres."""
    chart = alt.Chart(frame).mark_bar().encode(
        x=alt.X("share:Q", title="Unit memenuhi mandat", axis=alt.Axis(format="%", tickCount=5),
                scale=alt.Scale(domain=[0, 1])),
        y=alt.Y("name:N", sort="x", title=None),
        tooltip=[alt.Tooltip("name:N", title="Unit"), alt.Tooltip("compliant:Q", title="Patuh"),
                 alt.Tooltip("units:Q", title="Jumlah unit"), alt.Tooltip("share:Q", title="Bagian", format=".0%")],
    ).properties(height=alt.Step(row_step(wall)))
    return finish(chart, wall)


def trend_chart(frame: pd.DataFrame, wall: bool = False, compact: bool = False) -> alt.VConcatChart:
    """Mentions per local day (negative stacked) over the share answered within SLA; today is a
    partial day, drawn paler and named so."""
    data = frame.assign(lain=frame["mentions"] - frame["negative"], hari=pd.to_datetime(frame["day"]))
    today = data["hari"].max()
    data["bagian_hari"] = ["hari ini (sebagian)" if d == today else "hari penuh" for d in data["hari"]]
    long = data.melt(id_vars=["hari", "bagian_hari"], value_vars=["negative", "lain"], var_name="jenis",
                     value_name="jumlah")
    long["jenis"] = long["jenis"].map({"negative": "Negatif", "lain": "Lainnya"})
    x = alt.X("yearmonthdate(hari):O", title=None, axis=alt.Axis(format="%a %e %b", labelAngle=0))
    day_tip = alt.Tooltip("yearmonthdate(hari):T", title="Hari", format="%A, %e %B %Y")
    partial = alt.Opacity("bagian_hari:N", scale=alt.Scale(domain=["hari penuh", "hari ini (sebagian)"],
                                                           range=[1.0, 0.4]), legend=None)
    bars = alt.Chart(long).mark_bar().encode(
        x=x,
        y=alt.Y("jumlah:Q", title="Sebutan per hari", stack="zero"),
        color=alt.Color("jenis:N", scale=alt.Scale(domain=["Negatif", "Lainnya"], range=["#d62728", "#4c78a8"]),
                        legend=alt.Legend(title=None, orient="top")),
        opacity=partial,
        tooltip=[day_tip, alt.Tooltip("jenis:N", title="Jenis"), alt.Tooltip("jumlah:Q", title="Jumlah", format=",d"),
                 alt.Tooltip("bagian_hari:N", title="Catatan")],
    ).properties(height=150 if compact else (260 if wall else 220))
    share = alt.Chart(data.assign(persen=data["within_sla_share"] * 100)).mark_line(point=True, color="#2ca02c").encode(
        x=x,
        y=alt.Y("persen:Q", title="Dijawab sesuai SLA (%)", scale=alt.Scale(domain=[0, 100])),
        tooltip=[day_tip, alt.Tooltip("persen:Q", title="Sesuai SLA (%)", format=",.0f"),
                 alt.Tooltip("unanswered:Q", title="Masih belum dijawab", format=",d")],
    ).properties(height=70 if compact else (150 if wall else 120))
    return finish(alt.vconcat(bars, share), wall, font=20 if wall else 12)
