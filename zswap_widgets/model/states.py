"""Names the model's modules share: where a page is, the workload's phase, which thread acts,
and the kernel constants the model uses."""

SWAP_CLUSTER_MAX = 32  # include/linux/swap.h: the reclaim batch
PAGE_CLUSTER = 3  # vm.page-cluster: swap readahead of up to 2^3 pages
ZSPAGE_SLACK = 8  # "at max" means within one zspage of max_pages
REJECT_SMOOTHING = 0.3  # weight of the current step in the recent rate of rejected stores

# Where each of the process's pages is (ZEROMAP: a zero page swapped out as a bit in the swap
# layer's zeromap, 6.12+).
UNTOUCHED, RAM, POOL, SWAPCACHE, SWAP, ZEROMAP = range(6)

# The workload's phases.
ALLOC, IDLE_TAIL, REACCESS, DONE = range(4)

# The threads that reclaim and submit IO; NOBODY waits for the pages of most requests.
NOBODY, KSWAPD, SHRINKER, PROCESS = range(-1, 3)
