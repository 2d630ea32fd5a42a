"""The register's background work: the large exports the worker writes (imported at start-up
by CoreConfig.ready, so the worker knows the writers)."""

from __future__ import annotations

from kaifang.enterprises import exports as exports  # registers the register's export writer
