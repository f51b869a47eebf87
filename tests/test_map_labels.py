"""Names on the backlog map never overlap at its first view (lib/map_labels.py)."""

from __future__ import annotations

from lib.map_labels import ABOVE, BELOW, place

# Polda Metro Jaya and Polda Banten (~60 km apart), Kalimantan Timur and Papua, at the national zoom.
LATS = [-6.2, -6.12, -0.5, -2.53]
LONS = [106.82, 106.15, 117.15, 140.72]
NAMES = ["Metro Jaya", "Banten", "Kalimantan Timur", "Papua"]


def test_neighbours_share_the_spot_above_and_below_and_the_busier_one_is_on_top() -> None:
    out = place(LATS, LONS, NAMES, [10, 40, 5, 1], zoom=2.0)
    assert out[1] == ABOVE and out[0] == BELOW  # Banten has more waiting: it keeps the place above
    assert out[2] == ABOVE and out[3] == ABOVE  # far from the others: where they always were


def test_a_name_with_no_free_place_is_left_out() -> None:
    out = place([-6.2] * 3, [106.8] * 3, ["Polsek A", "Polsek B", "Polsek C"], [3, 2, 1], zoom=6.0)
    assert out == [ABOVE, BELOW, None]


def test_zoomed_in_the_same_neighbours_no_longer_collide() -> None:
    assert place(LATS[:2], LONS[:2], NAMES[:2], [10, 40], zoom=9.0) == [ABOVE, ABOVE]
