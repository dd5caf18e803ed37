"""The permissions matrix: every URL crossed with every persona, expected status in a table.

Each app's matrix module lists `Case`s; `test_every_url_is_classified` fails for a URL
name of the app that has no case, so a new view cannot ship without its row.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.urls import get_resolver

from tests.conftest import PERSONAS


def expect(default: int, **overrides: int) -> dict[str, int]:
    """The expected status for every persona: `default`, except those named."""
    unknown = set(overrides) - set(PERSONAS)
    assert not unknown, f"unknown personas {unknown}"
    return {persona: overrides.get(persona, default) for persona in PERSONAS}


@dataclass(frozen=True)
class Case:
    name: str  # the URL name, with namespace: "placements:posting-detail"
    url: Callable[[dict], str]  # world -> path
    expect: dict[str, int]
    method: str = "get"
    data: Callable[[dict], dict] | None = field(default=None)  # world -> POST data
    label: str = ""  # tells apart several cases of one URL name

    def __str__(self):
        return f"{self.method.upper()} {self.name}{' ' + self.label if self.label else ''}"


def params(cases):
    return [(case, persona) for case in cases for persona in PERSONAS], [
        f"{case}-{persona}" for case in cases for persona in PERSONAS
    ]


def run_case(case: Case, persona: str, world: dict, personas: dict, client_for):
    client = client_for(personas[persona])
    url = case.url(world)
    if case.method == "get":
        response = client.get(url)
    else:
        response = client.post(url, case.data(world) if case.data else {})
    expected = case.expect[persona]
    assert response.status_code == expected, (
        f"{case} as {persona}: expected {expected}, got {response.status_code} ({url})"
    )
    return response


def url_names(namespace: str | None) -> set[str]:
    """Every URL name under `namespace` (None: the project's own top-level names)."""
    resolver = get_resolver()
    if namespace is None:
        return {
            pattern.name
            for pattern in resolver.url_patterns
            if getattr(pattern, "name", None) and not hasattr(pattern, "url_patterns")
        }
    _prefix, sub = resolver.namespace_dict[namespace]
    return {f"{namespace}:{name}" for name in sub.reverse_dict if isinstance(name, str)}
