"""Grids of knob values for a sweep: checking them against `Config`, reading them from text and a
default grid per knob from its range and step.

Text syntax (the CLI's ``--grid NAME=SPEC`` and the sweep panel's fields):

- ``start:stop:step`` for Int and Float knobs: start, start + step, ... up to stop, which is
  included when it lands on a step (``5:50:5`` is 5, 10, ..., 50; ``5:52:5`` ends at 50). Float
  ranges are computed in decimal, so ``0.1:0.3:0.1`` is 0.1, 0.2, 0.3 exactly.
- ``a,b,c`` for any knob: the values as listed (``true``/``false`` for Bool knobs, ``none`` where a
  knob allows None, the names for choice knobs such as ``kernel=off,patches-1-3,patches-1-6``).
"""

from __future__ import annotations

import itertools
import numbers
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from traitlets import Bool, Enum, Float, Int, TraitError

from ..model.config import Config

MAX_POINTS = 10_000  # a grid larger than this is almost surely a typo (a range over seeds...)
DEFAULT_INTERVALS = 10  # a default grid has at most this many steps (11 values)
_TRUE = ("true", "on", "yes", "1")
_FALSE = ("false", "off", "no", "0")


class GridError(TraitError, ValueError):
    """A grid that cannot run: the message names the knob, the value and what is allowed."""


# ---------------------------------------------------------------------------------- checking
def check_grid(grid: Mapping[str, Any]) -> tuple[tuple[str, ...], list[tuple]]:
    """The grid's knobs and their values, each value checked against Config.

    Raises GridError for an unknown knob, an empty or repeated value, a value outside a knob's
    range, or a grid larger than MAX_POINTS.
    """
    if not isinstance(grid, Mapping):
        raise GridError(f"grid must map knob names to values, not {type(grid).__name__}")
    knobs = tuple(grid)
    values = [_values(name, grid[name]) for name in knobs]
    n = 1
    for v in values:
        n *= len(v)
    if n > MAX_POINTS:
        sizes = " x ".join(str(len(v)) for v in values)
        raise GridError(f"grid has {n} points ({sizes}); at most {MAX_POINTS}")
    return knobs, values


def grid_configs(config: Config, knobs: tuple[str, ...], values: list[tuple]) -> list[Config]:
    """The Config of every grid point, in grid order (the last knob varies fastest).

    Raises GridError naming the grid point if the knobs' rules fail there (e.g. shrink_start_percent
    below accept_threshold_percent).
    """
    base = config.to_dict()
    out = []
    for point in itertools.product(*values):
        changes = dict(zip(knobs, point, strict=True))
        try:
            out.append(Config(**{**base, **changes}))
        except TraitError as e:
            where = ", ".join(f"{k}={v!r}" for k, v in changes.items())
            raise GridError(f"grid point {where}: {e}") from None
    return out


def _values(name: str, raw: Any) -> tuple:
    knobs = Config.knobs()
    if name not in knobs:
        raise GridError(f"grid: unknown knob {name!r}; allowed: {', '.join(knobs)}")
    if isinstance(raw, str) or not isinstance(raw, Iterable):
        raw = [raw]
    values = tuple(itertools.islice(raw, MAX_POINTS + 1))
    if len(values) > MAX_POINTS:
        raise GridError(f"grid {name}: more than {MAX_POINTS} values")
    values = tuple(_typed(name, v) for v in values)
    if not values:
        raise GridError(f"grid {name}: no values; give at least one ({Config.allowed(name)})")
    seen = set()
    for v in values:
        if v in seen:
            raise GridError(f"grid {name}: {v!r} is given twice")
        seen.add(v)
    probe = Config()
    for v in values:
        try:
            # The knob's own range only: rules between knobs are checked per grid point.
            with probe.hold_trait_notifications():
                setattr(probe, name, v)
        except TraitError as e:
            raise GridError(f"grid {e}") from None
    return values


def _typed(name: str, v: Any) -> Any:
    """v as the knob's type (numpy numbers become Python ones); GridError if it is not one."""
    trait = Config.knobs()[name]
    ok = False
    if v is None:
        ok = trait.allow_none
    elif isinstance(trait, Bool):
        ok = isinstance(v, bool) or type(v).__name__ == "bool_"
        v = bool(v) if ok else v
    elif isinstance(trait, Int):
        ok = isinstance(v, numbers.Integral) and not isinstance(v, bool)
        v = int(v) if ok else v
    elif isinstance(trait, Float):
        ok = isinstance(v, numbers.Real) and not isinstance(v, bool)
        v = float(v) if ok else v
    elif isinstance(trait, Enum):
        ok = v in trait.values
    if not ok:
        raise GridError(f"grid {name} = {v!r} is not allowed: must be {Config.allowed(name)}")
    return v


