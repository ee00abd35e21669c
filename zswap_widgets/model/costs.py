"""CPU costs of kernel work per operation, in microseconds, for the machine `Config.cpu_costs`
names; the model divides them by `Config.cpu_speed`. Compression costs are per compressor, in
compressors.py, times `COMPRESS_SLOWDOWN` of the machine.

``x86``: a modern x86 core, the cover letter's machine (README "Calibration").

``qemu-tcg``: the emulated CPU (QEMU TCG) of the measured 6.12 traces in zswap_widgets/data.
Emulation slows kernel paths unevenly, so each path has its own figure, derived from one rate
measured in those traces (README "Calibration", "The emulated CPU of the traces"):

* fault: the traced program allocated 154 MiB/s before reclaim started (25.4 us per page),
  of which 9.7 us is its user time (0.3 us per page on x86, times 32.3, the user-mode slowdown
  of the traces: user 4.82 s against the cover letter's 0.149 s for the same 2 GiB);
* reclaim and submit: the zswap-off trace allocates 75 MiB/s once reclaim runs (both vCPUs
  busy, kswapd and the process's direct reclaim sharing the work);
* lz4 under emulation: the zswap-on trace allocates 62 MiB/s while the pool fills;
* the shrinker's walk and rotation: the zswap-on trace's shrinker rotated its 233,664 entries
  in about 1.5 s at the pool's max (6.12's second chance, shrinker.py);
* writeback: zswap_writeback_entry's folio allocation, xarray and bio, from the same trace's
  writeback rate after the allocation.
"""

from __future__ import annotations

CPU_US = {
    "fault": 2.0,  # anonymous page fault in a VM: zero a 4 KiB page and map it
    "reclaim": 1.5,  # shrink_folio_list per page: isolate, unmap, add to swap cache
    "submit": 2.0,  # build and submit one bio
    "memcg_iter": 0.5,  # one step of shrink_worker's memcg walk
    "writeback": 3.0,  # zswap_writeback_entry without decompression: folio alloc, xarray, bio
    "lru_rotate": 0.3,  # shrink_memcg_cb's second chance: list_lru lock, LRU_ROTATE, unlock
    "worker_wakeup": 3.0,  # queue_work wakes a kworker for shrink_worker: wake-up and switch
}

# QEMU TCG, emulated microseconds (see the module docstring for where each comes from).
TCG_US = {
    "fault": 15.7,
    "reclaim": 66.0,
    "submit": 88.0,
    "memcg_iter": 1.2,
    "writeback": 40.0,
    "lru_rotate": 1.2,
    "worker_wakeup": 10.0,
}

CPU_COSTS: dict[str, dict[str, float]] = {"x86": CPU_US, "qemu-tcg": TCG_US}

# Compression and decompression slow down by this factor on each machine (lz4 measured; the
# other compressors are assumed to slow down alike).
COMPRESS_SLOWDOWN: dict[str, float] = {"x86": 1.0, "qemu-tcg": 1.8}

# User-mode slowdown of QEMU TCG: the zswap-off trace's 4.82 s of user time against the cover
# letter's 0.149 s for the same 2 GiB (a different program on different hardware, so an order
# of magnitude; the model's x86 user time per page gives 9.7 us, the traces 8.7-9.2 us).
TCG_USER_CPU_SPEED = 0.149 / 4.82
