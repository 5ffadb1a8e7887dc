"""One round trip per save: a change's answer carries everything it changed in the reader (panel,
paragraphs, side-list item, activity lines, passage count) out of band, placed by the side list the
browser says it shows (X-Side-List); the side list and the activity page; bad parameters are 400."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.utils import timezone

from annotations.models import Span, Tag, Term
from annotations.views.side_list import ACTIVITY_PAGE, PAGE
from corpus.models import Article

BODY = (
    "Qasem Soleimani was killed in Baghdad.\n\n"
    "Tehran vowed revenge. The Quds Force said little.\n\n"
    "Washington said nothing."
)


def hx_post(client: Client, url: str, data: dict, side: str | None = None):
    headers = {"HX-Request": "true"}
    if side is not None:
        headers["X-Side-List"] = side
    return client.post(url, data, headers=headers)


def oob(html: str) -> list[str]:
    """The out-of-band swaps of an answer, as `id-or-target:how`."""
    found = []
    for tag in re.findall(r"<[a-z]+ [^>]*hx-swap-oob=\"[^\"]+\"[^>]*>", html):
        how = re.search(r'hx-swap-oob="([^"]+)"', tag).group(1)
        element = re.search(r'\bid="([^"]+)"', tag)
        found.append(f"{element.group(1)}:{how}" if how in ("true", "delete") else how)
    return found


@pytest.fixture
def article(db) -> Article:
    return Article.objects.create(title="Killing", body=BODY, sha256=Article.hash_body(BODY))


@pytest.fixture
def iran(db) -> Term:
    return Term.objects.create(slug="iran", kind="actor", label="Iran")


@pytest.fixture
def killing(db) -> Term:
    return Term.objects.create(slug="killing", kind="event", label="Targeted killing")


def make(article, text, user, term, role=""):
    start = article.body.index(text)
    return Span.create_for(article, start, start + len(text), text, by=user, term=term, role=role)


def create(client, article, text, term, side=None):
    start = article.body.index(text)
    data = {"start": start, "end": start + len(text), "text": text, "term": term.pk}
    return hx_post(client, f"/articles/{article.pk}/spans/", data, side)


def test_a_save_answers_with_all_it_changed_so_the_page_fetches_nothing(alice_client, article, iran, alice):
    washington = make(article, "Washington", alice, iran)
    response = create(alice_client, article, "Tehran vowed revenge.", iran)
    assert response.status_code == 200
    span = Span.objects.latest("pk")
    html = response.content.decode()
    assert html.lstrip().startswith(f'<div class="span-card" data-span="{span.pk}"')  # the panel: the target
    assert oob(html) == [
        "p-1:true",  # the paragraph, repainted
        "passage-count:true",
        f"beforebegin:#passage-{washington.pk}",  # the new item, before the next one in reading order
        "afterbegin:#activity",  # the history lines it wrote
    ]
    assert (
        f'<a id="span-{span.pk}"></a><mark class="hl actor d1" data-o="40">Tehran vowed revenge.</mark>'
        in html
    )
    assert "2 passages" in html and "Tagged “Tehran vowed revenge.” with Iran as mentioned" in html
    # Nothing on the page fetches after a save any more: no element listens for the event.
    page = alice_client.get(f"/articles/{article.pk}/").content.decode()
    assert "spanSaved" not in page and "noteSaved" not in page


def test_a_new_passage_is_appended_to_a_wholly_loaded_list_and_not_sent_past_the_loaded_part(
    alice_client, article, iran, alice
):
    first = make(article, "Qasem Soleimani", alice, iran)
    html = create(alice_client, article, "Washington", iran, side="").content.decode()
    span = Span.objects.latest("pk")
    assert "beforeend:#side-list" in oob(html) and f'<li id="passage-{span.pk}"' in html
    assert "2 passages" in html  # counted with no passage after it, as with one (the first test)
    # The browser has loaded the list only up to `first` (more remain): a later passage waits for its page.
    side = f"after={first.start}.{first.end}.{first.pk}"
    html = create(alice_client, article, "Baghdad", iran, side=side).content.decode()
    assert not [
        swap
        for swap in oob(html)
        if "side-list" in swap or "#passage-" in swap or swap.startswith("passage-") and "count" not in swap
    ]


def test_a_change_replaces_the_item_and_a_delete_removes_it_and_undo_puts_it_back(
    alice_client, article, iran, killing, alice
):
    span = make(article, "Qasem Soleimani was killed", alice, killing)
    later = make(article, "Washington", alice, iran)
    html = hx_post(alice_client, f"/spans/{span.pk}/tags/", {"term": iran.pk, "version": 1}).content.decode()
    assert f"passage-{span.pk}:true" in oob(html)
    item = html.split(f'<li hx-swap-oob="true" id="passage-{span.pk}"', 1)[1].split("</li>", 1)[0]
    assert "Targeted killing" in item and "Iran" in item
    assert "p-0:true" in oob(html) and 'class="hl both d1"' in html  # its kind changed: repainted

    tag = span.tags.get(term=iran)
    html = hx_post(
        alice_client, f"/spans/{span.pk}/tags/{tag.pk}/role/", {"role": "target", "version": 2}
    ).content
    assert "p-0:true" not in oob(html.decode())  # a role changes no highlight
    assert f"passage-{span.pk}:true" in oob(html.decode()) and "target" in html.decode()

    html = hx_post(alice_client, f"/spans/{span.pk}/delete/", {"version": 3}).content.decode()
    assert oob(html) == [
        "p-0:true",
        "passage-count:true",
        f"passage-{span.pk}:delete",
        "afterbegin:#activity",
    ]
    html = hx_post(alice_client, f"/spans/{span.pk}/restore/", {}).content.decode()
    assert f"beforebegin:#passage-{later.pk}" in oob(html) and "2 passages" in html


def test_a_note_on_a_passage_shows_in_its_item(alice_client, article, iran, alice):
    span = make(article, "Tehran vowed revenge.", alice, iran)
    html = hx_post(alice_client, f"/spans/{span.pk}/notes/", {"text": "Rhetoric, for now."}).content.decode()
    assert oob(html) == [f"passage-{span.pk}:true", "afterbegin:#activity"]
    assert '<p class="note-snippet">Rhetoric, for now.' in html


def test_the_item_follows_the_browsers_filter(alice_client, article, iran, killing, alice, bob):
    killed = make(article, "Qasem Soleimani was killed", alice, killing)
    make(article, "Washington", bob, iran)
    role_target = "role=target"
    # A new passage that does not pass the filter is not listed.
    html = create(alice_client, article, "Baghdad", iran, side=role_target).content.decode()
    baghdad = Span.objects.latest("pk")
    assert not [
        swap
        for swap in oob(html)
        if "side-list" in swap or "#passage-" in swap or swap.startswith("passage-") and "count" not in swap
    ]
    # Changing its role to target puts it in the list, at its place; changing it back takes it out.
    tag = baghdad.tags.get()
    url = f"/spans/{baghdad.pk}/tags/{tag.pk}/role/"
    html = hx_post(alice_client, url, {"role": "target", "version": 1}, side=role_target).content.decode()
    assert "beforeend:#side-list" in oob(html)
    html = hx_post(alice_client, url, {"role": "agent", "version": 2}, side=role_target).content.decode()
    assert f"passage-{baghdad.pk}:delete" in oob(html)
    # "Mine": bob's passages are not in alice's list; her own are, whatever the tags.
    html = hx_post(
        alice_client, f"/spans/{killed.pk}/tags/", {"term": iran.pk, "version": 1}, side="who=mine"
    ).content.decode()
    assert f"passage-{killed.pk}:true" in oob(html)


def test_side_list_pages_in_reading_order_with_a_sentinel(alice_client, alice, iran):
    body = " ".join(f"w{i}" for i in range(PAGE * 2 + 60))
    article = Article.objects.create(title="Long", body=body, sha256=Article.hash_body(body))
    now = timezone.now()
    spans = Span.objects.bulk_create(
        # Nested passages from the start: reading order is the longest first.
        Span(article=article, start=0, end=1 + i, quote=body[: 1 + i], created_by=alice, created_at=now)
        for i in range(PAGE * 2 + 50)
    )
    Tag.objects.bulk_create(Tag(span=s, term=iran, role="mentioned", created_by=alice) for s in spans)
    expected = [s.pk for s in sorted(spans, key=lambda s: (s.start, -s.end, s.pk))]

    html = alice_client.get(f"/articles/{article.pk}/").content.decode()
    listed = [int(i) for i in re.findall(r'id="passage-(\d+)"', html)]
    assert listed == expected[:PAGE]
    after = re.search(r'id="side-list-more" class="more" data-after="([\d.]+)"', html).group(1)
    pages = [listed]
    while after:
        response = alice_client.get(
            f"/articles/{article.pk}/passages/?after={after}", headers={"HX-Request": "true"}
        )
        html = response.content.decode()
        pages.append([int(i) for i in re.findall(r'id="passage-(\d+)"', html)])
        more = re.search(r'data-after="([\d.]+)"', html)
        after = more.group(1) if more else ""
    assert [len(page) for page in pages] == [PAGE, PAGE, 50]
    assert sum(pages, []) == expected


def test_without_javascript_the_reader_pages_the_side_list_and_the_activity(alice_client, alice, iran):
    body = " ".join(f"w{i}" for i in range(400))
    article = Article.objects.create(title="Long", body=body, sha256=Article.hash_body(body))
    starts = [i for i in range(len(body)) if body[i] != " " and (i == 0 or body[i - 1] == " ")]
    for start in starts[: PAGE + 5]:
        end = body.index(" ", start)
        Span.create_for(article, start, end, body[start:end], by=alice, term=iran)
    html = alice_client.get(f"/articles/{article.pk}/").content.decode()
    link = re.search(r'<li id="side-list-more"[^>]*><a href="([^"]+)"', html).group(1)
    assert link.startswith(f"/articles/{article.pk}/?after=")
    rest = alice_client.get(link.replace("&amp;", "&")).content.decode()
    assert len(re.findall(r'class="passage"', rest)) == 5 and "From the first passage" in rest
    # Each passage made two history lines: the activity shows ACTIVITY_PAGE, then older ones.
    older = re.search(r'<li id="activity-more"[^>]*><a href="([^"]+)"', html).group(1)
    assert older.startswith(f"/articles/{article.pk}/?before=")
    page = alice_client.get(older).content.decode()
    activity = page.split('id="activity"', 1)[1].split("</ol>", 1)[0]
    assert activity.count("<li><strong>") == ACTIVITY_PAGE and "The latest activity" in activity
    # With htmx the same link's fragment takes the sentinel's place; without, it lands on the reader.
    before = older.split("before=")[1].split("#")[0]
    fragment = alice_client.get(
        f"/articles/{article.pk}/activity/?before={before}", headers={"HX-Request": "true"}
    ).content.decode()
    assert fragment.count("<li><strong>") == ACTIVITY_PAGE and "<ol" not in fragment
    plain = alice_client.get(f"/articles/{article.pk}/activity/?before={before}")
    assert plain.status_code == 302 and plain["Location"].endswith(f"?before={before}#activity")


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("/articles/{a}/passages/?term=iran", "The term filter “iran” is not a term id."),
        ("/articles/{a}/passages/?role=boss", "“boss” is not a role"),
        ("/articles/{a}/passages/?who=bob", "The analyst filter is “mine” or empty, not “bob”."),
        ("/articles/{a}/passages/?after=12", "“12” is not a place in the side list (START.END.ID)."),
        ("/articles/{a}/?after=x.y.z", "“x.y.z” is not a place in the side list"),
        ("/articles/{a}/?before=soon", "“soon” is not a change id."),
        ("/articles/{a}/activity/?before=-1", "“-1” is not a change id."),
    ],
)
def test_bad_side_list_and_activity_parameters_are_refused(alice_client, article, url, message):
    response = alice_client.get(url.format(a=article.pk), headers={"HX-Request": "true"})
    assert response.status_code == 400 and message in response.content.decode()


def test_a_save_with_a_bad_side_list_header_is_refused_and_saves_nothing(alice_client, article, iran):
    response = create(alice_client, article, "Washington", iran, side="role=king")
    assert response.status_code == 400 and "“king” is not a role" in response.content.decode()
    assert not Span.objects.exists()
