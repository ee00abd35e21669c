"""The dashboard's sweep panel and run download: sweeps start from the dashboard's configuration,
a clicked cell is loaded into the dashboard, and the CSV link holds the shown run."""

from __future__ import annotations

import base64
import io
import re

import numpy as np
import pandas as pd
from dash_helpers import SMALL

from zswap_widgets import Dashboard
from zswap_widgets.model.export import read_metadata


def test_a_clicked_cell_is_loaded_into_the_dashboard():
    dash = Dashboard(SMALL, debounce_s=0)
    dash.controls["swap_iops"].value = 1200  # the sweep starts from what the dashboard shows
    panel = dash.sweep_panel
    assert panel.config == dash.config and dash.config.swap_iops == 1200
    panel.workers = 1
    panel.row_values.value = "10,40"
    panel.column_values.value = "30,90"
    assert panel.run()
    result = panel.wait(120)
    assert result.finished.all()
    panel.heatmap._handle_custom_msg(
        {"event": "element_click", "data": {"rowNum": 1, "columnNum": 0}}, []
    )
    expected = SMALL.replace(swap_iops=1200, max_pool_percent=40, accept_threshold_percent=30)
    assert dash.config == expected and dash.run.config == expected
    assert dash.run.elapsed_s == result["elapsed_s"][1, 0]
    assert dash.controls["max_pool_percent"].value == 40


def test_the_run_download_holds_the_shown_run():
    dash = Dashboard(SMALL, debounce_s=0)
    assert dash.download_run.link.value == ""  # built only when asked for
    dash.download_run.button.click()
    data = re.search(r"base64,([^']+)'", dash.download_run.link.value).group(1)
    text = base64.b64decode(data).decode()
    df = pd.read_csv(io.StringIO(text), comment="#")
    np.testing.assert_array_equal(df["pool_pages"].to_numpy(), dash.run.series["pool_pages"])
    assert text.startswith("# kind: ")
    dash.controls["max_pool_percent"].value = 30  # a new run: the old link goes
    assert dash.download_run.link.value == ""


def test_read_metadata_of_the_download(tmp_path):
    dash = Dashboard(SMALL, debounce_s=0)
    dash.download_run.prepare()
    data = re.search(r"base64,([^']+)'", dash.download_run.link.value).group(1)
    path = tmp_path / "run.csv"
    path.write_bytes(base64.b64decode(data))
    assert read_metadata(path)["config"] == dash.config.to_dict()
