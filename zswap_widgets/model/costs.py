"""CPU costs of kernel work per operation, in microseconds, for the machine `Config.cpu_costs`
names; the model divides them by `Config.cpu_speed`. Compression costs are per compressor, in
compressors.py, times `COMPRESS_SLOWDOWN` of the machine.

``x86``: a modern x86 core, the cover letter's machine (README "Calibration").

``qemu-tcg``: the emulated CPU (QEMU TCG) of the measured 6.12 traces in zswap_widgets/data.
Emulation slows kernel paths unevenly, so the figures come from rates measured in those traces
(README "The emulated CPU of the 6.12 traces" shows the arithmetic):

* fault 15.7 us: the traced program allocated 154 MiB/s before reclaim started (25.4 us per
  page), of which 9.7 us is its user time (the model's 0.3 us on x86 times 32.3, the user-mode
  slowdown: user 4.82 s against the cover letter's 0.149 s for the same 2 GiB). 7.85 times the
  x86 fault;
* reclaim 66 us per page and submit 88 us per request (x86 times 44): the zswap-off trace
  allocates 19,300 pages/s once reclaim runs, both vCPUs busy, which takes 78.6 us of reclaim
  per page when kswapd and the process's direct reclaim share the work;
* lz4 under emulation, 1.8 times the model's x86 figure (10.6 us per page of the traces' data):
  the zswap-on trace allocates 16,000 pages/s and stores 20,800 while the pool fills;
* the light kernel paths of shrink_worker (zswap_writeback_entry without decompression, the
  kworker wake-up) slow down like the fault path: x86 times 7.85;
* a step of the memcg walk and a rotation, 0.3 us each: the trace's shrinker rotated its 233,664
  entries in about 1.5 s at the pool's max (6.12's second chance, shrinker.py); with 24,500
  rejected stores per second queueing it again, that leaves about 41 us of CPU per run of 16
  rotations, one wake-up included. (The x86 table's 0.5 us is for a tree of many memcgs; the
  traced VM had the root memcg only.)
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
    "memcg_iter": 0.3,
    "writeback": 23.6,
    "lru_rotate": 0.3,
    "worker_wakeup": 23.6,
}

CPU_COSTS: dict[str, dict[str, float]] = {"x86": CPU_US, "qemu-tcg": TCG_US}

# Compression and decompression slow down by this factor on each machine (lz4 measured; the
# other compressors are assumed to slow down alike).
COMPRESS_SLOWDOWN: dict[str, float] = {"x86": 1.0, "qemu-tcg": 1.8}

# User-mode slowdown of QEMU TCG: the zswap-off trace's 4.82 s of user time against the cover
# letter's 0.149 s for the same 2 GiB (a different program on different hardware, so an order
# of magnitude; the model's x86 user time per page gives 9.7 us, the traces 8.7-9.2 us).
TCG_USER_CPU_SPEED = 0.149 / 4.82
