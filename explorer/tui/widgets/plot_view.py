"""Draws one of the kernel's "plot" events (from its `plot(...)` helper) with plotext.

The event is plain data: {kind: line|bar|scatter, x, series: [{label, y}],
title, xlabel, ylabel}. Nothing here imports torch: the kernel has already
turned tensors into lists.
"""

from __future__ import annotations

from typing import Any

from textual_plotext import PlotextPlot

MAX_BARS = 60  # more bars than this would not fit a terminal; plot a line instead


class PlotView(PlotextPlot):
    """A line, bar or scatter chart in the terminal."""

    DEFAULT_CSS = """
    PlotView { height: 16; width: 1fr; }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.event: dict[str, Any] | None = None

    def show(self, event: dict[str, Any]) -> None:
        """Replace the chart with the one `event` describes."""
        self.event = event
        plt = self.plt
        plt.clear_figure()
        kind = str(event.get("kind", "line"))
        x = list(event.get("x") or [])
        series = [s for s in event.get("series") or [] if s.get("y")]
        if kind == "bar" and series and len(series[0]["y"]) <= MAX_BARS:
            self._bars(x, series)
        else:
            draw = plt.scatter if kind == "scatter" else plt.plot
            for item in series:
                ys = list(item["y"])
                xs = x[: len(ys)] if len(x) >= len(ys) else list(range(len(ys)))
                draw(xs, ys, label=str(item.get("label") or "") or None)
        plt.title(str(event.get("title") or ""))
        plt.xlabel(str(event.get("xlabel") or ""))
        plt.ylabel(str(event.get("ylabel") or ""))
        self.refresh()

    def _bars(self, x: list[Any], series: list[dict[str, Any]]) -> None:
        labels = (
            [str(v) for v in x]
            if len(x) == len(series[0]["y"])
            else [str(i) for i in range(len(series[0]["y"]))]
        )
        if len(series) == 1:
            self.plt.bar(labels, list(series[0]["y"]))
        else:
            names = [str(s.get("label") or f"series {i + 1}") for i, s in enumerate(series)]
            self.plt.multiple_bar(labels, [list(s["y"]) for s in series], labels=names)  # type: ignore[call-arg]

    @property
    def title(self) -> str:
        return str((self.event or {}).get("title") or "")
