"""Route matrix rows of the API (ninja's routes are named `api:<operation>`)."""

from __future__ import annotations

from kaifang.core.tests.route_matrix import Route

# The OpenAPI schema and its page are for signed-in users.
ROUTES = [
    Route(
        "api:api-root",
        expect={"anonymous": 404, "leader": 404, "district_a": 404, "district_b": 404},
    ),
    Route("api:me"),
    Route("api:openapi-json", expect={"anonymous": 200}),
    Route("api:openapi-view", expect={"anonymous": 200}),
    Route(
        "api:get_appeal",
        kwargs={"tracking_code": "ABCDEFGHJKMN"},
        expect={"anonymous": 401, "leader": 401, "district_a": 401, "district_b": 401},
    ),
    Route("api:create_appeal", method="POST", expect={"anonymous": 401}),
]
