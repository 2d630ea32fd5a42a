"""The import pipeline in one room: upload, validate, map, commit, stream, the batch's states,
the commit summary and its audit entry. Views, jobs and the CLI call these; none of them
writes a batch's status itself.

- ``pipeline.py``: a batch's steps (upload → validate → commit), the importer permission;
- ``batches.py``: the ImportBatch state machine (conditional updates: claim, fail, finish,
  recover);
- ``stream.py``: a customs table committed while a forked child parses it;
- ``commit.py``: the customs commit's shared end (records, rollups, summary, audit);
- ``lists.py``: FDI/ODI and enterprise-list commits; ``pending.py``: enterprises an import
  meets that the register does not know yet.

Imports run one way: pipeline → stream → commit → pending (a contract in pyproject.toml).
"""

from kaifang.trade.actions.commit import CommitSummary, Progress, import_commit_result
from kaifang.trade.actions.pipeline import (
    ALLOWED_EXTENSIONS,
    batch_table,
    import_commit,
    import_remap,
    import_start_commit,
    import_start_validation,
    import_upload,
    import_validate,
    parse_batch_file,
    require_importer,
)
from kaifang.trade.actions.stream import import_customs_table

__all__ = [
    "ALLOWED_EXTENSIONS",
    "CommitSummary",
    "Progress",
    "batch_table",
    "import_commit",
    "import_commit_result",
    "import_customs_table",
    "import_remap",
    "import_start_commit",
    "import_start_validation",
    "import_upload",
    "import_validate",
    "parse_batch_file",
    "require_importer",
]
