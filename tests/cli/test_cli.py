import json

from zswap_widgets.cli import main


def test_run_prints_stages_counters_and_events(capsys):
    rc = main(
        [
            "run",
            "--kernel",
            "v6.12",
            "--set",
            "alloc_mib=256",
            "--set",
            "ram_mib=256",
            "--set",
            "idle_s=1",
            "--json",
        ]
    )
    out = json.loads(capsys.readouterr().out)
    assert rc == 0
    assert out["counters"]["zswpout"] > 0 and out["stages"] and out["events"]


def test_bad_arguments_exit_2_with_the_config_error(capsys):
    assert main(["run", "--set", "max_pool_percent=200"]) == 2
    assert "max_pool_percent = 200 is not allowed" in capsys.readouterr().err
    assert main(["run", "--set", "vcpus=two"]) == 2
    assert "vcpus = 'two' is not allowed" in capsys.readouterr().err
    assert main(["run", "--set", "nonsense=1"]) == 2
    assert "unknown parameter" in capsys.readouterr().err


def test_bench_json_has_every_kernel(capsys):
    assert main(["bench", "--runs", "1", "--kernels", "off", "patches-1-6", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) == {"off", "patches-1-6"}
    assert set(out["off"]) == {"elapsed_s", "user_s", "sys_s", "counters"}
