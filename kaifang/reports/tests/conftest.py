from kaifang.indicators.tests.conftest import region_a, region_b, seeded  # noqa: F401
from kaifang.servicedesk.tests.conftest import accepted, firm, make_appeal  # noqa: F401
from kaifang.trade.tests.conftest import trade_data  # noqa: F401
