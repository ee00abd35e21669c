"""CPU costs of kernel work, in microseconds on a modern x86 core (`Config.cpu_speed` = 1).

See README "Calibration". Compression costs are per compressor, in compressors.py.
"""

CPU_US = {
    "fault": 2.0,  # anonymous page fault in a VM: zero a 4 KiB page and map it
    "reclaim": 1.5,  # shrink_folio_list per page: isolate, unmap, add to swap cache
    "submit": 2.0,  # build and submit one bio
    "memcg_iter": 0.5,  # one step of shrink_worker's memcg walk
    "writeback": 3.0,  # zswap_writeback_entry without decompression: folio alloc, xarray, bio
}
