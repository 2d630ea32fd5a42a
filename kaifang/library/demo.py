"""Demo policies (written for the demo city, not copied from real documents)."""

from __future__ import annotations

from kaifang.core.demo import DemoContext


def load_library(ctx: DemoContext) -> None:
    return None
