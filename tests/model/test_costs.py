"""CPU costs per machine (x86 and the traces' emulated CPU), the user-mode speed, and work that
runs over a step's CPU budget carrying over."""

import pytest
from traitlets import TraitError

from zswap_widgets import Config, Simulation, simulate
from zswap_widgets.model.costs import COMPRESS_SLOWDOWN, CPU_COSTS, CPU_US, TCG_US


def test_every_machine_prices_every_operation():
    assert set(CPU_COSTS) == set(COMPRESS_SLOWDOWN) == {"x86", "qemu-tcg"}
    assert set(TCG_US) == set(CPU_US)


def test_page_time_is_user_time_at_user_speed_plus_the_machines_fault():
    x86 = Simulation(Config())
    assert x86._page_us == pytest.approx(1e6 / (1700 * 256))  # alloc_rate_mib_s on x86
    tcg = Simulation(Config(cpu_costs="qemu-tcg", user_cpu_speed=0.149 / 4.82))
    user_x86 = 1e6 / (1700 * 256) - CPU_US["fault"]
    assert tcg._page_us == pytest.approx(user_x86 * 4.82 / 0.149 + TCG_US["fault"])
    assert 1e6 / (tcg._page_us * 256) == pytest.approx(154, rel=0.02)  # the traces' 154 MiB/s
    slow = Simulation(Config(cpu_speed=0.5))
    assert slow.cpu["reclaim"] == 2 * CPU_US["reclaim"]
    assert slow._page_us == pytest.approx(x86._page_us + CPU_US["fault"])


def test_alloc_rate_must_leave_room_for_the_x86_fault():
    with pytest.raises(TraitError, match="alloc_rate_mib_s"):
        Config(alloc_rate_mib_s=1960)
    Config(alloc_rate_mib_s=1900, cpu_speed=0.1)  # a slow CPU just allocates slower


def test_a_thread_never_uses_more_cpu_than_the_clock_gives(small):
    """Reclaim works in 32-page batches; on the emulated CPU one batch takes longer than a
    1 ms step, and the excess carries over: the process's user + sys stays within its time."""
    run = simulate(small.replace(cpu_costs="qemu-tcg", user_cpu_speed=0.031, kernel="v6.12"))
    assert run.user_s + run.sys_s <= run.elapsed_s * 1.001
    assert run.sys_s > 0.5 * run.elapsed_s  # and it is busy: reclaim is expensive there
