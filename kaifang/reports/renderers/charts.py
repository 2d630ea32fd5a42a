"""Charts of the monthly briefing as PNG images (matplotlib, Agg, no pyplot state), their
Chinese text set in Noto Sans CJK SC that the pinned `mplfonts` package installs, so a fresh
machine with no network and no system CJK font draws them the same (docs/decisions/0015).
Plain data in, bytes out; no ORM (STYLE.md §13)."""

from __future__ import annotations

import importlib.util
import io
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

# matplotlib is imported where a chart is drawn, not here: its import takes 0.5 s, which every
# web process paid on its first request (the URLconf imports this module; issue 17).
if TYPE_CHECKING:
    from matplotlib.figure import Figure

# Sober colours of printed statistical bulletins: one accent, greys, red for the city.
ACCENT = "#1f4e79"
SECOND = "#8faadc"
LINE = "#7f7f7f"
SELF = "#c00000"
WIDTH_IN = 6.0  # the picture is placed 15 cm wide in the A4 text block
DPI = 200

# Where a CJK font is looked for: the pinned package first, then Debian's fonts-noto-cjk and
# fonts-wqy-microhei (for a deployment that prefers the system packages).
SYSTEM_FONTS = (
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
    Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),
)


class ChartFontMissing(RuntimeError):
    """No CJK font: the charts would print empty boxes for every Chinese character."""


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float | None]


@dataclass(frozen=True)
class Chart:
    """`bars`: horizontal bars ranked top-down, one series (`highlight` marks one bar in red);
    `columns`: vertical columns per label, several series stacked, `line` drawn over them."""

    title: str  # 图1　1—10月全市月度进出口
    kind: str  # "bars" | "columns"
    labels: Sequence[str]
    series: Sequence[Series]
    unit: str  # 亿元, %
    line: Series | None = None
    highlight: str | None = None  # the label drawn in red (the city among its peers)
    notes: Sequence[str] = field(default_factory=tuple)  # printed under the chart


def font_path() -> Path:
    spec = importlib.util.find_spec("mplfonts")
    candidates = []
    if spec is not None and spec.submodule_search_locations:
        for location in spec.submodule_search_locations:
            candidates.append(Path(location) / "fonts" / "NotoSansCJKsc-Regular.otf")
    candidates.extend(SYSTEM_FONTS)
    for path in candidates:
        if path.is_file():
            return path
    raise ChartFontMissing(
        "未找到中文字体，无法绘制月报图表：请安装 mplfonts（pyproject.toml 已固定版本）"
        "或系统字体包 fonts-noto-cjk。"
    )


_LOCK = threading.Lock()
_FAMILY: list[str] = []


def _family() -> str:
    """Register the CJK font with matplotlib once per process and return its family name."""
    from matplotlib import font_manager

    with _LOCK:
        if not _FAMILY:
            path = font_path()
            font_manager.fontManager.addfont(str(path))
            _FAMILY.append(font_manager.FontProperties(fname=str(path)).get_name())
        return _FAMILY[0]


def _value_label(value: float, unit: str) -> str:
    return f"{value:.1f}%" if unit == "%" else f"{value:,.1f}"


def _bars(figure: Figure, chart: Chart) -> None:
    ax = figure.add_subplot()
    values = [v or 0.0 for v in chart.series[0].values]
    labels = list(chart.labels)
    positions = list(range(len(labels)))[::-1]  # the first label on top
    colours = [SELF if label == chart.highlight else ACCENT for label in labels]
    ax.barh(positions, values, color=colours, height=0.6)
    ax.set_yticks(positions, labels)
    ax.axvline(0, color=LINE, linewidth=0.8)
    span = max((abs(v) for v in values), default=0.0) or 1.0
    for y, value in zip(positions, values, strict=True):
        ax.text(
            value + (span * 0.01 if value >= 0 else -span * 0.01),
            y,
            _value_label(value, chart.unit),
            va="center",
            ha="left" if value >= 0 else "right",
            fontsize=9,
        )
    low = min(0.0, min(values, default=0.0))
    ax.set_xlim(low * 1.25 if low else 0, max(0.0, max(values, default=0.0)) * 1.18 or 1)
    ax.set_xlabel(chart.unit)


def _columns(figure: Figure, chart: Chart) -> None:
    ax = figure.add_subplot()
    positions = list(range(len(chart.labels)))
    bottom = [0.0] * len(positions)
    for index, series in enumerate(chart.series):
        values = [v or 0.0 for v in series.values]
        ax.bar(
            positions,
            values,
            bottom=bottom,
            width=0.6,
            color=ACCENT if index == 0 else SECOND,
            label=series.name,
        )
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    if chart.line is not None:
        ax.plot(
            positions,
            [float("nan") if v is None else v for v in chart.line.values],
            color=SELF,
            marker="o",
            markersize=3,
            linewidth=1.2,
            label=chart.line.name,
        )
    ax.set_xticks(positions, list(chart.labels))
    ax.set_ylabel(chart.unit)
    ax.legend(frameon=False, fontsize=9, ncols=3, loc="upper left")
    top = max([*bottom, *(v or 0.0 for v in (chart.line.values if chart.line else []))], default=0)
    ax.set_ylim(0, (top or 1) * 1.2)


def render_chart(chart: Chart) -> bytes:
    """One chart as a PNG (6 × 3.2 inches at 200 dpi), its title left to the caption."""
    if chart.kind not in ("bars", "columns"):
        raise ValueError(f"unknown chart kind {chart.kind!r}")
    from matplotlib import rc_context
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    rows = max(len(chart.labels), 1)
    height = max(2.6, 0.32 * rows + 1.0) if chart.kind == "bars" else 3.2
    with rc_context(
        {
            "font.family": "sans-serif",
            "font.sans-serif": [_family()],
            "axes.unicode_minus": False,
            "font.size": 10,
            "axes.spines.top": False,
            "axes.spines.right": False,
        }
    ):
        figure = Figure(figsize=(WIDTH_IN, height), dpi=DPI)
        FigureCanvasAgg(figure)
        if chart.kind == "bars":
            _bars(figure, chart)
        else:
            _columns(figure, chart)
        figure.tight_layout()
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()
