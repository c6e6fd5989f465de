import pytest

from devhost.functions import compile_template


@pytest.mark.parametrize(
    ("template", "path", "expected"),
    [
        ("tickets", "tickets", {}),
        ("tickets/{number}", "tickets/INC0010001", {"number": "INC0010001"}),
        ("tickets/{number}", "tickets/INC0010001/extra", None),
        ("tickets/{number}/activity", "tickets/INC1/activity", {"number": "INC1"}),
        ("sla-targets/{priority:int}", "sla-targets/3", {"priority": "3"}),
        ("sla-targets/{priority:int}", "sla-targets/three", None),
        ("files/{*rest}", "files/a/b/c.txt", {"rest": "a/b/c.txt"}),
        ("files/{*rest}", "files", {"rest": None}),
        ("items/{id?}", "items", {"id": None}),
        ("items/{id?}", "items/7", {"id": "7"}),
        ("openapi.json", "openapiXjson", None),
        ("tickets/{number}", "tickets/\nINC1", {"number": "\nINC1"}),
        ("tickets/{number}", "tickets/INC1\n", {"number": "INC1\n"}),
    ],
)
def test_route_templates_match_as_the_functions_host_does(template, path, expected):
    found = compile_template(template).fullmatch(path)
    assert (found.groupdict() if found else None) == expected


def test_the_router_looks_only_at_functions_that_could_take_the_first_segment_and_keeps_routing_order():
    import azure.functions as func

    from devhost.functions import FunctionRouter

    app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)
    for name, route, methods in [("search", "tickets/search", ["GET"]), ("ticket", "tickets/{number}", ["GET"]),
                                 ("change", "tickets/{number}", ["PATCH"]), ("export", "{kind}/export", ["GET"]),
                                 ("files", "files/{*rest}", ["GET"]), ("tickets", "tickets", ["GET", "POST"])]:
        app.function_name(name)(app.route(route=route, methods=methods)(lambda req: None))
    router = FunctionRouter(app, "api")

    def every_function(path: str, method: str) -> tuple[str | None, dict[str, str], set[str]]:
        relative, allowed = path.removeprefix("/api/"), set()
        for function in router.functions:
            found = function.pattern.fullmatch(relative)
            if found:
                allowed |= function.methods
                if method in function.methods:
                    return function.name, {k: v for k, v in found.groupdict().items() if v is not None}, allowed
        return None, {}, allowed

    for path in ["/api/tickets", "/api/tickets/search", "/api/tickets/INC1", "/api/tickets/export",
                 "/api/reports/export", "/api/files/a/b", "/api/files", "/api/nothing", "/api/", "/api/tickets/x/y"]:
        for method in ("GET", "PATCH", "DELETE"):
            function, values, allowed = router.match(path, method)
            assert ((function.name if function else None), values, allowed) == every_function(path, method), (path, method)
