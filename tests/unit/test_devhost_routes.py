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
