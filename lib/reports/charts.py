"""The report's trend chart as a PNG: the very Altair chart the pages draw (`lib.ui.charts`),
rendered by vl-convert (Vega-Lite compiled and drawn in-process, no browser, no network)."""

from __future__ import annotations

import pandas as pd


def trend_png(trend: pd.DataFrame, scale: float = 2.0) -> bytes:
    import vl_convert

    # The chart definition lives with the pages' widgets; importing it pulls in Streamlit's module
    # (not a server). If the chart moves to a Streamlit-free module, only this import changes.
    from lib.ui.charts import trend_chart

    # `day` holds date objects, which Altair's JSON encoder refuses (Streamlit sends Arrow instead).
    chart = trend_chart(trend.assign(day=trend["day"].astype(str))).properties(background="white")
    for part in chart.vconcat:  # the page stretches to its container; a file needs a width
        part.width = 760
    return bytes(vl_convert.vegalite_to_png(chart.to_json(), scale=scale))
