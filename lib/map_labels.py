"""Where each unit's name goes on the backlog map, so that neighbouring units' names are never
drawn on top of each other (Polda Metro Jaya and Polda Banten are ~60 km apart: one spot at the
national zoom).

deck.gl draws every label where it is told, and its GPU collision filter does not run on every
browser (it drew no names at all in headless Chromium). So the names are placed here, at the map's
first view, in screen pixels: the unit with more waiting first, each name above its dot, else
below it, else left out (its dot and tooltip still name the unit; zooming in separates them)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

CHAR_PX = 8.0  # width of one character of the map's 13 px label font, a little generous
LINE_PX = 16.0
GAP_PX = 18.0  # from the dot's centre to the near edge of its name
ABOVE = (0.0, -GAP_PX)  # pixel offsets for a name anchored by its bottom edge
BELOW = (0.0, GAP_PX + LINE_PX)


@dataclass(frozen=True)
class Box:
    left: float
    top: float
    right: float
    bottom: float

    def overlaps(self, other: Box) -> bool:
        return self.left < other.right and other.left < self.right and self.top < other.bottom \
            and other.top < self.bottom


def _pixels(lat: float, lon: float, zoom: float) -> tuple[float, float]:
    """Web Mercator world pixels at `zoom`, as deck.gl's map view counts them (512-pixel tiles)."""
    scale = 512 * 2 ** zoom
    lat = max(-85.0, min(85.0, lat))
    y = math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))
    return lon / 360 * scale, -y / (2 * math.pi) * scale


def _box(x: float, y: float, label: str, offset: tuple[float, float]) -> Box:
    width = len(label) * CHAR_PX
    bottom = y + offset[1]
    return Box(x - width / 2, bottom - LINE_PX, x + width / 2, bottom)


def place(lats: Sequence[float], lons: Sequence[float], labels: Sequence[str], weights: Sequence[float],
          zoom: float) -> list[tuple[float, float] | None]:
    """For each name, the pixel offset (x, y) of its bottom-centre from its dot, or None when it
    has no free place. Heavier `weights` (units with more waiting) are placed first."""
    order = sorted(range(len(labels)), key=lambda i: (-weights[i], i))
    placed: list[Box] = []
    out: list[tuple[float, float] | None] = [None] * len(labels)
    for i in order:
        x, y = _pixels(lats[i], lons[i], zoom)
        for offset in (ABOVE, BELOW):
            box = _box(x, y, labels[i], offset)
            if not any(box.overlaps(other) for other in placed):
                placed.append(box)
                out[i] = offset
                break
    return out
