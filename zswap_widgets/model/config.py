"""`Config`: the single source of truth for every knob of the model.

Each knob is a traitlets trait carrying its range, step, unit, group and a one-line description as
metadata (`Config.knobs()` lists them), so the widget layer generates its controls from here.
Kernel names are used wherever the kernel has one (max_pool_percent, accept_threshold_percent, ...).
`Config()` is the cover letter's benchmark setup; see README "Calibration" for where each default
comes from.
"""

from __future__ import annotations

import math
import re
from typing import Any

from traitlets import Bool, Enum, Float, HasTraits, Int, TraitError, TraitType, validate

from .compressors import available_compressors, missing_extra
from .costs import CPU_COSTS, CPU_US
from .kernels import KERNELS, PATCH_TITLES, KernelPreset

GROUPS = ("zswap", "patches", "machine", "swap device", "workload", "cgroups", "simulation")


def allowed_values(trait: TraitType) -> str:
    """What values a knob's trait allows, as a sentence fragment."""
    m = trait.metadata
    if isinstance(trait, Enum):
        return "one of " + ", ".join(map(str, trait.values))
    if isinstance(trait, Bool):
        return (
            "true, false or None (follow the kernel preset)"
            if trait.allow_none
            else "true or false"
        )
    unit = f" {m['unit']}" if m.get("unit") else ""
    kind = "a whole number" if isinstance(trait, Int) else "a number"
    none = " or None" if trait.allow_none else ""
    return f"{kind} from {m['min']} to {m['max']}{unit}{none}"


class _Strict:
    """A knob's trait: refuses what traitlets would coerce (True for a number, 1 for true) and
    says in one line what is allowed."""

    def error(self, obj: Any, value: Any, error: Any = None, info: Any = None) -> Any:
        raise TraitError(f"{self.name} = {value!r} is not allowed: must be {allowed_values(self)}")


class _Int(_Strict, Int):
    def validate(self, obj: Any, value: Any) -> Any:
        if isinstance(value, bool):
            self.error(obj, value)
        return super().validate(obj, value)


class _Float(_Strict, Float):
    def validate(self, obj: Any, value: Any) -> Any:
        if isinstance(value, bool):
            self.error(obj, value)
        return super().validate(obj, value)


class _Bool(_Strict, Bool):
    def validate(self, obj: Any, value: Any) -> Any:
        if not isinstance(value, bool):
            self.error(obj, value)
        return value


class _Choice(_Strict, Enum):
    def error(self, obj: Any, value: Any, error: Any = None, info: Any = None) -> Any:
        extra = (
            missing_extra(value) if self.name == "compressor" and isinstance(value, str) else None
        )
        if extra:
            raise TraitError(f"{self.name} = {value!r} is not allowed: {extra}")
        super().error(obj, value)


def _knob(trait: type, default: Any, group: str, description: str, **meta: Any) -> Any:
    """A trait with the metadata the widgets and the validators read."""
    kwargs = {"allow_none": True} if default is None else {}
    return trait(default, **kwargs).tag(group=group, description=description, **meta)


def _choice(values: tuple[str, ...], default: str, group: str, description: str) -> Any:
    return _Choice(values, default_value=default).tag(group=group, description=description)


def _int(default, lo, hi, group, description, unit="", step=1, **metadata):
    return _knob(
        _Int, default, group, description, min=lo, max=hi, step=step, unit=unit, **metadata
    )


def _float(default, lo, hi, group, description, unit="", step=0.1):
    return _knob(_Float, default, group, description, min=lo, max=hi, step=step, unit=unit)


def _patch(n: int) -> Any:
    return _knob(
        _Bool,
        None,
        "patches",
        f"patch {n}/6, '{PATCH_TITLES[n]}': on, off, or None to follow the kernel preset",
    )


