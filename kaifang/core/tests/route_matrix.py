"""The route × persona matrix (NetBox's ViewTestCases idea, STYLE.md practice 15).

Every route Django's resolver knows must have a row; `test_route_matrix.py` walks the
resolver and fails on a route without one, then requests every row as every persona.

An app declares its rows in `kaifang/<app>/tests/routes.py`:

    from kaifang.core.tests.route_matrix import Route

    def make(city) -> dict[str, Any]:
        '''Objects belonging to district A (city.district_a / city.district_a_park).'''
        return {"platform": Platform.objects.create(..., district=city.district_a)}

    ROUTES = [
        Route("zones:platform_list", hides="platform"),             # a list
        Route("zones:platform_detail", kwargs={"pk": "platform"}),  # an object route
        Route("zones:platform_kpi_save", kwargs={"pk": "platform"}, method="POST"),
        Route("zones:platform_new", expect={"liaison": 403}),
    ]

Defaults, which `expect={persona: status}` overrides persona by persona:
- anonymous: 302 to the login page (API routes, whose name starts with "api:": 401);
- leader and district_a: 200 for GET (POST rows are not sent as them unless `expect` says);
- district_b: 404 when `kwargs` name an object of make(); otherwise 200, and the page (or
  the Excel/Word file, or the JSON) must not contain the `hides` object's str() — also when the
  query string points every filter (`?district=`, `?park=`, `?unit=`, `?enterprise=`) at
  district A.
- park (a district A park's user, who sees the park's records) and liaison (a district A
  liaison officer, who sees the firms he is the liaison officer of and what hangs on them):
  the same as district_b, GET and POST, unless the row names them in `seen_by` — the objects
  are in the park, or his own firm, or his district's region — and then the same as
  district_a (200, and the page must show the `hides` objects).
Personas: anonymous, leader, officer, district_a, district_b, park (a district A park user),
liaison (district A, own records only), admin. A kwargs value that is a string naming a key of
make()'s dict becomes that object's pk; any other value is used as it is. `skip` names a
reason a route is not requested (it still needs its row).

A second check holds district B's pages to a stronger rule than names: every GET row without
object kwargs must read the same to district B (times and tokens aside) before and after
make() has put district A's objects in place — no count, sum, option or empty-state moves.
A row whose page shows what every district sees (the library, the city's chains, the
indicator definitions, the watch list) says `city_wide=True`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

PERSONAS = (
    "anonymous",
    "leader",
    "officer",
    "district_a",
    "district_b",
    "park",
    "liaison",
    "admin",
)

# District A people who see only part of it: its park's records, the liaison officer's firms.
NARROW_PERSONAS = ("park", "liaison")

# Filters every list is tried with, pointing outside district B's scope.
FILTER_KEYS = ("district", "park", "unit", "enterprise")


@dataclass(frozen=True)
class Route:
    name: str
    kwargs: dict[str, Any] = field(default_factory=dict)
    hides: str | tuple[str, ...] = ()
    method: str = "GET"
    expect: dict[str, int] = field(default_factory=dict)
    query: dict[str, Any] = field(default_factory=dict)
    data: dict[str, Any] = field(default_factory=dict)
    skip: str = ""
    seen_by: tuple[str, ...] = ()
    city_wide: bool = False

    @property
    def is_api(self) -> bool:
        return self.name.startswith("api:")

    def object_keys(self, objects: dict[str, Any]) -> list[str]:
        return [v for v in self.kwargs.values() if isinstance(v, str) and v in objects]

    def hidden(self) -> tuple[str, ...]:
        return (self.hides,) if isinstance(self.hides, str) else tuple(self.hides)

    def expected(self, persona: str, objects: dict[str, Any]) -> int | None:
        """The status this persona must get, or None when the row does not ask."""
        if persona in self.expect:
            return self.expect[persona]
        if persona == "anonymous":
            return 401 if self.is_api else 302
        if self.method != "GET":
            if self.outside(persona) and self.object_keys(objects):
                return 404
            return None
        if persona in ("leader", "district_a") or persona in self.seen_by:
            return 200
        if self.outside(persona):
            return 404 if self.object_keys(objects) else 200
        return None

    def outside(self, persona: str) -> bool:
        """District B, and the narrower district A personas where the row does not say
        they see its objects."""
        return persona == "district_b" or (
            persona in NARROW_PERSONAS and persona not in self.seen_by
        )
