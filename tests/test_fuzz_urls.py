"""Hypothesis walks every URL pattern with hostile values and fails on any 5xx.

The patterns come from the URL configuration (Django's admin excepted: its views are Django's own),
so a new URL is fuzzed without touching this file. Path parameters get hostile values fitting their
converter (ids too large for the database, zero, ids that exist); query parameters and form fields
get hostile values (NUL and other control characters, superscript digits, huge numbers, over-long
text, markup) under every field name the app's pages and scripts use, found by reading the pages'
forms. Each pattern is tried as an analyst and as a lead, with GET and POST (htmx or not, with an
upload or not). Bounded and deterministic: `derandomize`, a few examples per pattern.
"""

from __future__ import annotations

import re
from urllib.parse import urlencode

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotations.models import Note, SavedSet
from tests.annotated_world import build_world

HOSTILE = [
    "\x00",
    "a\x00b",
    "\x1b[31m",
    "\x7f",
    "\u0085",
    "²",
    "١٢",
    "-1",
    "0",
    "9" * 25,
    str(2**63),
    "1e9",
    " 1 ",
    "",
    " ",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "../../etc/passwd",
    "%00",
    "x" * 3000,
    "🇮🇷",
    "q\u0303",
    "null",
    "{}",
    "2020-13-45",
    "9999-12-31",
    "me",
    "csv",
    "event",
]
# Field names that scripts and links send without a form on any page (reader.js, the type-ahead, the side
# list's and the activity's next pages).
SCRIPT_FIELDS = {"q", "at", "after", "before", "start", "end", "text", "term", "role", "note", "version"}
SCRIPT_FIELDS |= {"label", "actor_type"}
NAMES = re.compile(r'\bname="([^"]+)"')
PATH_VALUES = {
    "int": [0, 1, 2, 3, 5, 2**63 - 1, 2**63, 10**30],
    "slug": ["irgc", "no-such-term", "a" * 300, "-", "_"],
    "str": ["x", "\u00e9", "a" * 300],
    "path": ["x", "a/b"],
}
FORM_ENCODED = "application/x-www-form-urlencoded"
ROUTE_PARAM = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")


def url_patterns(resolvers=None, prefix: str = "") -> list[str]:
    """Every route of the URL configuration as a string with its <converter:name> parameters."""
    found = []
    for entry in resolvers if resolvers is not None else get_resolver().url_patterns:
        route = str(entry.pattern)
        if isinstance(entry, URLResolver):
            if route.startswith("admin/"):
                continue
            found += url_patterns(entry.url_patterns, prefix + route)
        elif isinstance(entry, URLPattern):
            found.append(prefix + route)
    return sorted(set(found))


PATTERNS = url_patterns()


def test_the_fuzz_covers_the_apps_urls():
    assert "articles/<int:article_id>/spans/" in PATTERNS
    assert "spans/<int:span_id>/tags/<int:tag_id>/role/" in PATTERNS
    assert "import/" in PATTERNS and "login/" in PATTERNS
    assert not any(p.startswith("admin/") for p in PATTERNS)


def build_cast(alice, bob, charlie):
    """Built once for the module's 120 tests (tests/conftest.py `cast`)."""
    world = build_world(alice, bob)
    Note.objects.create(article=world.killing, author=alice, text="On the whole article")
    SavedSet.objects.create(owner=alice, name="Strikes", query="term=air-drone-strike")
    return world


@pytest.fixture
def world(cast):
    return cast.world


_names: list[str] = []


def field_names(client: Client, world) -> list[str]:
    """The names of every form field on the app's pages, plus those scripts send (read once)."""
    if _names:
        return _names
    pages = [
        "/",
        "/import/",
        f"/articles/{world.killing.pk}/",
        f"/spans/{world.us_kills.pk}/",
        "/annotations/",
        f"/annotations/sets/{SavedSet.objects.get().pk}/",
        "/vocabulary/",
        "/vocabulary/new/",
        "/vocabulary/import/",
        "/vocabulary/terms/irgc/",
        "/vocabulary/terms/irgc/edit/",
        "/vocabulary/terms/irgc/merge/",
    ]
    names = set(SCRIPT_FIELDS)
    for page in pages:
        names |= set(NAMES.findall(client.get(page).content.decode()))
    names.discard("csrfmiddlewaretoken")
    _names.extend(sorted(names))
    return _names


# Values that pass the input guard and reach the views' own parsing: each is sent in every field at once.
PARSED = [value for value in HOSTILE if not any(c in value for c in "\x00\x1b\x7f\u0085")]


def hostile_text() -> st.SearchStrategy[str]:
    return st.sampled_from(HOSTILE) | st.text(max_size=20)


def as_user(user) -> Client:
    client = Client(raise_request_exception=True)
    client.force_login(user)
    return client


def fill_path(pattern: str, choose) -> str:
    def fill(match: re.Match) -> str:
        return str(choose(PATH_VALUES.get(match["converter"] or "str", PATH_VALUES["str"]), match["name"]))

    return "/" + ROUTE_PARAM.sub(fill, pattern)


def check(client: Client, method: str, url: str, fields: dict, headers: dict) -> None:
    if method == "post" and not any(isinstance(value, SimpleUploadedFile) for value in fields.values()):
        # Form-encoded, as htmx and a form without a file send it (multipart only with an upload): the
        # same fields reach the views, without parsing a 300 KB multipart body each time.
        response = client.post(url, urlencode(fields), content_type=FORM_ENCODED, headers=headers)
    else:
        response = getattr(client, method)(url, fields, headers=headers)
    assert response.status_code < 500, (method, url, fields, response.status_code)


@pytest.mark.parametrize("pattern", PATTERNS)
@pytest.mark.parametrize("who", ["alice", "charlie"])
def test_no_hostile_request_makes_a_server_error(pattern, who, world, request):
    client = as_user(request.getfixturevalue(who))
    names = field_names(client, world)

    # A sweep: each value in every field at once, at an existing object and at one too large to exist.
    # The analyst sends half the values by GET and half by POST, the lead the other way round: between
    # them every value reaches every pattern by both methods, at half the requests.
    turn = 0 if who == "alice" else 1
    for number, value in enumerate(PARSED):
        url = fill_path(pattern, lambda values, name, n=number: values[n % len(values)])
        fields = dict.fromkeys(names, value)
        if (number + turn) % 2:
            check(client, "post", url, fields, {"HX-Request": "true"} if number // 2 % 2 else {})
        else:
            check(client, "get", url, fields, {})

    # Then Hypothesis: a few fields at a time, control characters included, uploads sometimes.
    @settings(
        max_examples=5,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(data=st.data())
    def fuzz(data):
        url = fill_path(pattern, lambda values, name: data.draw(st.sampled_from(values), label=name))
        chosen = data.draw(st.lists(st.sampled_from(names), max_size=4, unique=True), label="fields")
        fields = {name: data.draw(hostile_text(), label=name) for name in chosen}
        headers = {"HX-Request": "true"} if data.draw(st.booleans(), label="htmx") else {}
        check(client, "get", url, fields, headers)
        if data.draw(st.booleans(), label="upload"):
            name = data.draw(st.sampled_from(["a.txt", "b.jsonl", "c.csv", "d.json", "e.html", "x\x00.txt"]))
            content = data.draw(st.sampled_from([b"", b"\x00\xff\xfe", b"Title\n\nText.", b'{"title": 1}']))
            fields["files"] = fields["file"] = SimpleUploadedFile(name, content)
        check(client, "post", url, fields, headers)

    fuzz()
