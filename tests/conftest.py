import pytest

from zswap_widgets import Config


@pytest.fixture
def small() -> Config:
    """A scaled-down scenario with the cover letter's shape (runs in well under a second)."""
    return Config(ram_mib=256, kernel_reserved_mib=16, alloc_mib=512, idle_s=3.0, swap_iops=900)
