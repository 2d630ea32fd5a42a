"""The import direction of docs/architecture.md is a contract (import-linter, configured in
pyproject.toml): it holds on the code, and it breaks on a deliberately wrong import, including
in an app that does not exist yet. Each wrong import is written into a copy of the package."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
LINT = str(Path(sys.executable).parent / "lint-imports")


def _lint(cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(cwd)}
    return subprocess.run(  # noqa: S603 (our own tool, fixed arguments)
        [LINT, "--no-cache", "--no-logo"],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


@pytest.fixture(scope="module")
def copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The package's Python files and pyproject.toml, in a scratch directory."""
    target = tmp_path_factory.mktemp("contracts")
    shutil.copy(ROOT / "pyproject.toml", target / "pyproject.toml")
    shutil.copytree(
        ROOT / "kaifang",
        target / "kaifang",
        ignore=lambda directory, names: [
            n for n in names if not (n.endswith(".py") or (Path(directory) / n).is_dir())
        ],
    )
    return target


@pytest.fixture
def wrong(copy: Path) -> Iterator[object]:
    """Write one module into the copy; remove it (and any new package) afterwards."""
    written: list[Path] = []

    def write(module: str, source: str) -> Path:
        path = copy / (module.replace(".", "/") + ".py")
        for parent in reversed(path.relative_to(copy).parents[:-1]):
            init = copy / parent / "__init__.py"
            if not init.parent.exists():
                init.parent.mkdir(parents=True)
                written.append(init.parent)
            if not init.exists():
                init.write_text("")
                written.append(init)
        path.write_text(source)
        written.append(path)
        return path

    yield write
    for path in reversed(written):
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        elif path.exists():
            path.unlink()


def test_the_code_keeps_every_contract(copy: Path) -> None:
    result = _lint(copy)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_core_importing_a_domain_app_breaks_the_layers(copy: Path, wrong) -> None:
    wrong("kaifang.core.lib.wrong", "from kaifang.servicedesk.models import Appeal\n")
    result = _lint(copy)
    assert result.returncode != 0
    assert "kaifang.core is not allowed to import kaifang.servicedesk" in result.stdout


def test_a_peer_importing_a_peer_breaks_the_layers(copy: Path, wrong) -> None:
    wrong("kaifang.supervision.wrong", "from kaifang.servicedesk import actions\n")
    result = _lint(copy)
    assert result.returncode != 0
    assert "kaifang.supervision is not allowed to import kaifang.servicedesk" in result.stdout


def test_an_importer_reaching_for_django_breaks_purity(copy: Path, wrong) -> None:
    wrong("kaifang.trade.importers.wrong", "from kaifang.enterprises.models import Enterprise\n")
    result = _lint(copy)
    assert result.returncode != 0
    assert "kaifang.trade.importers is not allowed to import django" in result.stdout


def test_an_app_that_does_not_exist_yet_is_held_to_its_tier(copy: Path, wrong) -> None:
    wrong("kaifang.zones.selectors", "from kaifang.trade.selectors import breakdown\n")
    assert _lint(copy).returncode == 0  # downwards: allowed
    wrong("kaifang.zones.views", "from kaifang.api import urls\n")
    result = _lint(copy)
    assert result.returncode != 0
    assert "kaifang.zones is not allowed to import kaifang.api" in result.stdout


def test_a_file_cycle_in_the_import_pipeline_breaks_its_contract(copy: Path) -> None:
    """trade/actions/ imports one way (pipeline → stream → commit → pending): the commit's
    shared end importing the streamed commit back would close a cycle."""
    commit = copy / "kaifang" / "trade" / "actions" / "commit.py"
    original = commit.read_text()
    commit.write_text(original + "\nfrom kaifang.trade.actions import stream  # noqa\n")
    try:
        result = _lint(copy)
    finally:
        commit.write_text(original)
    assert result.returncode != 0
    assert "- kaifang.trade.actions.commit -> kaifang.trade.actions.stream" in result.stdout