# ---------------------------------------------------------------------------------- text
def parse_item(text: str) -> tuple[str, list[Any]]:
    """'name=spec' (the CLI's --grid) -> (name, values)."""
    name, eq, spec = text.partition("=")
    name = name.strip()
    if not eq or not name:
        raise GridError(f"--grid {text!r}: expected NAME=START:STOP:STEP or NAME=A,B,C")
    return name, parse_values(name, spec)


def parse_values(name: str, spec: str) -> list[Any]:
    """The values a text spec names for a knob (syntax in the module docstring)."""
    knobs = Config.knobs()
    if name not in knobs:
        raise GridError(f"grid: unknown knob {name!r}; allowed: {', '.join(knobs)}")
    spec = spec.strip()
    if not spec:
        raise GridError(f"grid {name}: no values; give START:STOP:STEP or A,B,C")
    if ":" in spec:
        return _parse_range(name, spec)
    return [parse_value(name, part) for part in spec.split(",")]


def parse_value(name: str, raw: str) -> Any:
    """One value as text -> the knob's type (GridError naming the knob if it is not one)."""
    trait = Config.knobs()[name]
    text = raw.strip()
    low = text.lower()
    if low == "none" and trait.allow_none:
        return None
    try:
        if isinstance(trait, Bool):
            if low not in _TRUE + _FALSE:
                raise ValueError
            return low in _TRUE
        if isinstance(trait, Int):
            return int(text)
        if isinstance(trait, Float):
            return float(text)
    except ValueError:
        raise GridError(
            f"grid {name} = {text!r} is not allowed: must be {Config.allowed(name)}"
        ) from None
    if text not in trait.values:
        raise GridError(f"grid {name} = {text!r} is not allowed: must be {Config.allowed(name)}")
    return text


def _parse_range(name: str, spec: str) -> list[Any]:
    trait = Config.knobs()[name]
    if not isinstance(trait, Int | Float):
        raise GridError(
            f"grid {name}={spec}: a START:STOP:STEP range needs a numeric knob; "
            f"give a comma list ({Config.allowed(name)})"
        )
    parts = spec.split(":")
    try:
        if len(parts) != 3:
            raise InvalidOperation
        start, stop, step = (Decimal(p.strip()) for p in parts)
        if not all(x.is_finite() for x in (start, stop, step)):
            raise InvalidOperation
    except InvalidOperation:
        raise GridError(f"grid {name}={spec}: expected START:STOP:STEP, e.g. 5:50:5") from None
    if step <= 0:
        raise GridError(f"grid {name}={spec}: STEP must be above 0")
    if stop < start:
        raise GridError(f"grid {name}={spec}: STOP ({stop}) is below START ({start})")
    n = int((stop - start) / step) + 1
    if n > MAX_POINTS:
        raise GridError(f"grid {name}={spec}: {n} values; at most {MAX_POINTS}")
    values = [start + i * step for i in range(n)]
    if isinstance(trait, Int):
        if any(v != v.to_integral_value() for v in values):
            raise GridError(
                f"grid {name}={spec}: {name} takes whole numbers ({Config.allowed(name)})"
            )
        return [int(v) for v in values]
    return [float(v) for v in values]


def format_values(values: Iterable[Any]) -> str:
    """Values as grid text: START:STOP:STEP when they are evenly spaced numbers, else A,B,C."""
    values = list(values)
    numeric = all(isinstance(v, numbers.Real) and not isinstance(v, bool) for v in values)
    if numeric and len(values) >= 3:
        d = [Decimal(repr(v)) for v in values]
        step = d[1] - d[0]
        if step > 0 and all(b - a == step for a, b in itertools.pairwise(d)):
            return f"{values[0]!r}:{values[-1]!r}:{step.normalize():f}"
    return ",".join(
        "none" if v is None else str(v).lower() if isinstance(v, bool) else str(v) for v in values
    )


def default_values(name: str) -> list[Any]:
    """A grid for a knob from its metadata: every choice of a choice knob, false and true for a
    Bool knob, and for a number at most DEFAULT_INTERVALS + 1 round values across its range, on
    multiples of the knob's step, unless the knob's metadata names a `sweep` range (start, stop,
    step), stop included (max_pool_percent: 5, 10, ..., 50)."""
    trait = Config.knobs()[name]
    if "sweep" in trait.metadata:
        start, stop, step = trait.metadata["sweep"]
        return list(range(start, stop + 1, step))
    if isinstance(trait, Enum):
        return list(trait.values)
    if isinstance(trait, Bool):
        return [False, True]
    m = trait.metadata
    lo, hi = Decimal(repr(m["min"])), Decimal(repr(m["max"]))
    unit = Decimal(repr(m.get("step", 1)))
    steps = (unit * k * 10**e for e in range(12) for k in (1, 2, 5))
    step = next(s for s in steps if (hi - lo) / s <= DEFAULT_INTERVALS)
    first = (lo / step).to_integral_value(rounding="ROUND_CEILING") * step
    values = []
    v = first
    while v <= hi:
        values.append(v)
        v += step
    if isinstance(trait, Int):
        return [int(v) for v in values]
    return [float(v) for v in values]
