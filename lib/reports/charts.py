"""The report's trend chart as a PNG: the very Altair chart the pages draw (`lib.charts`),
rendered by vl-convert (Vega-Lite compiled and drawn in-process, no browser, no network)."""

from __future__ import annotations

import pandas as pd

from lib.charts import LOCALE, trend_chart


def trend_png(trend: pd.DataFrame, scale: float = 2.0) -> bytes:
    import vl_convert

    # `day` holds date objects, which Altair's JSON encoder refuses (Streamlit sends Arrow instead).
    chart = trend_chart(trend.assign(day=trend["day"].astype(str))).properties(background="white")
    for part in chart.vconcat:  # the page stretches to its container; a file needs a width
        part.width = 760
    # Indonesian number and date formats. The data is inline in the spec (Altair inlines the frame);
    # no base URL is allowed, so rendering never fetches anything.
    return bytes(vl_convert.vegalite_to_png(chart.to_json(), scale=scale, format_locale=LOCALE["number"],
                                            time_format_locale=LOCALE["time"], allowed_base_urls=[]))
