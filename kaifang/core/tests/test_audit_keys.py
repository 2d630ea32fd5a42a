"""Every key an action writes into an audit entry's changes reads in words on the audit page,
not as the code's English (created, removed, lines …)."""

from __future__ import annotations

import re
from pathlib import Path

from kaifang.core.audit_labels import KEYS

ROOT = Path(__file__).resolve().parents[2]
CHANGES = re.compile(r"changes=\{([^}]*)\}", re.S)
KEY = re.compile(r'"([a-z_]+)"\s*:')


def test_every_audit_key_reads_in_words() -> None:
    missing: dict[str, str] = {}
    for path in ROOT.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        for block in CHANGES.finditer(path.read_text(encoding="utf-8")):
            for key in KEY.findall(block.group(1)):
                if key not in KEYS:
                    missing.setdefault(key, str(path.relative_to(ROOT)))
    assert not missing, f"audit keys without a Chinese label in KEYS: {missing}"
