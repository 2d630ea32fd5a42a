"""Commits of the non-customs imports with the same machinery: FDI/ODI investment records and
enterprise lists. One transaction each; re-import replaces, never adds."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from kaifang.core import audit
from kaifang.core.models import Industry, Unit, UnitKind, User
from kaifang.enterprises.events import enterprise_event
from kaifang.enterprises.models import Enterprise, Ownership, Size, Tag
from kaifang.trade.actions.commit import Progress, _noop
from kaifang.trade.actions.pending import create_pending_enterprises
from kaifang.trade.importers.enterprise_list import EnterpriseRecord
from kaifang.trade.importers.investment import InvestmentRow
from kaifang.trade.importers.result import ImportResult
from kaifang.trade.models import ImportBatch, InvestmentRecord


@transaction.atomic
def investment_commit(
    *,
    result: ImportResult[InvestmentRow],
    kind: str,
    actor: User | None,
    batch: ImportBatch | None,
    source: str,
    replace_period: bool,
    progress: Progress = _noop,
) -> int:
    """Upsert FDI or ODI records (kind "fdi" | "odi"); returns records written."""
    created = create_pending_enterprises(result.new_enterprises, actor=actor, batch=batch)
    if replace_period and result.periods:
        InvestmentRecord.objects.filter(
            kind=kind, source=source, period__in=result.periods
        ).delete()
    merged: dict[tuple[Any, ...], InvestmentRecord] = {}
    for row in result.rows:
        ref = row.enterprise
        enterprise_id = (
            ref.enterprise_id
            or created.get(("uscc", ref.uscc))
            or created.get(("customs_code", ref.customs_code))
        )
        if enterprise_id is None:
            continue
        key = (enterprise_id, row.period, row.partner_code)
        record = merged.get(key)
        if record is None:
            merged[key] = InvestmentRecord(
                kind=kind,
                enterprise_id=enterprise_id,
                period=row.period,
                partner_code=row.partner_code,
                amount_usd=row.value_usd,
                amount_cny=row.value_cny,
                second_usd=row.second_usd,
                second_cny=row.second_cny,
                counterparts="、".join(row.counterparts)[:300],
                source=source,
                batch=batch,
            )
            continue
        for name, value in (
            ("amount_usd", row.value_usd),
            ("amount_cny", row.value_cny),
            ("second_usd", row.second_usd),
            ("second_cny", row.second_cny),
        ):
            current = getattr(record, name)
            setattr(record, name, value if current is None else current + (value or 0))
    InvestmentRecord.objects.bulk_create(
        list(merged.values()),
        batch_size=2000,
        update_conflicts=True,
        unique_fields=["kind", "enterprise", "period", "partner_code"],
        update_fields=[
            "amount_usd",
            "amount_cny",
            "second_usd",
            "second_cny",
            "counterparts",
            "source",
            "batch",
        ],
    )
    progress(90, f"已写入 {len(merged)} 条投资记录")
    audit.record(
        actor=actor,
        action=f"import.commit.{kind}",
        obj=batch,
        object_type="trade.importbatch",
        object_repr=batch.filename if batch else "命令行导入",
        changes={**result.summary(), "errors": len(result.errors), "rows_written": len(merged)},
    )
    return len(merged)


def _unit_by_name(kind: str) -> dict[str, Unit]:
    names: dict[str, Unit] = {}
    for unit in Unit.objects.filter(kind=kind):
        for name in (unit.name, unit.short_name, *unit.alias_list()):
            if name:
                names[name] = unit
    return names


def _match_unit(names: dict[str, Unit], text: str) -> Unit | None:
    if not text:
        return None
    if text in names:
        return names[text]
    hits = {unit.pk: unit for name, unit in names.items() if text in name or name in text}
    return next(iter(hits.values())) if len(hits) == 1 else None


def _choice(choices: Any, text: str) -> str:
    for value, label in choices.choices:
        if text and (text == label or text in label or label in text):
            return str(value)
    return ""


@transaction.atomic
def enterprise_list_commit(
    *,
    result: ImportResult[EnterpriseRecord],
    actor: User | None,
    batch: ImportBatch | None,
    progress: Progress = _noop,
) -> dict[str, int]:
    """Create or update register entries from a list; attributes the register cannot place
    (an unknown district name, say) are reported, not guessed."""
    districts = _unit_by_name(UnitKind.DISTRICT)
    parks = _unit_by_name(UnitKind.PARK)
    industries = {i.code: i for i in Industry.objects.filter(level=4)}
    industry_names = {i.name: i for i in industries.values()}
    created = updated = 0
    unplaced: list[str] = []
    for record in result.rows:
        attrs = record.attributes
        values: dict[str, Any] = {}
        district = _match_unit(districts, attrs.get("district", ""))
        if attrs.get("district") and district is None:
            unplaced.append(f"第 {record.first_row} 行：县区“{attrs['district']}”不在组织机构中")
        park = _match_unit(parks, attrs.get("park", ""))
        if attrs.get("park") and park is None:
            unplaced.append(f"第 {record.first_row} 行：园区“{attrs['park']}”不在组织机构中")
        industry_text = attrs.get("industry", "")
        industry = industries.get(industry_text[:4]) or industry_names.get(industry_text)
        if industry_text and industry is None:
            unplaced.append(f"第 {record.first_row} 行：行业“{industry_text}”无法对应国标小类")
        for field_name, value in (("district", district), ("park", park), ("industry", industry)):
            if value is not None:
                values[field_name] = value
        if attrs.get("ownership"):
            values["ownership"] = _choice(Ownership, attrs["ownership"])
        if attrs.get("size"):
            values["size"] = _choice(Size, attrs["size"])
        for source_name, target in (
            ("contact", "contact_name"),
            ("phone", "contact_phone"),
            ("address", "address"),
            ("legal_representative", "legal_representative"),
        ):
            if attrs.get(source_name):
                values[target] = attrs[source_name][:200]
        values = {k: v for k, v in values.items() if v not in ("", None)}
        enterprise = (
            Enterprise.objects.filter(pk=record.enterprise_id).first()
            if (record.enterprise_id)
            else None
        )
        if enterprise is None and record.uscc:
            enterprise = Enterprise.objects.filter(uscc=record.uscc).first()
        if enterprise is None and record.customs_code:
            enterprise = Enterprise.objects.filter(customs_code=record.customs_code).first()
        if enterprise is None:
            enterprise = Enterprise(
                name=record.name,
                uscc=record.uscc or None,
                customs_code=record.customs_code or None,
                source="list",
                created_by=actor,
            )
            created += 1
            kind, text = "created", "由企业名录导入建档"
        else:
            updated += 1
            kind, text = "updated", "企业名录导入更新档案"
            if record.customs_code and not enterprise.customs_code:
                enterprise.customs_code = record.customs_code
        for key, value in values.items():
            setattr(enterprise, key, value)
        former = [n for n in record.former_names if n and n != enterprise.name]
        enterprise.former_names = list(dict.fromkeys([*enterprise.former_names, *former]))
        enterprise.save()
        if record.tags:
            tags = [Tag.objects.get_or_create(name=name[:30])[0] for name in record.tags]
            enterprise.tags.add(*tags)
        enterprise_event(enterprise=enterprise, kind=kind, text=text, actor=actor)
    progress(95, f"新建 {created} 家，更新 {updated} 家")
    summary = {"created": created, "updated": updated, "unplaced": len(unplaced)}
    audit.record(
        actor=actor,
        action="import.commit.enterprises",
        obj=batch,
        object_type="trade.importbatch",
        object_repr=batch.filename if batch else "命令行导入",
        changes={**summary, "unplaced_examples": unplaced[:50]},
    )
    if batch is not None and unplaced:
        batch.summary = {**batch.summary, "unplaced": unplaced[:200]}
        batch.save(update_fields=["summary"])
    return summary
