"""Colours and line styles of the dashboard, safe for colour-blind readers.

The Okabe-Ito palette (Okabe and Ito, "Color Universal Design", 2008) stays distinguishable
under deuteranopia and protanopia; the threshold lines also differ by dash pattern, and every
stage band carries its number, so no meaning rests on hue alone.
"""

from __future__ import annotations

OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky blue": "#56B4E9",
    "bluish green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish purple": "#CC79A7",
}
_C = OKABE_ITO

STAGE_COLORS = {
    1: _C["sky blue"],
    2: _C["bluish green"],
    3: _C["yellow"],
    4: _C["vermillion"],
    5: _C["reddish purple"],
}
# Text on a stage's full-colour chip: dark on the light colours, white on the dark ones.
STAGE_TEXT = {1: "#000000", 2: "#ffffff", 3: "#000000", 4: "#ffffff", 5: "#000000"}

# threshold -> (colour, bqplot line_style)
THRESHOLD_STYLE = {
    "max": (_C["vermillion"], "dashed"),
    "shrink start": (_C["orange"], "dash_dotted"),
    "accept": (_C["blue"], "dotted"),
}
MEMORY_COLORS = [_C["blue"], _C["black"], _C["bluish green"], _C["reddish purple"], _C["orange"]]
IO_COLORS = [_C["vermillion"], _C["orange"], _C["blue"]]
CPU_COLORS = [_C["blue"], _C["orange"]]
ELAPSED_COLOR = _C["bluish green"]
STALL_COLOR = _C["vermillion"]
LATENCY_COLOR = _C["reddish purple"]
NEUTRAL = "#37474f"
GHOST_COLOR = "#9e9e9e"
BAR_COLORS = [_C["blue"], _C["orange"]]  # the runs shown (this run / compare's second)
OFF_COLOR = "#9e9e9e"
PUBLISHED_COLOR = "#d9d9d9"
