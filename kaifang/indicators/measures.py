"""The arithmetic of targets and peers, pure and in Decimal: 序时进度 (the share of the year
elapsed), progress against a target, 拉动 (percentage points), ranking among peers with the
gap to the one above and to the best. None means "not defined", never zero."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

ZERO = Decimal(0)
HUNDRED = Decimal(100)
TWELVE = Decimal(12)


def elapsed_pct(month: int) -> Decimal:
    """序时进度: the months elapsed over twelve, in per cent (6 → 50: 时间过半)."""
    if not 1 <= month <= 12:
        raise ValueError("month out of range")
    return Decimal(month) / TWELVE * HUNDRED


def progress_pct(ytd: Decimal | None, target: Decimal | None) -> Decimal | None:
    """完成年度目标的百分比: 累计 ÷ 目标 × 100."""
    if ytd is None or target is None or target == 0:
        return None
    return ytd / target * HUNDRED


@dataclass(frozen=True)
class Progress:
    """Against a target at month `month`: done %, elapsed %, and the difference (快于/慢于
    序时进度 … 个百分点); `on_pace` is 时间过半、任务过半."""

    ytd: Decimal | None
    target: Decimal | None
    month: int
    done_pct: Decimal | None
    elapsed_pct: Decimal
    ahead_pp: Decimal | None

    @property
    def on_pace(self) -> bool | None:
        return None if self.ahead_pp is None else self.ahead_pp >= 0

    @property
    def label(self) -> str:
        if self.ahead_pp is None:
            return "未设目标"
        if self.ahead_pp >= 0:
            return f"快于序时进度{self.ahead_pp:.1f}个百分点"
        return f"慢于序时进度{-self.ahead_pp:.1f}个百分点"


def progress(ytd: Decimal | None, target: Decimal | None, month: int) -> Progress:
    done = progress_pct(ytd, target)
    elapsed = elapsed_pct(month)
    return Progress(
        ytd=ytd,
        target=target,
        month=month,
        done_pct=done,
        elapsed_pct=elapsed,
        ahead_pp=None if done is None else done - elapsed,
    )


def growth_pct(current: Decimal | None, previous: Decimal | None) -> Decimal | None:
    if current is None or previous is None or previous == 0:
        return None
    return (current - previous) / previous * HUNDRED


def contribution_pp(
    current: Decimal | None, previous: Decimal | None, total_previous: Decimal | None
) -> Decimal | None:
    """拉动: the part's growth over the whole's previous value × 100 (percentage points)."""
    if current is None or previous is None or not total_previous:
        return None
    return (current - previous) / total_previous * HUNDRED


@dataclass(frozen=True)
class Ranked:
    key: str
    name: str
    value: Decimal
    rank: int
    gap_to_above: Decimal | None  # how far below the one ranked just above (None: first)
    gap_to_best: Decimal  # how far below the best (0 for the best)
    above: str  # the name of the one just above ("" when first)


def rank(entries: Sequence[tuple[str, str, Decimal | None]]) -> list[Ranked]:
    """Rank (key, name, value) from the highest value down; equal values share a rank
    (1, 2, 2, 4) and the gap to the one above is to the nearest strictly higher value.
    Entries without a value are left out."""
    valued = [(k, n, v) for k, n, v in entries if v is not None]
    valued.sort(key=lambda e: (-e[2], e[0]))
    if not valued:
        return []
    best = valued[0][2]
    out: list[Ranked] = []
    for index, (key, name, value) in enumerate(valued):
        higher = [e for e in valued[:index] if e[2] > value]
        position = len(higher) + 1
        above = higher[-1] if higher else None
        out.append(
            Ranked(
                key=key,
                name=name,
                value=value,
                rank=position,
                gap_to_above=None if above is None else above[2] - value,
                gap_to_best=best - value,
                above="" if above is None else above[1],
            )
        )
    return out


def find(ranked: Sequence[Ranked], key: str) -> Ranked | None:
    return next((r for r in ranked if r.key == key), None)
