"""Demo: a watch list and two scenarios (filled in below)."""

from __future__ import annotations

from kaifang.core import demo


def load_risk(ctx: demo.DemoContext) -> None:
    pass


def register_loader() -> None:
    demo.register("risk", 450, load_risk)
