from __future__ import annotations

from kaifang.core import demo


def load_demo(ctx: demo.DemoContext) -> None:
    pass


def register_loader() -> None:
    demo.register("zones", 400, load_demo)
