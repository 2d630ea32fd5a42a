"""Task-division tables (任务分解表) written as text: a header row naming the task, unit and
deadline columns in any order, then one candidate per measure of each row's task cell. A row
whose first cells were merged with the row above is realigned to the columns they fill."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from kaifang.supervision.decompose.build import (
    MAX_TITLE,
    Candidate,
    Context,
    marker_length,
    measures,
    parallel_stages,
    task_wording,
)
from kaifang.supervision.decompose.cleanup import fold
from kaifang.supervision.decompose.deadlines import parse_deadline
from kaifang.supervision.decompose.sentences import (
    Sentence,
    marker_at,
    split_sentences,
)
from kaifang.supervision.decompose.units import (
    find_assignments,
    looks_like_unit,
    resolve_unit,
    split_unit_names,
)

_CELL_SEPARATOR_RE = re.compile(r"\t|[ \u3000]{2,}|\u3000")
_ANNUAL_TARGETS = ("全年", "年度", "今年", "本年")
# "市审改办要每月调度…" with the row's 时间节点: the duty recurs until the row's date.
_BARE_PERIODS = ("每月", "每个月", "每季度", "每个季度", "每半年")
_HEADER_ROLES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("index", re.compile(r"^(?:序号|编号|序)$")),
    ("leader", re.compile(r"领导|责任人|联系人")),  # 牵头领导 names a person, not a unit
    ("lead", re.compile(r"牵头")),
    ("co", re.compile(r"配合|协办|参与|协同")),
    ("guide", re.compile(r"指导")),
    ("responsible", re.compile(r"责任|承办|主体|实施(?:单位|部门)")),
    ("deadline", re.compile(r"时限|时间|期限|节点|截止")),
    ("scope", re.compile(r"范围|备注|说明")),
    ("task", re.compile(r"任务|内容|事项|措施|工作|举措")),
)


@dataclass(frozen=True)
class _Cell:
    start: int
    end: int


def _cells(text: str, start: int, end: int) -> list[_Cell]:
    cells: list[_Cell] = []
    cursor = start
    for separator in _CELL_SEPARATOR_RE.finditer(text, start, end):
        cells.append(_Cell(cursor, separator.start()))
        cursor = separator.end()
    cells.append(_Cell(cursor, end))
    return cells


def _header_roles(text: str, cells: list[_Cell]) -> dict[str, int]:
    """Column roles by header text, in any order. Of several task columns (上级部署任务 |
    本地落实措施) the last is the task and the first its context."""
    roles: dict[str, int] = {}
    for index, cell in enumerate(cells):
        value = text[cell.start : cell.end].strip()
        for role, pattern in _HEADER_ROLES:
            if pattern.search(value):
                if role == "task" and "task" in roles:
                    roles.setdefault("context", roles["task"])
                    roles["task"] = index
                elif role not in roles:
                    roles[role] = index
                break
    return roles


def _sub_header_roles(text: str, cells: list[_Cell]) -> dict[str, int] | None:
    """The roles of a header's second row, when the row is one: every cell short and naming a
    role (序号 | 工作任务 | 牵头单位 | 配合单位 | 完成时限 | 备注)."""
    values = [text[c.start : c.end].strip() for c in cells]
    if len(cells) < 2 or not all(len(v) <= 8 for v in values):
        return None
    if not all(not v or any(pattern.search(v) for _, pattern in _HEADER_ROLES) for v in values):
        return None
    roles = _header_roles(text, cells)
    # "      | 牵头单位 | 配合单位": the second row may name only the roles under a merged cell
    return roles if {"lead", "responsible", "co", "deadline"} & roles.keys() else None


def _is_header(roles: dict[str, int]) -> bool:
    return "task" in roles and bool({"lead", "responsible", "co", "deadline"} & roles.keys())


def _line_spans(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    cursor = 0
    for line in text.split("\n"):
        spans.append((cursor, cursor + len(line)))
        cursor += len(line) + 1
    return spans


def _cell_text(ctx: Context, cells: list[_Cell], index: int | None) -> tuple[str, _Cell | None]:
    if index is None or index >= len(cells):
        return "", None
    cell = cells[index]
    return ctx.text[cell.start : cell.end].strip(), cell


def _row_units(
    ctx: Context, cells: list[_Cell], roles: dict[str, int]
) -> tuple[list[str], list[str]]:
    names: dict[str, list[str]] = {"marked_lead": [], "marked_co": []}
    for role in ("lead", "responsible", "co", "guide"):
        value = _split_joined_names(_cell_text(ctx, cells, roles.get(role))[0])
        names[role] = []
        for raw in split_unit_names(value):
            name, mark, helpers = _role_mark(raw, ctx)
            target = {"lead": "marked_lead", "co": "marked_co"}.get(mark, role)
            names[target].append(resolve_unit(name, ctx.units))
            names["marked_co"].extend(resolve_unit(h, ctx.units) for h in helpers)
    lead_names = names["marked_lead"] or names["lead"] or names["responsible"][:1]
    co_names = [
        n
        for n in [*names["lead"], *names["responsible"], *names["co"], *names["guide"]]
        + names["marked_co"]
        if n not in lead_names
    ]
    return lead_names, [*lead_names[1:], *dict.fromkeys(co_names)]


_ROLE_MARK_RE = re.compile(r"^(?P<name>.+?)[（(](?P<inner>[^（）()]+)[）)]$")
_LEAD_MARKS = ("牵头", "牵头单位", "主责", "主办")
_CO_MARKS = ("配合", "配合单位", "参与", "协助", "协办")


def _role_mark(raw: str, ctx: Context) -> tuple[str, str, list[str]]:
    """A unit cell's own role marks: "市商务局（牵头）" leads, "市财政局（配合）" helps, and
    "各开发区管委会（市自然资源和规划局配合）" names a helper in the bracket. Returns the name,
    its mark ("lead", "co" or "") and the helpers named in the bracket."""
    match = _ROLE_MARK_RE.match(raw.strip())
    if match is None:
        return raw, "", []
    name, inner = match.group("name").strip(), fold(match.group("inner")).strip()
    if inner in _LEAD_MARKS:
        return name, "lead", []
    if inner in _CO_MARKS:
        return name, "co", []
    for mark in _CO_MARKS:
        if inner.endswith(mark):
            helpers = split_unit_names(match.group("inner")[: -len(mark)])
            if helpers and all(looks_like_unit(h, ctx.units) for h in helpers):
                return name, "", helpers
    return raw, "", []


def _split_joined_names(value: str) -> str:
    """ "市行政审批局市司法局" (two names run together in a cell) → "市行政审批局、市司法局"."""
    return re.sub(r"(?<=[局委办厅署院府])(?=[市县区省州](?!场|民|级))", "、", value)


def _row_candidates(
    ctx: Context,
    line: tuple[int, int],
    cells: list[_Cell],
    roles: dict[str, int],
    section: str | None,
) -> list[Candidate]:
    """One candidate per measure of the row's task cell (usually one), with the row's units and
    deadline unless the measure states its own ("市审改办要每月调度…")."""
    task, task_cell = _cell_text(ctx, cells, roles.get("task"))
    if not task or task_cell is None:
        return []
    lead_names, co_names = _row_units(ctx, cells, roles)
    deadline_cell, _ = _cell_text(ctx, cells, roles.get("deadline"))
    row_deadline = parse_deadline(deadline_cell, ctx.doc_date) if deadline_cell else None
    context, _ = _cell_text(ctx, cells, roles.get("context"))
    raw_task = ctx.text[task_cell.start : task_cell.end]
    start = task_cell.start + len(raw_task) - len(raw_task.lstrip())
    end = start + len(task)
    pieces = [
        Sentence(start + s.start, start + s.end, s.text, s.marker)
        for s in split_sentences(ctx.text[start:end])
    ]
    groups = measures(ctx, pieces) if len(pieces) > 1 else [pieces]
    spans: list[tuple[int, int]] = []
    for group in groups:
        spans.extend(parallel_stages(ctx, group[0].start, group[-1].end))
    found: list[Candidate] = []
    for span_start, span_end in spans:
        body = ctx.text[span_start:span_end]
        marker = marker_at(ctx.folded, span_start)
        own = parse_deadline(body, ctx.doc_date)
        if own is not None and own.text in _ANNUAL_TARGETS + _BARE_PERIODS and row_deadline:
            own = None  # "全年开行120列" is the year's target; the 完成时限 column is the deadline
        deadline = own or row_deadline
        if deadline is None and not deadline_cell:
            deadline = parse_deadline(task, ctx.doc_date)
        lead, co = (lead_names[0] if lead_names else None), list(co_names)
        if len(spans) > 1:
            subject = [a for a in find_assignments(ctx.text, ctx.units, span_start, span_end)
                       if not a.bracketed and a.lead]  # fmt: skip
            if subject:
                lead, co = subject[0].lead[0], [*subject[0].lead[1:], *subject[0].co]
        wording = task_wording(body, (marker.end - marker.start) if marker else 0)
        if len(wording) < 4:
            continue
        found.append(
            Candidate(
                text=wording,
                source_sentence=ctx.text[line[0] : line[1]],
                start=span_start,
                end=span_end,
                section=section or (context[:200] if context else None),
                lead_unit=lead,
                co_units=co,
                deadline=deadline.date if deadline else None,
                deadline_text=deadline.label if deadline else (deadline_cell or None),
                recurring=deadline.recurring if deadline else False,
                recurrence=deadline.recurrence if deadline else None,
                sentence_start=line[0],
                sentence_end=line[1],
                kind="table",
            )
        )
    if len(found) == 1:
        found[0].text = task_wording(task, marker_length(ctx, start))
        found[0].start, found[0].end = start, end
        head = marker_at(fold(context), 0) if context else None
        title = task_wording(context, (head.end - head.start) if head else 0) if context else ""
        if title and len(title) <= MAX_TITLE and "。" not in title and title not in task:
            # 改革事项 | 主要内容: "企业登记“一网通办”：推行企业开办全程网上办理……"
            found[0].text = f"{title}：{found[0].text}"
    else:
        # Several measures in one cell: each points at its own words, not the whole row.
        for candidate in found:
            candidate.sentence_start, candidate.sentence_end = candidate.start, candidate.end
            candidate.source_sentence = ctx.text[candidate.start : candidate.end]
    return found


def tables(ctx: Context) -> tuple[list[tuple[int, Candidate]], list[tuple[int, int]]]:
    """Candidates from tables written as text, and the spans those tables cover."""
    found: list[tuple[int, Candidate]] = []
    covered: list[tuple[int, int]] = []
    lines = _line_spans(ctx.text)
    index = 0
    while index < len(lines):
        start, end = lines[index]
        cells = _cells(ctx.folded, start, end)
        roles = _header_roles(ctx.text, cells) if len(cells) >= 2 else {}
        if not _is_header(roles):
            index += 1
            continue
        table_start = start
        section: str | None = None
        filled: list[int] = []
        index += 1
        if index < len(lines):
            sub = _sub_header_roles(ctx.text, _cells(ctx.folded, *lines[index]))
            if sub is not None:  # 责任单位 over 牵头单位 | 配合单位: the second row names the roles
                taken = set(sub.values())
                roles = {**{r: i for r, i in roles.items() if i not in taken}, **sub}
                index += 1
        while index < len(lines):
            row_start, row_end = lines[index]
            row = _cells(ctx.folded, row_start, row_end)
            values = [ctx.text[c.start : c.end].strip() for c in row]
            non_empty = [v for v in values if v]
            if not non_empty:
                break
            if len(row) < 2 or (len(set(non_empty)) == 1 and not non_empty[0].isdigit()):
                if len(row) < 2 and (
                    index + 1 >= len(lines) or fold(non_empty[0]).endswith(("。", "；", "！"))
                ):
                    break  # the paragraph after the table ("各牵头单位要于每季度末…。")
                if len(row) < 2:
                    nxt = _cells(ctx.folded, *lines[index + 1])
                    if len(nxt) < 2:
                        break
                section = non_empty[0]  # a merged row such as "一、平台建设"
                index += 1
                continue
            row = _align_row(ctx, row, filled, roles)
            filled = [i for i, c in enumerate(row) if ctx.text[c.start : c.end].strip()]
            found.extend(
                (c.start, c)
                for c in _row_candidates(ctx, (row_start, row_end), row, roles, section)
            )
            index += 1
        covered.append((table_start, lines[index - 1][1]))
    return found, covered


def _align_row(
    ctx: Context, row: list[_Cell], filled: list[int], roles: dict[str, int]
) -> list[_Cell]:
    """A row whose first cells are merged with the row above (a text or web table drops them):
    its cells may belong to the last columns the previous row filled. The reading whose cells
    fit their columns better (a task, units, a deadline) wins."""
    values = [ctx.text[c.start : c.end].strip() for c in row]
    count = sum(1 for v in values if v)
    if not filled or count >= len(filled) or any(not v for v in values[:count]):
        return row
    aligned = [_Cell(row[0].start, row[0].start) for _ in range(max(filled) + 1)]
    for cell, column in zip(row[:count], filled[-count:], strict=True):
        aligned[column] = cell
    return aligned if _fit(ctx, aligned, roles) > _fit(ctx, row, roles) else row


def _fit(ctx: Context, row: list[_Cell], roles: dict[str, int]) -> int:
    """How well a row's cells fit the columns the header names."""
    score = 0
    task, _ = _cell_text(ctx, row, roles.get("task"))
    if len(task) >= 6 and not all(looks_like_unit(n) for n in split_unit_names(task)):
        score += 1
    for role in ("lead", "responsible", "co", "guide"):
        value, _ = _cell_text(ctx, row, roles.get(role))
        names = split_unit_names(_split_joined_names(value))
        if names and all(looks_like_unit(n, ctx.units) for n in names):
            score += 1
    deadline, _ = _cell_text(ctx, row, roles.get("deadline"))
    if deadline and parse_deadline(deadline, ctx.doc_date) is not None:
        score += 1
    return score


def render_table(rows: Sequence[Sequence[str]]) -> str:
    """A table as text: one line per row, tab-separated cells (newlines in a cell → space)."""
    return "\n".join(
        "\t".join(" ".join(cell.replace("\t", " ").split()) for cell in row) for row in rows
    )
