from __future__ import annotations

import factory

from kaifang.core.lib.uscc import synthetic_uscc
from kaifang.enterprises.models import Enterprise


class EnterpriseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enterprise

    name = factory.Sequence(lambda n: f"示范{n}号进出口有限公司")
    uscc = factory.Sequence(lambda n: synthetic_uscc(n + 1000))