class Config(HasTraits):
    """Every parameter of one scenario. Invalid values raise `traitlets.TraitError`."""

    # --- zswap (module parameters and the series' knobs) ---
    kernel = _choice(
        tuple(KERNELS),
        "patches-1-6",
        "zswap",
        "kernel preset: which patches and upstream changes apply",
    )
    max_pool_percent = _int(
        25,
        1,
        100,
        "zswap",
        "max_pool_percent: pool limit as a share of total RAM",
        "%",
        sweep=(5, 50, 5),  # a sweep's default values: above 50 % the pool crowds out the workload
    )
    accept_threshold_percent = _int(
        50,
        0,
        100,
        "zswap",
        "accept_threshold_percent: the shrinker writes back down to this share of the max pool",
        "%",
        sweep=(10, 90, 10),  # 0 and 100 are the edge cases, not the hysteresis band
    )
    shrink_start_percent = _int(
        None,
        0,
        100,
        "zswap",
        "patch 3: queue the shrinker from this share of the max pool (None: accept + 1 %)",
        "%",
    )
    shrinker_delay_ms = _int(
        500,
        0,
        5000,
        "zswap",
        "patch 6: writeback waits this long after a rejected store or a load miss",
        "ms",
        step=50,
    )
    allocator = _choice(
        ("zsmalloc", "zbud", "z3fold"), "zsmalloc", "zswap", "zpool: the allocator of the pool"
    )
    compressor = _choice(
        available_compressors(), "lz4", "zswap", "compressor: run for real on each sampled page"
    )
    second_chance = _knob(
        _Bool,
        None,
        "zswap",
        "6.12's second chance: entries are stored referenced and the shrinker rotates each once "
        "before it may write it back; on, off, or None to follow the kernel preset",
    )

    patch1 = _patch(1)
    patch2 = _patch(2)
    patch3 = _patch(3)
    patch4 = _patch(4)
    patch5 = _patch(5)
    patch6 = _patch(6)

    # --- machine ---
    ram_mib = _int(1024, 128, 65536, "machine", "RAM of the VM", "MiB", step=64)
    kernel_reserved_mib = _int(
        57, 0, 4096, "machine", "RAM the kernel keeps for itself (not in totalram_pages)", "MiB"
    )
    baseline_used_mib = _int(
        21, 0, 65536, "machine", "memory other processes use before the run", "MiB"
    )
    vcpus = _int(2, 1, 64, "machine", "virtual CPUs shared by the process, kswapd and the shrinker")
    cpu_costs = _choice(
        tuple(CPU_COSTS),
        "x86",
        "machine",
        "CPU cost of each kernel operation: a modern x86 core, or qemu-tcg, the emulated CPU of "
        "the measured 6.12 traces (each kernel path measured on its own)",
    )
    cpu_speed = _float(
        1.0,
        0.05,
        4.0,
        "machine",
        "kernel-mode CPU speed relative to the cpu_costs machine (0.5: every kernel operation "
        "takes twice as long)",
        step=0.05,
    )
    user_cpu_speed = _float(
        1.0,
        0.01,
        4.0,
        "machine",
        "user-mode CPU speed relative to a modern x86 core (0.031: QEMU TCG, the 6.12 traces' "
        "4.82 s of user time against the cover letter's 0.149 s)",
        step=0.001,
    )
    watermark_scale_factor = _int(
        10, 1, 3000, "machine", "vm.watermark_scale_factor: low/high watermark spacing", "1/10000"
    )

    # --- swap device ---
    swap_iops = _int(
        3500, 50, 1_000_000, "swap device", "IOPS limit of the swap device", "IO/s", 50
    )
    swap_bandwidth_mib_s = _int(
        170, 1, 100_000, "swap device", "bandwidth limit of the swap device", "MiB/s"
    )
    swap_latency_ms = _float(
        2.0, 0.0, 100.0, "swap device", "base latency of one request", "ms", step=0.1
    )
    swap_merge_pages = _int(
        8,
        1,
        256,
        "swap device",
        "pages of one reclaim batch merged into one write request (writeback bios are unplugged; see merge_queued_writes)",
        "pages",
    )
    swap_queue_depth = _int(
        128, 1, 4096, "swap device", "nr_requests: a full queue blocks the submitter", "requests"
    )
    merge_queued_writes = _knob(
        _Bool,
        False,
        "swap device",
        "adjacent writes waiting at the device merge into one request (QEMU's virtio-blk does; "
        "a cloud disk's host-side throttle counts each request)",
    )
    write_expire_ms = _int(
        5000, 10, 60000, "swap device", "mq-deadline write_expire: reads go first until then", "ms"
    )

    # --- workload ---
    alloc_mib = _int(2048, 1, 65536, "workload", "memory the process allocates and writes", "MiB")
    compressible_fraction = _float(
        0.75,
        0.0,
        1.0,
        "workload",
        "share of each page that is compressible filler; the rest is random bytes",
        step=0.05,
    )
    filler = _choice(
        ("text", "byte", "zero"),
        "text",
        "workload",
        "the compressible part: text-like words, one repeated byte, or zeros",
    )
    alloc_rate_mib_s = _int(
        1700,
        1,
        10_000,
        "workload",
        "allocation speed with free memory at hand, on a modern x86 core (user time plus "
        "the page fault; slower CPUs allocate slower)",
        "MiB/s",
    )
    idle_s = _float(15.0, 0.0, 600.0, "workload", "idle tail after the allocation", "s", step=0.5)
    reaccess_mib = _int(
        0, 0, 65536, "workload", "after the idle tail, read back this much (oldest first)", "MiB"
    )
    seed = _int(0, 0, 2**31 - 1, "workload", "random seed of page contents and placement")

    # --- cgroups ---
    nr_memcgs = _int(
        31, 1, 4096, "cgroups", "online memcgs in the shrinker's walk (the workload's included)"
    )
    empty_memcgs = _int(
        11, 0, 4096, "cgroups", "memcgs with nothing in zswap (systemd slices, idle services)"
    )
    offline_memcgs = _int(0, 0, 4096, "cgroups", "offline (dying) memcgs still in the tree")

    # --- simulation ---
    step_ms = _float(1.0, 0.1, 10.0, "simulation", "time step of the model", "ms", step=0.1)
    max_time_s = _float(
        300.0, 1.0, 3600.0, "simulation", "stop the run after this much simulated time", "s", 1.0
    )

    _KNOBS = tuple(
        n for n, t in list(locals().items()) if isinstance(t, TraitType) and "group" in t.metadata
    )

    def __init__(self, **kwargs: Any) -> None:
        unknown = sorted(set(kwargs) - set(self.knobs()))
        if unknown:
            raise TraitError(
                f"unknown parameter {unknown[0]!r}; allowed: {', '.join(sorted(self.knobs()))}"
            )
        super().__init__(**kwargs)
        self._check_rules()

    # ------------------------------------------------------------------ metadata
    @classmethod
    def knobs(cls) -> dict[str, Any]:
        """Name -> trait, for every knob, in declaration order (the story's order: kernel,
        max_pool_percent, accept_threshold_percent, ...; class_traits() sorts by name)."""
        traits = cls.class_traits()
        return {name: traits[name] for name in cls._KNOBS}

    @classmethod
    def parse(cls, name: str, text: str) -> Any:
        """A knob's value from typed text, strictly: "3.7" is no whole number, "1e3" none
        either, "abc" no number; the value must also be in range. Raises TraitError with the
        one-line message."""
        trait = cls.knobs()[name]
        raw = str(text).strip()
        if raw.lower() in ("none", "auto", "") and trait.allow_none:
            return None
        try:
            if isinstance(trait, Bool):
                if raw.lower() not in ("true", "false"):
                    raise ValueError
                value: Any = raw.lower() == "true"
            elif isinstance(trait, Int):
                if not re.fullmatch(r"[+-]?\d+", raw):
                    raise ValueError
                value = int(raw)
            elif isinstance(trait, Float):
                value = float(raw)
                if not math.isfinite(value):
                    raise ValueError
            else:
                value = raw
                if value not in trait.values:
                    raise ValueError
        except ValueError:
            allowed = cls.allowed(name)
            if isinstance(trait, Int):
                allowed = allowed.replace("a number", "a whole number")
            raise TraitError(f"{name} = {raw!r} is not allowed: must be {allowed}") from None
        m = trait.metadata
        if "min" in m and not (m["min"] <= value <= m["max"]):
            raise TraitError(f"{name} = {value!r} is not allowed: must be {cls.allowed(name)}")
        return value

    @classmethod
    def allowed(cls, name: str) -> str:
        """What values a knob allows, as a sentence fragment."""
        return allowed_values(cls.class_traits()[name])

    # ------------------------------------------------------------------ validation
    @validate(*_KNOBS)
    def _check_range(self, proposal: dict) -> Any:
        name = proposal["trait"].name
        value = proposal["value"]
        m = proposal["trait"].metadata
        if value is None:
            return value
        if isinstance(value, float) and not math.isfinite(value):
            self._fail(name, value)
        if "min" in m and not (m["min"] <= value <= m["max"]):
            self._fail(name, value)
        if not self._cross_validation_lock:
            self._check_rules({name: value})
        return value

    def _fail(self, name: str, value: Any, why: str | None = None) -> None:
        raise TraitError(
            f"{name} = {value!r} is not allowed: {why or 'must be ' + self.allowed(name)}"
        )

    def _check_rules(self, pending: dict[str, Any] | None = None) -> None:
        """Rules between knobs; `pending` holds a value about to be set."""
        v = {n: getattr(self, n) for n in self.knobs()}
        v.update(pending or {})
        preset = KERNELS[v["kernel"]]
        s = v["shrink_start_percent"]
        if s is not None and not (v["accept_threshold_percent"] <= s <= 100):
            name = (
                "shrink_start_percent"
                if "accept_threshold_percent" not in (pending or {})
                else ("accept_threshold_percent")
            )
            self._fail(
                name,
                v[name],
                f"shrink_start_percent ({s}) must lie between accept_threshold_percent "
                f"({v['accept_threshold_percent']}) and 100",
            )
        if preset.enabled and v["allocator"] not in preset.allocators:
            name = "allocator" if "kernel" not in (pending or {}) else "kernel"
            self._fail(
                name,
                v[name],
                f"kernel {preset.name} has only {', '.join(preset.allocators)}; "
                f"allocator {v['allocator']!r} was removed",
            )
        if v["empty_memcgs"] + v["offline_memcgs"] >= v["nr_memcgs"] + v["offline_memcgs"]:
            name = next(
                (n for n in ("empty_memcgs", "nr_memcgs") if n in (pending or {})), "empty_memcgs"
            )
            self._fail(
                name,
                v[name],
                f"empty_memcgs ({v['empty_memcgs']}) must be less than nr_memcgs "
                f"({v['nr_memcgs']}): the workload's own memcg is never empty",
            )
        fault_us = CPU_US["fault"]
        page_us = 1e6 / (v["alloc_rate_mib_s"] * 256)
        if page_us <= fault_us:
            self._fail(
                "alloc_rate_mib_s",
                v["alloc_rate_mib_s"],
                f"alloc_rate_mib_s ({v['alloc_rate_mib_s']}) leaves {page_us:.2f} us per page "
                f"on a modern x86 core, less than the page fault's {fault_us:.2f} us; "
                f"allowed: alloc_rate_mib_s below {1e6 / (fault_us * 256):.0f}",
            )
        ram = v["ram_mib"] - v["kernel_reserved_mib"]
        if ram < 64 or v["baseline_used_mib"] > ram - 32:
            name = next(
                (n for n in ("kernel_reserved_mib", "baseline_used_mib") if n in (pending or {})),
                "ram_mib",
            )
            self._fail(
                name,
                v[name],
                f"ram_mib - kernel_reserved_mib ({ram} MiB) must be at least 64 MiB and leave "
                f"32 MiB beside baseline_used_mib ({v['baseline_used_mib']} MiB)",
            )

    # ------------------------------------------------------------------ derived values
    @classmethod
    def preset_knobs(cls) -> tuple[str, ...]:
        """The knobs that follow the kernel preset while None (patch1..6, second_chance)."""
        return tuple(n for n, t in cls.knobs().items() if isinstance(t, Bool) and t.allow_none)

    @staticmethod
    def preset_applies(kernel: str, name: str) -> bool:
        """What kernel preset `kernel` does for the preset knob `name`."""
        preset = KERNELS[kernel]
        if name.startswith("patch"):
            return preset.has(int(name[len("patch") :]))
        return bool(getattr(preset, name))

    @property
    def preset(self) -> KernelPreset:
        return KERNELS[self.kernel]

    def patch(self, n: int) -> bool:
        """Whether patch n applies: the explicit toggle if set, else the preset's choice."""
        explicit = getattr(self, f"patch{n}")
        return self.preset.has(n) if explicit is None else bool(explicit)

    @property
    def uses_second_chance(self) -> bool:
        """Whether the shrinker gives referenced entries a second chance: the explicit toggle if
        set, else the preset's choice (v6.12 and later)."""
        if self.second_chance is None:
            return self.preset.second_chance
        return bool(self.second_chance)

    @property
    def effective_shrink_start_percent(self) -> int:
        """Patch 3's start threshold: min(100, accept + 1) unless set."""
        if self.shrink_start_percent is not None:
            return self.shrink_start_percent
        return min(100, self.accept_threshold_percent + 1)

    def ignored(self) -> dict[str, str]:
        """The knobs this configuration's kernel does not read, each with the reason."""
        preset = self.preset
        if not preset.enabled:
            why = f"zswap is off under kernel preset {self.kernel}: no pool, no shrinker"
            return {
                n: why
                for n, t in self.knobs().items()
                if t.metadata["group"] in ("zswap", "patches") and n != "kernel"
            }
        out = {}
        if not self.patch(3):
            out["shrink_start_percent"] = (
                "patch 3 is off: shrink_worker is queued only when the pool is full"
            )
        if not self.patch(6):
            out["shrinker_delay_ms"] = "patch 6 is off: writeback does not wait after a rejection"
        if len(preset.allocators) == 1:
            out["allocator"] = f"kernel {preset.name} has only {preset.allocators[0]}"
        return out

    # ------------------------------------------------------------------ copies
    def to_dict(self, only_changed: bool = False) -> dict[str, Any]:
        out = {n: getattr(self, n) for n in self.knobs()}
        if only_changed:
            default = Config()
            out = {n: x for n, x in out.items() if x != getattr(default, n)}
        return out

    SCALED = (
        "ram_mib",
        "kernel_reserved_mib",
        "baseline_used_mib",
        "alloc_mib",
        "reaccess_mib",
        "swap_iops",
        "swap_bandwidth_mib_s",
        "swap_queue_depth",
    )

    def scaled(self, factor: float) -> Config:
        """The same story at another size: memory sizes, the swap device's limits and its
        queue depth (nr_requests) times `factor`, the time step divided by it, so that each step
        sees the same numbers of pages and requests and the timeline, the request latency and
        the five stages stay about those of the full scale."""
        if (
            isinstance(factor, bool)
            or not isinstance(factor, int | float)
            or not math.isfinite(factor)
            or factor <= 0
        ):
            raise TraitError(f"factor = {factor!r} is not allowed: must be a finite number above 0")
        changes = {n: max(int(getattr(self, n) * factor), 0) for n in self.SCALED}
        changes["swap_queue_depth"] = max(changes["swap_queue_depth"], 1)
        try:
            return self.replace(step_ms=self.step_ms / factor, **changes)
        except TraitError as e:
            raise TraitError(f"scaled({factor!r}) gives {e}") from None

    def scale_of(self, reference: Config | None = None) -> float | None:
        """The factor f with self == reference.scaled(f) for reference's scaled knobs and self's
        other knobs (reference: `Config()`, the cover letter's machine), or None."""
        ref = Config() if reference is None else reference
        f = self.ram_mib / ref.ram_mib
        if f <= 0:
            return None
        base = self.replace(step_ms=ref.step_ms, **{n: getattr(ref, n) for n in self.SCALED})
        try:
            return f if base.scaled(f) == self else None
        except TraitError:
            return None

    def replace(self, **changes: Any) -> Config:
        """A copy with some knobs changed."""
        return Config(**{**self.to_dict(), **changes})

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Config) and self.to_dict() == other.to_dict()

    def __hash__(self) -> int:
        return hash(tuple(sorted(self.to_dict().items())))

    def __repr__(self) -> str:
        changed = ", ".join(f"{k}={v!r}" for k, v in self.to_dict(only_changed=True).items())
        return f"Config({changed})"
