"""The stepwise model: pages, reclaim, zswap_store, the pool, shrink_worker and the swap device.

One `Simulation.step()` advances the clock by `step_ms`. In each step, in this order:

1. the swap device serves queued requests and completes those whose latency has passed;
2. kswapd reclaims while free memory is below the high watermark (it wakes below low);
3. shrink_worker (if queued or running) walks the memcgs and writes entries back;
4. the workload touches pages; below the min watermark it enters direct reclaim and stalls
   while its IO is in flight;
5. the step's series and the stage are recorded.

The parts live in their own modules: reclaim.py (reclaim and the LRU), zswap.py (zswap_store,
zswap_load), shrinker.py (shrink_worker and writeback), memcg_walk.py (its memcg walk),
process.py (the allocating process), device.py (the swap device), allocators.py (the pool's
pages). This module sets up the state, runs the step and records the series.

Simplifications, each noted where it is made: one anonymous LRU in allocation order (no
active/inactive lists, no file pages), a vCPU model that shares each step's time between the
runnable threads, and fixed CPU costs per operation (costs.py).
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np

from .allocators import make_allocator
from .compressors import COMPRESSORS, PAGE_SIZE
from .config import Config
from .costs import COMPRESS_SLOWDOWN, CPU_COSTS, CPU_US
from .cycles import PeriodicSkip
from .device import SWAPIN, SWAPOUT, WRITEBACK, SwapDevice
from .drain import SteadyDrain
from .events import EventLog
from .guard import Budget, RunTooLarge, as_budget, check, ran_too_long
from .machine import PAGES_PER_MIB, Machine
from .memcg_walk import EMPTY as MEMCG_EMPTY
from .memcg_walk import OFFLINE as MEMCG_OFFLINE
from .memcg_walk import SERVICE as MEMCG_SERVICE
from .memcg_walk import WORKLOAD as MEMCG_WORKLOAD
from .memcg_walk import MemcgWalk
from .process import AllocatingProcess
from .reclaim import Reclaim
from .results import COUNTERS, GAVE_UP, IDLE, QUEUED, RUNNING, SERIES, SLEEPING, Run
from .results import stage_segments as _segments
from .series import SeriesRecorder
from .shrinker import ShrinkWorker
from .states import (
    ALLOC,
    DONE,
    IDLE_TAIL,
    KSWAPD,
    PROCESS,
    RAM,
    REACCESS,
    REJECT_SMOOTHING,
    SHRINKER,
    SWAP,
    ZSPAGE_SLACK,
)
from .story import narrate
from .workload import SAMPLE_PAGES, sample_lengths
from .zswap import ZswapPaths

SERVICE_ENTRIES = 16  # zswap entries each non-empty service memcg holds before the run


class Simulation(ZswapPaths, Reclaim, ShrinkWorker, SteadyDrain, PeriodicSkip, AllocatingProcess):
    """A zswap scenario that advances one time step at a time."""

    def __init__(self, config: Config | None = None) -> None:
        c = config if config is not None else Config()
        self.config = c
        self.dt = c.step_ms / 1000
        self.machine = m = Machine.from_config(c)
        rng = np.random.default_rng(c.seed)
        self._rng = rng

        # Behaviour switches.
        k = c.preset
        self.enabled = k.enabled
        self.hysteresis = not c.patch(3)
        self.mem_reclaim_wq = not c.patch(4)
        self.store_as_is = (c.patch(5) or k.store_incompressible_upstream) and self.enabled
        self.delay = c.shrinker_delay_ms / 1000 if c.patch(6) else 0.0
        self.zero_in_swap_layer = k.zero_pages_in_swap_layer
        self.second_chance = c.uses_second_chance and self.enabled
        self.compressor = COMPRESSORS[c.compressor]

        # Limits in pages (zswap_max_pages, zswap_accept_thr_pages, zswap_shrink_start_pages).
        self.max_pages = m.total_pages * c.max_pool_percent // 100
        self.accept_pages = self.max_pages * c.accept_threshold_percent // 100
        self.shrink_start_pages = (
            self.max_pages * c.effective_shrink_start_percent // 100
            if not self.hysteresis
            else self.max_pages
        )
        self.reached_full = False  # zswap_pool_reached_full (v6.10 hysteresis)

        # Pages and their contents: each handle takes one of the sampled real pages.
        self.n_pages = n = c.alloc_mib * PAGES_PER_MIB
        self.n_reaccess = min(c.reaccess_mib * PAGES_PER_MIB, n)
        services = max(c.nr_memcgs - 1 - c.empty_memcgs, 0)
        n_handles = n + services * SERVICE_ENTRIES
        lengths, same, zero = sample_lengths(c.compressor, c.compressible_fraction, c.filler)
        pick = rng.integers(0, SAMPLE_PAGES, n_handles)
        self.length = lengths[pick]
        self.same = same[pick]
        self.zero = zero[pick]
        self.where = np.zeros(n, dtype=np.int8)
        self.stored_length = np.zeros(n_handles, dtype=np.int32)
        # zswap_entry.referenced (v6.12+): set by zswap_store, cleared by the shrinker's rotation.
        self.referenced = np.zeros(n_handles, dtype=bool)

        # LRUs: the process's anonymous LRU and the workload memcg's zswap LRU, as FIFO arrays
        # whose live entries move to the front when the tail reaches the end (see _lru_push,
        # _zlru_compact). The LRU holds the resident pages: at most n and at most the RAM.
        self.lru_bound = min(n, m.total_pages - m.baseline_pages)
        self.lru = np.empty(n + self.lru_bound, dtype=np.int32)
        self.lru_head = self.lru_tail = 0
        self.zlru = np.empty(2 * n, dtype=np.int32)
        self.zpos = np.full(n, -1, dtype=np.int32)
        self.zhead = self.ztail = 0

        self.pool = make_allocator(c.allocator, n_handles, k.nr_zpools, rng)
        # Average pool pages each page would cost, for the limit check of a batch.
        self._obj_cost = self.pool.pages_per_object(self._stored_lengths(np.arange(n)))
        self._max_obj_cost = float(self._obj_cost.max(initial=0.0))
        self.device = SwapDevice(c, self.dt)

        # Memory accounting in pages.
        self._usable_pages = m.total_pages - m.baseline_pages
        self.resident = 0  # the process's pages in RAM
        self.inflight = 0  # pages under write IO (swap cache), reclaim and writeback
        self.reading = 0  # pages allocated for swap-in reads in flight
        self.on_swap = 0  # the process's pages on the swap device (where == SWAP)
        # Pages held for shrink_worker's next writeback folio: when free memory is at the min
        # watermark its GFP_KERNEL allocation reclaims one SWAP_CLUSTER_MAX batch and gets one
        # page when that batch's IO completes (the allocating process races for the rest).
        self.shrinker_pages = 0
        self._owner = KSWAPD

        # Memcg walk: root, then the other memcgs in a seeded order.
        kinds = (
            [MEMCG_WORKLOAD]
            + [MEMCG_SERVICE] * services
            + [MEMCG_EMPTY] * c.empty_memcgs
            + [MEMCG_OFFLINE] * c.offline_memcgs
        )
        order = rng.permutation(len(kinds))
        self.memcgs = [MEMCG_EMPTY] + [kinds[i] for i in order]  # root's own LRU holds nothing
        # Service memcgs' entries, stored before the run in walk order through the limits any
        # store meets; a memcg whose entries did not fit holds none (they went to disk).
        self.service_left = {}
        service = [i for i, kind in enumerate(self.memcgs) if kind == MEMCG_SERVICE]
        kept = self._store_before_run(np.arange(n, n_handles)) if self.enabled else 0
        for j, i in enumerate(service):
            hs = np.arange(n + j * SERVICE_ENTRIES, n + min((j + 1) * SERVICE_ENTRIES, kept))
            self.service_left[i] = list(hs[::-1])
        self.stored = kept
        self.walk = MemcgWalk(self.memcgs, c.patch(1), c.patch(2))
        self._workload_memcg = self.memcgs.index(MEMCG_WORKLOAD)
        for i, left in self.service_left.items():
            if not left:
                self.walk.drained(i)
        self._one_page = np.arange(n, dtype=np.int64)  # slices of it name single pages

        # Shrinker state.
        self.shrinker = IDLE
        self.delay_stamp = -1e9  # zswap_shrinker_delay_start (patch 6)
        self._rotations_since_writeback = 0  # for the narration of the LRU's ageing
        self._ageing_logged = 0

        # Workload state.
        self.phase = ALLOC
        self.next_page = 0  # next page to touch (allocation or re-access)
        self.alloc_end = None
        self.idle_end = None  # the idle tail lasts at least until then, and until the drain ends
        self.drain_end = None
        self.cut = False  # max_time_s ended the run early
        self.read_wait = 0  # pages of the read the process waits for
        self.cpu_carry_us = 0.0  # the process's CPU time saved for pending work (process.py)

        # kswapd's state carries over from step to step.
        self.kswapd_awake = False
        self._busy_cpus = 0.0  # vCPUs kswapd and the process kept busy in the last step
        self._cpu_debt = [0.0, 0.0, 0.0]  # CPU time each thread ran over, by KSWAPD etc.

        # Accounting.
        self.t = 0.0
        self.steps = 0
        self.active_steps = 0  # steps computed one by one (the others were quiet, see _skip)
        self.bulk_steps = 0  # of which in the steady drain's bulk (drain.py)
        self.user_s = 0.0
        self.sys_s = 0.0
        self.cnt = dict.fromkeys(COUNTERS, 0)
        self.step_rejects = 0
        self.step_queueing_rejects = 0  # rejected stores that queue shrink_worker
        self.rejects_per_step = 0.0  # their recent rate
        self.step_limit_rejects = 0
        self.step_stores = 0
        self.step_stall = 0.0
        self.step_latency: list[float] = []
        self._tag_quota = 0  # device tags the running thread may still take this step
        self._tag_carry = 0.0
        # CPU costs on this machine: the cpu_costs machine's figures divided by cpu_speed.
        self.cpu = {name: us / c.cpu_speed for name, us in CPU_COSTS[c.cpu_costs].items()}
        slowdown = COMPRESS_SLOWDOWN[c.cpu_costs] / c.cpu_speed
        self.compress_us = self.compressor.compress_us * slowdown
        self.decompress_us = self.compressor.decompress_us * slowdown
        # Config values read in the step loop, as plain attributes.
        self._merge = c.swap_merge_pages
        self._vcpus = c.vcpus
        self._max_time = c.max_time_s
        # One page of the allocation: the workload's user time (alloc_rate_mib_s on x86, less
        # the x86 fault, at user_cpu_speed) and the page fault on this machine.
        page_x86 = 1e6 / (c.alloc_rate_mib_s * PAGES_PER_MIB)
        self._page_us = (page_x86 - CPU_US["fault"]) / c.user_cpu_speed + self.cpu["fault"]
        self._reclaim_us_per_page = self.cpu["reclaim"] + (
            self.compress_us if self.enabled else 0.0
        )
        self._shrink_tag_carry = 0.0
        self._charge = 0.0  # CPU microseconds of the running thread's current reclaim batch
        self.events = EventLog(self)

        self.recorder = SeriesRecorder()
        self.bulk_drain = True  # take the steady drain's steps in bulk (drain.py; exact)
        self.skip_periods = True  # skip repeating periods of the allocation (cycles.py)
        self.cycle_steps = 0  # steps skipped so (not in active_steps)
        self._last_row: tuple = ()
        self._cycle_reset()
        self.alloc_cpu = None  # (user_s, sys_s) when the allocation finished
        self._stage = 1 if self.enabled else 0

    # ------------------------------------------------------------------ memory
    @property
    def pool_pages(self) -> int:
        return self.pool.total_pages

    @property
    def free_pages(self) -> int:
        return (
            self._usable_pages
            - self.pool.total_pages
            - self.resident
            - self.inflight
            - self.reading
            - self.shrinker_pages
        )

    # ------------------------------------------------------------------ device completions
    def _complete_io(self) -> None:
        dev = self.device
        t = self.t
        dev.serve(t)
        done = dev.complete(t)
        if not done:
            return
        latencies = self.step_latency
        written = []  # the pages of the completed writes, on the device now
        for done_t, kind, pages, submit_t, owner in done:
            latencies.append(done_t - submit_t)
            k = len(pages)
            if kind == SWAPIN:
                self.where[pages] = RAM
                self.reading -= k
                self.resident += k
                self._lru_push(pages)
                self.read_wait = 0
            else:
                written.append(pages)
                self.on_swap += k
                # A writeback of a service memcg's entry carries no process page but still
                # held one swap-cache folio (see ShrinkWorker._writeback_entry).
                self.inflight -= (k or 1) if kind == WRITEBACK else k
                if owner == SHRINKER and kind == SWAPOUT:
                    self.shrinker_pages += 1
        if written:
            self.where[written[0] if len(written) == 1 else np.concatenate(written)] = SWAP

    # ------------------------------------------------------------------ the step
    def step(self, n: int = 1) -> None:
        """Advance the model by n time steps."""
        while n > 0 and self.phase != DONE:
            quiet = self._quiet_steps(n)
            if quiet:
                self._skip(quiet)
                n -= quiet
                continue
            if self.phase == IDLE_TAIL:
                bulk = self._drain_steps(n) if self.bulk_drain else 0
            else:
                bulk = self._skip_cycles(n) if self.skip_periods else 0
            if bulk:
                n -= bulk
            else:
                self._step()
                if self.skip_periods:
                    self._observe_cycle()
                n -= 1

    def _quiet_steps(self, n: int) -> int:
        """How many of the next n steps are certain to change nothing but the clock: idle
        process, empty device, kswapd asleep and the shrinker idle or sleeping for the delay
        (the idle tail ends at idle_end at the earliest, when the drain is done)."""
        if self.phase != IDLE_TAIL or self.kswapd_awake or self.device.busy:
            return 0
        if self.shrinker == SLEEPING:
            until = self.delay_stamp + self.delay
        elif self.shrinker in (IDLE, GAVE_UP):
            until = self.idle_end
        else:
            return 0
        if self.t < self.idle_end:
            until = min(until, self.idle_end)
        until = min(until, self.config.max_time_s)
        return max(min(int((until - self.t) / self.dt) - 1, n), 0)

    def _skip(self, k: int) -> None:
        """Record k quiet steps at once: the last row repeated with the clock advanced."""
        self._new_step_counts()
        self.step_latency = []
        self.step_stall = self.dt * 1e6 if self.phase in (ALLOC, REACCESS) else 0.0
        self.device.served = [0, 0, 0]
        self.rejects_per_step *= (1 - REJECT_SMOOTHING) ** k
        self.recorder.add_quiet(self._row(), k, self.steps, self.dt)
        self.steps += k
        self.t = self.steps * self.dt  # from the step count: the same however steps are grouped
        self._check_max_time()

    def _step(self) -> None:
        m = self.machine
        dt_us = self.dt * 1e6
        self._new_step_counts()
        self.step_latency = []
        self.step_stall = 0.0
        dev = self.device
        dev.served = [0, 0, 0]
        self._complete_io()

        # vCPU shares: the runnable threads split the vCPUs. Without patch 4 the shrinker's
        # WQ_MEM_RECLAIM work competes as an equal; with it, it only gets time left over.
        free = self.free_pages
        if free < m.low_pages:
            self.kswapd_awake = True
        kswapd_awake = self.kswapd_awake
        shrinker = self.shrinker
        shrinking = shrinker in (QUEUED, RUNNING) or (
            shrinker == SLEEPING and self.t >= self.delay_stamp + self.delay
        )
        phase = self.phase
        working = phase in (ALLOC, REACCESS)
        others = int(kswapd_awake) + int(working)
        vcpus = self._vcpus
        if shrinking and self.mem_reclaim_wq:
            share = min(1.0, vcpus / (others + 1))
        else:
            share = min(1.0, vcpus / max(others, 1))
        if self.mem_reclaim_wq:
            shrink_share = min(1.0, vcpus / (others + 1))
        else:
            # The vCPU time kswapd and the process actually used last step is not available.
            shrink_share = min(1.0, max(vcpus - self._busy_cpus, 0.0))

        # Free tags go to the waiting threads in turn: blk_mq_get_tag sleeps on the sbitmap
        # wait queues and each wake-up yields one tag. Reclaim's plug (blk_start_plug in
        # shrink_lruvec, nr_ios 1) merges bios but allocates no tags in bulk, so kswapd, the
        # process and shrink_worker each get an equal share. Fractions carry over.
        tags = dev.free_tags
        waiters = int(kswapd_awake) + int(working) + int(shrinking)
        fair, shrink_tags = self._share_tags(tags, waiters, shrinking)  # fair: kswapd's
        k_used = 0.0
        if kswapd_awake:
            target = m.high_pages - free - self.inflight
            if target > 0:
                self._charge = 0.0
                self._tag_quota = fair
                self._owner = KSWAPD
                k_used = self._on_cpu(KSWAPD, dt_us * share, lambda b: self.reclaim(b, target)[0])
            else:
                self.kswapd_awake = free < m.high_pages and self.inflight > 0
                self._cpu_debt[KSWAPD] = 0.0
        # The process allocates continuously and takes the free pages first; the shrinker's
        # folio allocation then comes from its own direct reclaim (see shrinker_pages).
        self._tag_quota = dev.free_tags - shrink_tags
        self._owner = PROCESS
        used = self._on_cpu(PROCESS, dt_us * share, self._process)
        self.step_stall = min(self.step_stall, max(dt_us - used, 0.0))  # carried work ran
        self._busy_cpus = (k_used + used) / dt_us
        # Rejected stores per step that queue the worker, smoothed over a few steps: reclaim
        # rejects a batch page by page, so they arrive spread out (see ShrinkWorker._requeued).
        self._smooth_rejects()
        if shrinking or self.shrinker == QUEUED:  # queued by a store rejected this step
            self._tag_quota = shrink_tags
            self._owner = SHRINKER
            self._on_cpu(SHRINKER, dt_us * shrink_share, self.shrink_worker)
        else:
            self._cpu_debt[SHRINKER] = 0.0
        self._advance_phase()
        row = self._row()
        self._last_row = row
        self.recorder.add(row)
        self.steps += 1
        self.active_steps += 1
        self.t = self.steps * self.dt
        self._check_max_time()

    def _new_step_counts(self) -> None:
        """A step's stores and rejections start from zero."""
        self.step_rejects = self.step_limit_rejects = self.step_stores = 0
        self.step_queueing_rejects = 0

    def _share_tags(self, tags: int, waiters: int, shrinking: bool) -> tuple[int, int]:
        """The free tags shared by the waiting threads, fractions carried over: the whole tags of
        one fair share (kswapd's), and shrink_worker's."""
        tag_share = tags / waiters if waiters else 0.0
        self._tag_carry += tag_share
        fair = int(self._tag_carry)
        self._tag_carry -= fair
        self._shrink_tag_carry += tag_share if shrinking else 0.0
        shrink_tags = int(self._shrink_tag_carry)
        self._shrink_tag_carry -= shrink_tags
        return fair, shrink_tags

    def _smooth_rejects(self) -> None:
        """The recent rate of rejected stores that queue the worker, with this step's."""
        self.rejects_per_step += REJECT_SMOOTHING * (
            self.step_queueing_rejects - self.rejects_per_step
        )

    def _check_max_time(self) -> None:
        """max_time_s ends the run; `cut` records that it ended before the workload (and the
        drain after it) did."""
        if self.t >= self._max_time - 1e-9 and self.phase != DONE:
            self.phase = DONE
            self.cut = True

    def _on_cpu(self, who: int, budget: float, work: Callable[[float], float]) -> float:
        """Run one thread's work for a step's CPU budget. Work is done in whole units (a
        reclaim batch, a writeback), so a thread may run over its budget; the excess carries
        over and comes off its next steps. Returns the CPU time the thread was busy."""
        debts = self._cpu_debt
        debt = debts[who]
        if debt >= budget:
            debts[who] = debt - budget
            self._paid(who, budget)
            return budget
        left = budget - debt
        if debt:
            self._paid(who, debt)
        used = work(left)
        over = max(used - left, 0.0)
        debts[who] = over
        if over:
            self._paid(who, -over)
        return debt + min(used, left)

    def _paid(self, who: int, us: float) -> None:
        """The process's sys time counts a batch's excess as its next steps pay it, so that its
        user + sys never runs ahead of the clock (kswapd and the worker report no times)."""
        if who == PROCESS:
            self.sys_s += us / 1e6

    def _advance_phase(self) -> None:
        c = self.config
        if self.phase == ALLOC and self.next_page >= self.n_pages:
            self.alloc_end = self.t + self.dt
            self.alloc_cpu = (self.user_s, self.sys_s)
            self.phase = IDLE_TAIL
            self.idle_end = self.alloc_end + c.idle_s
            self.events.add(self.alloc_end, f"allocation finished ({c.alloc_mib} MiB written)")
        if (
            self.phase == IDLE_TAIL
            and self.t + self.dt >= self.idle_end - 1e-9
            and self._drain_done()
        ):
            if self.drain_end is None:
                self.drain_end = self.t + self.dt
            if self.n_reaccess:
                self.phase = REACCESS
                self.next_page = 0
                self.events.add(self.t + self.dt, f"re-access of {c.reaccess_mib} MiB starts")
            else:
                self.phase = DONE
        if self.phase == REACCESS and self.next_page >= self.n_reaccess and not self.read_wait:
            self.phase = DONE

    def _drain_done(self) -> bool:
        """Whether the idle tail may end: the pool is down to the accept threshold, or the
        shrinker stopped for good (idle or given up, and with no stores nothing queues it again),
        and the device has finished its writes."""
        if self.device.busy:
            return False
        return (
            not self.enabled
            or self.pool.total_pages <= self.accept_pages
            or self.shrinker in (IDLE, GAVE_UP)
        )

    # ------------------------------------------------------------------ recording
    def _current_stage(self) -> int:
        """The cover letter's stage, from state (0 when zswap is off)."""
        if not self.enabled:
            return 0
        pool = self.pool.total_pages
        if self.phase == ALLOC:
            if pool >= self.max_pages - ZSPAGE_SLACK or (self.hysteresis and self.reached_full):
                return 4
            if pool >= self.shrink_start_pages or self.shrinker in (QUEUED, RUNNING):
                return 3
            return 2 if self.cnt["zswpout"] else 1
        if self.alloc_end is not None and pool > self.accept_pages:
            return 5
        return 1

    def _row(self) -> tuple:
        """This step's row of the series, in SERIES order."""
        self._stage = self._current_stage()
        dev = self.device
        lat = self.step_latency
        cnt = self.cnt
        served = dev.served
        return (
            self.t,
            self.pool.total_pages,
            self.max_pages,
            self.shrink_start_pages,
            self.accept_pages,
            self.stored,
            self.free_pages,
            self.resident,
            self.inflight + self.reading,
            self.on_swap,
            served[SWAPOUT],
            served[WRITEBACK],
            served[SWAPIN],
            dev.busy,
            sum(lat) / len(lat) * 1000 if lat else np.nan,
            self.step_stall / 1000,
            self.user_s,
            self.sys_s,
            self.shrinker,
            self.step_rejects,
            self._stage,
            cnt["written_back_pages"],
            cnt["pool_limit_hit"],
            cnt["zswpout"],
            cnt["pswpout"],
            cnt["model_only_lru_rotations"],
        )

    # ------------------------------------------------------------------ API
    @property
    def time_s(self) -> float:
        return self.t

    @property
    def stage(self) -> int:
        return self._stage

    @property
    def done(self) -> bool:
        return self.phase == DONE

    def counters(self) -> dict[str, int]:
        out = dict(self.cnt)
        out["pool_total_size"] = self.pool.total_pages * PAGE_SIZE
        out["stored_pages"] = self.stored
        if self.zero_in_swap_layer:
            out["same_filled_pages"] = 0
        return out

    def run(
        self, progress: Callable[[float], None] | None = None, budget: Budget | None = None
    ) -> Run:
        """Run to the end and return the result. `progress(fraction)` is called every 250
        steps computed one by one (and after each stretch of quiet steps); it may raise to
        cancel the run. With a `budget`, the run stops with RunTooLarge once the CPU time it
        took passes budget.seconds."""
        start = time.thread_time()
        shown = 0.0
        while not self.done:
            quiet = self._quiet_steps(1 << 62)
            if quiet:
                self._skip(quiet)
            else:
                self.step(250)
            if budget is not None:
                cpu = time.thread_time() - start
                if cpu > budget.seconds:
                    raise RunTooLarge(ran_too_long(self.config, self.t, cpu, budget))
            if progress is not None:
                shown = max(shown, self.progress())
                progress(shown)
        if progress is not None:
            progress(1.0)
        return self.result()

    def progress(self) -> float:
        """Estimated fraction of the run done: the allocation's end is extrapolated from the
        pages written so far, then the idle tail and the re-access follow."""
        c = self.config
        if self.done:
            return 1.0
        alloc_end = self.alloc_end
        if alloc_end is None:
            done = self.next_page / self.n_pages
            alloc_end = self.t / done if done > 0 else self.t + c.idle_s + 1.0
        end = alloc_end + c.idle_s + (alloc_end * self.n_reaccess / self.n_pages)
        return min(self.t / min(end, c.max_time_s), 0.99)

    def result(self) -> Run:
        rows = self.recorder.rows()
        series = {name: rows[:, k].copy() for k, name in enumerate(SERIES)}
        end = self.alloc_end if self.alloc_end is not None else self.t
        user_s, sys_s = self.alloc_cpu or (self.user_s, self.sys_s)
        stage = series["stage"].astype(np.int64)
        stages = [seg for seg in _segments(series["t_s"], stage) if seg[0] > 0]
        run = Run(
            config=self.config,
            elapsed_s=end,
            user_s=user_s,
            sys_s=sys_s,
            counters=self.counters(),
            series=series,
            stages=stages,
            cut=self.cut,
            alloc_end_s=self.alloc_end,
            drain_end_s=self.drain_end,
            steps_per_row=self.recorder.every,
        )
        run.events = narrate(run, self.events.items)
        return run


def simulate(
    config: Config | None = None,
    progress: Callable[[float], None] | None = None,
    budget: Budget | None = None,
) -> Run:
    """Run one scenario to the end, within `budget` (default `Budget()`: about 10 s and
    500 MiB on the development machine; see guard.py). Raises RunTooLarge (a ValueError, one
    line) before the run if its estimate does not fit, or during it once it passes the time
    budget. `progress(fraction)` is called as the run goes; it may raise to cancel it."""
    config = config if config is not None else Config()
    budget = as_budget(budget)
    check(config, budget)
    return Simulation(config).run(progress, budget)
