"""Profile panels (liaison, visits, appeals) and the workbench panel."""

from __future__ import annotations


def register_all() -> None:
    return None
