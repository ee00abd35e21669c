"""Downloads from a widget: an HTML link holding the file as a data: URI.

A plain ``<a download href="data:...">`` works the same in JupyterLab, Notebook 7 and Voila (no
server route, no JavaScript). The file travels to the browser inside the link, so a large one (a
full-scale run's series, a few MB) is only built when asked for: `DownloadButton`.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Callable

import ipywidgets as w


def download_html(filename: str, text: str, label: str, mime: str = "text/csv") -> str:
    """An HTML link that saves `text` as `filename`."""
    data = base64.b64encode(text.encode()).decode()
    size = _size(len(text.encode()))
    return (
        f"<a download='{html.escape(filename)}' href='data:{mime};base64,{data}' "
        f"title='save {html.escape(filename)}'><i class='fa fa-download'></i> {html.escape(label)}</a>"
        f" <small>({size})</small>"
    )


def _size(n: int) -> str:
    return f"{n / 1e6:.1f} MB" if n >= 1e6 else f"{max(n / 1e3, 0.1):.1f} kB"


class DownloadButton(w.HBox):
    """A button that builds a file when clicked and then shows the link that saves it.

    `make()` returns (filename, text); it is called on click, so nothing is sent before then.
    `reset()` hides the link again (the content it held is out of date).
    """

    def __init__(self, description: str, make: Callable[[], tuple[str, str]], **kwargs) -> None:
        self.make = make
        self.button = w.Button(description=description, icon="download")
        self.button.layout.width = "auto"
        self.link = w.HTML("")
        super().__init__([self.button, self.link], **kwargs)
        self.button.on_click(lambda _: self.prepare())

    def prepare(self) -> None:
        filename, text = self.make()
        self.link.value = download_html(filename, text, f"save {filename}")

    def reset(self) -> None:
        self.link.value = ""
