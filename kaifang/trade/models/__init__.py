"""Customs trade facts, FDI/ODI facts, the imports that brought them, and monthly rollups,
in three modules: the records (`records`), the rollups without the enterprise (`rollups`) and
the enterprise stage rollups (`stages`). Everything is importable from here.

A customs record is enterprise × month × flow × HS code × partner × trade mode → value in USD
and CNY (full-precision Decimal). The key is unique: re-importing replaces, never adds.
Rollups are rebuilt from the facts for the periods an import touched, so every total on a
page equals the sum of the rows it drills down to."""

from kaifang.trade.models.records import (
    ENTERPRISE_SCOPE_OWNERS,
    ENTERPRISE_SCOPE_UNITS,
    IMPORT_STATUS_COLOURS,
    CustomsRecord,
    DataSource,
    Flow,
    Heading,
    ImportBatch,
    ImportKind,
    ImportStatus,
    InvestmentKind,
    InvestmentRecord,
    MappingTemplate,
)
from kaifang.trade.models.rollups import (
    CommodityRollup,
    CommodityYearToDateRollup,
    Dimension,
    LiaisonRollup,
    ModeProductRollup,
    PartnerModeProductRollup,
    PartnerModeRollup,
    PartnerProductRollup,
    PlaceCommodityRollup,
    PlaceCommodityYearToDateRollup,
    PlacePartnerChapterRollup,
    ScopeRollup,
    TradeRollup,
    YearToDateRollup,
)
from kaifang.trade.models.stages import (
    STAGE_MODELS,
    EnterpriseChapterRollup,
    EnterpriseGroupRollup,
    EnterpriseModeRollup,
    EnterprisePartnerModeRollup,
    EnterprisePartnerRollup,
    EnterpriseProductRollup,
    StageModel,
)

__all__ = [
    "ENTERPRISE_SCOPE_OWNERS",
    "ENTERPRISE_SCOPE_UNITS",
    "IMPORT_STATUS_COLOURS",
    "STAGE_MODELS",
    "CommodityRollup",
    "CommodityYearToDateRollup",
    "CustomsRecord",
    "DataSource",
    "Dimension",
    "EnterpriseChapterRollup",
    "EnterpriseGroupRollup",
    "EnterpriseModeRollup",
    "EnterprisePartnerModeRollup",
    "EnterprisePartnerRollup",
    "EnterpriseProductRollup",
    "Flow",
    "Heading",
    "ImportBatch",
    "ImportKind",
    "ImportStatus",
    "InvestmentKind",
    "InvestmentRecord",
    "LiaisonRollup",
    "MappingTemplate",
    "ModeProductRollup",
    "PartnerModeProductRollup",
    "PartnerModeRollup",
    "PartnerProductRollup",
    "PlaceCommodityRollup",
    "PlaceCommodityYearToDateRollup",
    "PlacePartnerChapterRollup",
    "ScopeRollup",
    "StageModel",
    "TradeRollup",
    "YearToDateRollup",
]
