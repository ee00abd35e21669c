"""The zswap-off baseline of a configuration: the same machine, swap device and workload with
zswap disabled, the yardstick for "does zswap pay here?"."""

from __future__ import annotations

from .config import Config

ZSWAP_KNOBS = tuple(
    n for n, t in Config.knobs().items() if t.metadata["group"] in ("zswap", "patches")
)


def off_baseline(config: Config) -> Config:
    """config with kernel="off".

    The zswap knobs do not matter when zswap is off, so they are set to their defaults: every
    configuration that differs only in zswap knobs has the same baseline (one run serves them all).
    """
    default = Config()
    zswap = {n: getattr(default, n) for n in ZSWAP_KNOBS}
    return config.replace(**{**zswap, "kernel": "off"})
