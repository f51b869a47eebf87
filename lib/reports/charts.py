"""The report's trend chart as a PNG: the very Altair chart the pages draw (`lib.ui.charts`),
rendered by vl-convert (Vega-Lite compiled and drawn in-process, no browser, no network)."""

from __future__ import annotations

import pandas as pd

from lib import formatting

# d3-format has no Indonesian locale: "10.408", "1,5".
NUMBERS_ID = {"decimal": ",", "thousands": ".", "grouping": [3], "currency": ["Rp", ""]}
# Nor d3-time-format: day and month names from lib.formatting (d3 weeks start on Sunday).
DATES_ID = {"dateTime": "%A, %e %B %Y %X", "date": "%d/%m/%Y", "time": "%H.%M.%S", "periods": ["AM", "PM"],
            "days": [formatting.DAYS[-1], *formatting.DAYS[:-1]],
            "shortDays": [d[:3] for d in [formatting.DAYS[-1], *formatting.DAYS[:-1]]],
            "months": formatting.MONTHS_LONG, "shortMonths": formatting.MONTHS}


def trend_png(trend: pd.DataFrame, scale: float = 2.0) -> bytes:
    import vl_convert

    # The chart definition lives with the pages' widgets; importing it pulls in Streamlit's module
    # (not a server). If the chart moves to a Streamlit-free module, only this import changes.
    from lib.ui.charts import trend_chart

    # `day` holds date objects, which Altair's JSON encoder refuses (Streamlit sends Arrow instead).
    chart = trend_chart(trend.assign(day=trend["day"].astype(str))).properties(background="white")
    for part in chart.vconcat:  # the page stretches to its container; a file needs a width
        part.width = 760
    # Indonesian number and date formats. The data is inline in the spec (Altair inlines the frame);
    # no base URL is allowed, so rendering never fetches anything.
    return bytes(vl_convert.vegalite_to_png(chart.to_json(), scale=scale, format_locale=NUMBERS_ID,
                                            time_format_locale=DATES_ID, allowed_base_urls=[]))
