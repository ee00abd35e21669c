"""Scenario codes: a short string that reproduces a `Config` exactly, to paste and share.

``to_code(config)`` gives ``"zsw1:"`` + urlsafe base64 of the zlib-compressed JSON of the knobs that
differ from `Config()`; ``from_code(code)`` gives the Config back. Pure Python, no widgets.
"""

from __future__ import annotations

import base64
import binascii
import json
import zlib

from traitlets import TraitError

from .config import Config

PREFIX = "zsw1:"
MAX_CODE_CHARS = 4096


def to_code(config: Config) -> str:
    """The scenario code of config (only the knobs that differ from the defaults are stored)."""
    changed = config.to_dict(only_changed=True)
    raw = json.dumps(changed, sort_keys=True, separators=(",", ":"), allow_nan=False)
    packed = zlib.compress(raw.encode(), 9)
    return PREFIX + base64.urlsafe_b64encode(packed).decode().rstrip("=")


def from_code(code: str) -> Config:
    """The Config of a scenario code. Raises ValueError (bad code) or TraitError (bad knob)."""
    if not isinstance(code, str):
        raise ValueError(f"a scenario code is a string, not {type(code).__name__}")
    code = "".join(code.split())  # pasted codes may carry spaces or line breaks
    if not code.startswith(PREFIX):
        shown = code[:12] + ("…" if len(code) > 12 else "")
        raise ValueError(f"scenario code {shown!r} does not start with {PREFIX!r}")
    if len(code) > MAX_CODE_CHARS:
        raise ValueError(f"scenario code is {len(code)} characters long; at most {MAX_CODE_CHARS}")
    body = code[len(PREFIX) :]
    try:
        packed = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        raw = zlib.decompressobj().decompress(packed, 1 << 16)
        values = json.loads(raw)
    except (binascii.Error, ValueError, zlib.error) as e:
        raise ValueError(
            f"scenario code is damaged (not base64 of compressed JSON: {e}); copy it again"
        ) from None
    except RecursionError:
        raise ValueError(
            "scenario code is damaged (JSON nested too deeply); copy it again"
        ) from None
    if not isinstance(values, dict):
        raise ValueError(f"scenario code holds {type(values).__name__}, not a dict of knobs")
    try:
        return Config(**values)
    except TraitError as e:
        raise TraitError(f"scenario code: {e}") from None
