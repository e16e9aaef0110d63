"""Draws one Plot the kernel's `plot(...)` helper sent, with plotext.

The Plot record is plain data (kind line|bar|scatter, x, series of labelled y values,
title, axis labels). Nothing here imports torch: the kernel has already turned
tensors into numbers.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual_plotext import PlotextPlot

from explorer.core.model import Plot, PlotSeries

MAX_BARS = 60  # more bars than this would not fit a terminal; plot a line instead


class PlotView(PlotextPlot):
    """A line, bar or scatter chart in the terminal."""

    DEFAULT_CSS = """
    PlotView { height: 16; width: 1fr; }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.plot: Plot | None = None

    def show(self, plot: Plot) -> None:
        """Replace the chart with `plot`."""
        self.plot = plot
        plt = self.plt
        plt.clear_figure()
        x = list(plot.x)
        series = [s for s in plot.series if s.y]
        if plot.kind == "bar" and series and len(series[0].y) <= MAX_BARS:
            self._bars(x, series)
        else:
            draw = plt.scatter if plot.kind == "scatter" else plt.plot
            for item in series:
                ys = list(item.y)
                xs = x[: len(ys)] if len(x) >= len(ys) else list(range(len(ys)))
                draw(xs, ys, label=item.label or None)
        plt.title(plot.title)
        plt.xlabel(plot.xlabel)
        plt.ylabel(plot.ylabel)
        self.refresh()

    def _bars(self, x: Sequence[float | str], series: Sequence[PlotSeries]) -> None:
        count = len(series[0].y)
        labels = [str(v) for v in x] if len(x) == count else [str(i) for i in range(count)]
        if len(series) == 1:
            self.plt.bar(labels, list(series[0].y))
        else:
            names = [s.label or f"series {i + 1}" for i, s in enumerate(series)]
            values = [list(s.y) for s in series]
            self.plt.multiple_bar(labels, values, labels=names)  # type: ignore[call-arg]
