"""Pure text processing behind supervision's document decomposition (no Django, no database).

See ``candidates`` for the public API; the names below are re-exported for convenience.
"""

from kaifang.supervision.decompose.candidates import (
    Candidate,
    MilestoneProposal,
    decompose,
    decompose_table,
    render_table,
)
from kaifang.supervision.decompose.cleanup import (
    clean_text,
    fold,
    has_traditional,
    is_scraped,
    rejoin_scraped,
    to_simplified,
)
from kaifang.supervision.decompose.deadlines import Deadline, find_deadlines, parse_deadline
from kaifang.supervision.decompose.docx import DocxContent, read_docx
from kaifang.supervision.decompose.sentences import Sentence, outline, split_sentences
from kaifang.supervision.decompose.units import (
    UnitRef,
    find_assignments,
    match_units,
    resolve_unit,
    resolve_unit_match,
)

__all__ = [
    "Candidate",
    "Deadline",
    "DocxContent",
    "MilestoneProposal",
    "Sentence",
    "UnitRef",
    "clean_text",
    "decompose",
    "decompose_table",
    "find_assignments",
    "find_deadlines",
    "fold",
    "has_traditional",
    "is_scraped",
    "match_units",
    "outline",
    "parse_deadline",
    "read_docx",
    "rejoin_scraped",
    "render_table",
    "resolve_unit",
    "resolve_unit_match",
    "split_sentences",
    "to_simplified",
]
