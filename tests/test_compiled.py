"""ops/compiled.py: a query compiled once answers as the ORM does for every value, on both databases,
and refuses a value the query transforms (it could not be put back in place)."""

from __future__ import annotations

import pytest

from annotations.models import Span
from corpus.models import Article
from ops.compiled import Compiled


@pytest.mark.django_db
def test_a_compiled_query_answers_as_the_orm_does(alice):
    body = "one two three four five six"
    article = Article.objects.create(title="A", body=body, sha256=Article.hash_body(body))
    for start, end in [(0, 3), (4, 7), (8, 13), (4, 13)]:
        Span.objects.create(article=article, start=start, end=end, quote=body[start:end], created_by=alice)

    def orm(article, start, end):
        return Span.objects.filter(article_id=article, start__lt=end, end__gt=start).order_by("start", "-end")

    compiled = Compiled(lambda article, start, end: orm(article, start, end).values_list("start", "end"))
    for start, end in [(0, 1), (4, 8), (5, 30), (20, 25)]:
        expected = list(orm(article.pk, start, end).values_list("start", "end"))
        assert compiled(article=article.pk, start=start, end=end) == expected
    assert compiled(article=article.pk + 1, start=0, end=99) == []


@pytest.mark.django_db
def test_a_value_the_query_transforms_is_refused():
    compiled = Compiled(lambda quote: Span.objects.filter(quote__contains=str(quote)).values_list("pk"))
    with pytest.raises(ValueError, match="not a plain parameter"):
        compiled(quote=3)


@pytest.mark.django_db
def test_warming_compiles_the_app_queries_and_leaves_one_it_cannot_to_its_first_use():
    import annotations.views.repaint  # noqa: F401  (declares the save's queries)
    from ops import compiled as module

    Compiled(lambda quote: Span.objects.filter(quote__contains=str(quote)).values_list("pk"))
    # The app's seven: leads, blind rows, vocabulary version, rejections, a paragraph's passages,
    # the count, the next passage. The broken one is skipped, not raised.
    assert 7 <= module.warm() < len(module._every)


@pytest.mark.django_db
def test_compiled_objects_are_the_orms_instances_dates_and_json_converted(alice):
    from annotations.models import Change
    from ops.compiled import CompiledObjects

    body = "one two three"
    article = Article.objects.create(title="A", body=body, sha256=Article.hash_body(body))
    span = Span.create_for(article, 0, 3, "one", by=alice)
    compiled = CompiledObjects(lambda pk: Change.objects.filter(span_id=pk))
    found = compiled(pk=span.pk)
    expected = list(Change.objects.filter(span_id=span.pk))
    assert [c.pk for c in found] == [c.pk for c in expected] and found
    first, orm = found[0], expected[0]
    assert first.at == orm.at and first.at.tzinfo is not None, "an aware datetime, as the ORM gives"
    assert first.after == orm.after and isinstance(first.after, dict), "JSON decoded"
    assert not first._state.adding and first._state.db == "default"
    deferred = CompiledObjects(lambda pk: Article.objects.defer("body").filter(pk=pk))(pk=article.pk)[0]
    as_orm = Article.objects.defer("body").get(pk=article.pk)
    assert "body" in deferred.get_deferred_fields() == as_orm.get_deferred_fields()
    assert deferred.body == body, "a deferred field is read when asked for, as the ORM's is"
    assert compiled(pk=span.pk + 1000) == []


@pytest.mark.django_db
def test_a_text_parameter_is_compiled_when_the_factory_says_str():
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    from ops.compiled import CompiledObjects

    def by_key(key: str):
        return Session.objects.filter(session_key=key)

    Session.objects.create(session_key="k" * 32, session_data="x", expire_date=timezone.now())
    compiled = CompiledObjects(by_key)
    assert [s.session_key for s in compiled(key="k" * 32)] == ["k" * 32]
    assert compiled(key="' OR 1=1 --") == [], "a value, never SQL"


@pytest.mark.django_db
def test_compiled_objects_refuse_what_they_cannot_build():
    from ops.compiled import CompiledObjects

    with pytest.raises(ValueError, match="select_related"):
        CompiledObjects(lambda pk: Span.objects.select_related("article").filter(pk=pk))(pk=1)


@pytest.mark.django_db
def test_an_expired_or_deleted_session_and_an_inactive_user_are_anonymous(client, alice):
    import datetime as dt

    from django.contrib.sessions.models import Session
    from django.utils import timezone

    client.force_login(alice)
    assert client.get("/").status_code == 200
    Session.objects.update(expire_date=timezone.now() - dt.timedelta(seconds=1))
    assert client.get("/").status_code == 302, "expired: back to the login page"
    client.force_login(alice)
    alice.is_active = False
    alice.save()
    assert client.get("/").status_code == 302, "an inactive user is nobody"
    alice.is_active = True
    alice.save()
    client.force_login(alice)
    Session.objects.all().delete()
    assert client.get("/").status_code == 302, "a session deleted on the server is gone"


@pytest.mark.django_db
def test_insert_writes_the_row_save_would_and_reads_back_its_key(alice):
    from django.db.models.signals import post_save

    from annotations.models import Change, Tag, Term
    from ops.compiled import insert

    body = "one two three"
    article = Article.objects.create(title="A", body=body, sha256=Article.hash_body(body))
    fast = insert(Span(article=article, start=0, end=3, quote="one", created_by=alice))
    slow = Span(article=article, start=4, end=7, quote="two", created_by=alice)
    slow.save()
    assert fast.pk and not fast._state.adding and fast._state.db == "default"
    times = ("id", "start", "end", "quote", "created_at", "updated_at")
    columns = [f.attname for f in Span._meta.concrete_fields if f.attname not in times]
    stored = Span.objects.values(*columns)
    assert stored.get(pk=fast.pk) == stored.get(pk=slow.pk), "every other column as save() writes it"
    assert Span.objects.get(pk=fast.pk).updated_at == fast.updated_at, "auto_now set, as save() sets it"
    term = Term.objects.create(slug="iran", kind="actor", label="Iran")
    tag = insert(Tag(span=fast, term=term, role="agent", created_by=alice))
    assert Tag.objects.get(pk=tag.pk).created_at == tag.created_at, "the default the instance had, stored"
    change = insert(Change(actor=alice, action="create", object_type="span", object_id=1, after={"a": [1]}))
    assert Change.objects.get(pk=change.pk).after == {"a": [1]}, "JSON prepared as the field prepares it"

    heard = []

    def receiver(sender, instance, created, **kwargs):
        heard.append((instance.pk, created))

    post_save.connect(receiver, sender=Span)
    try:
        third = insert(Span(article=article, start=8, end=13, quote="three", created_by=alice))
    finally:
        post_save.disconnect(receiver, sender=Span)
    assert heard == [(third.pk, True)], "a model with save signals is saved the ORM's way"


@pytest.mark.django_db
def test_on_postgresql_a_statement_run_often_is_kept_prepared(alice):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip(
            "prepared statements are PostgreSQL's (marginalia/settings.py); SQLite has no such setting"
        )
    compiled = Compiled(lambda article: Span.objects.filter(article_id=article).values_list("pk"))
    for _ in range(6):  # psycopg prepares a statement on its fifth run
        compiled(article=1)
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    assert any('"annotations_span"' in statement for statement in prepared), prepared


@pytest.mark.django_db
def test_on_postgresql_the_apps_connections_never_compile_queries_to_machine_code():
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("JIT is PostgreSQL's (marginalia/settings.py); SQLite has none")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone() == ("off",)


@pytest.mark.django_db
def test_insert_all_writes_several_rows_in_one_statement_and_reads_back_their_keys(alice):
    from django.db import connection

    from annotations.models import Change
    from ops.compiled import insert_all

    made = [
        Change(actor=alice, action="create", object_type="span", object_id=n, after={"n": n})
        for n in (1, 2, 3)
    ]
    statements = []

    def count(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        insert_all(made)
    assert len([s for s in statements if s.startswith("INSERT")]) == 1
    stored = {c.pk: c.after for c in Change.objects.filter(pk__in=[c.pk for c in made])}
    assert stored == {c.pk: {"n": c.object_id} for c in made} and len(stored) == 3


def _linked_world(alice):
    from annotations.models import Term

    body = "one two three"
    article = Article.objects.create(title="A", body=body, sha256=Article.hash_body(body))
    return article, Term.objects.create(slug="iran", kind="actor", label="Iran")


@pytest.mark.django_db
def test_insert_linked_writes_rows_that_point_at_each_other_and_reads_back_every_key(alice):
    from django.db import connection

    from annotations.models import Change, Tag
    from ops.compiled import insert_linked, key_of

    article, term = _linked_world(alice)
    span = Span(article=article, start=0, end=3, quote="one", created_by=alice)
    tag = Tag(span=span, term=term, role="agent", created_by=alice)
    lines = [
        Change(actor=alice, action="create", object_type=kind, object_id=key_of(obj), span_id=key_of(span))
        for kind, obj in (("span", span), ("tag", tag))
    ]
    statements = []

    def count(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        insert_linked([span, lines[0], tag, lines[1]])  # in the order a save makes them
    # PostgreSQL: one statement; SQLite: the passage, the tag, the two lines together (in a transaction:
    # a savepoint within the test's).
    written = [sql for sql in statements if sql.startswith(("INSERT", "WITH"))]
    assert len(written) == (1 if connection.vendor == "postgresql" else 3), statements
    assert span.pk and tag.pk and all(line.pk for line in lines)
    assert Tag.objects.get(pk=tag.pk).span_id == span.pk and tag.span is span
    stored = Change.objects.filter(pk__in=[line.pk for line in lines]).order_by("pk")
    assert [(c.object_type, c.object_id, c.span_id) for c in stored] == [
        ("span", span.pk, span.pk),
        ("tag", tag.pk, span.pk),
    ]
    assert [line.object_id for line in lines] == [span.pk, tag.pk], "the instances hold the keys too"


@pytest.mark.django_db
def test_insert_linked_writes_rows_of_one_model_that_point_at_each_other_in_order(alice):
    from annotations.models import Change
    from ops.compiled import insert_linked, key_of

    first = Change(actor=alice, action="create", object_type="span", object_id=1)
    second = Change(actor=alice, action="update", object_type="change", object_id=key_of(first))
    insert_linked([first, second])
    assert Change.objects.get(pk=second.pk).object_id == first.pk


@pytest.mark.django_db
def test_insert_linked_refuses_a_row_named_before_it_is_written_and_a_saved_one(alice):
    from annotations.models import Tag
    from ops.compiled import insert_linked

    article, term = _linked_world(alice)
    span = Span(article=article, start=0, end=3, quote="one", created_by=alice)
    with pytest.raises(ValueError, match="not written before it"):
        insert_linked([Tag(span=span, term=term, role="agent", created_by=alice), span])
    with pytest.raises(ValueError, match="saved already"):
        insert_linked([article])
    assert not Span.objects.exists() and not Tag.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_insert_linked_writes_all_or_nothing(alice):
    from django.db import IntegrityError

    from annotations.models import Tag
    from ops.compiled import insert_linked

    article, term = _linked_world(alice)
    span = Span(article=article, start=0, end=3, quote="one", created_by=alice)
    twice = [Tag(span=span, term=term, role="agent", created_by=alice) for _ in range(2)]
    with pytest.raises(IntegrityError):
        insert_linked([span, *twice])  # the same tag twice: the passage is not written either
    assert not Span.objects.exists() and not Tag.objects.exists()


@pytest.mark.django_db
def test_reads_sent_ahead_come_back_with_the_next_read_in_one_round_trip(alice):
    from django.db import connection

    from ops import compiled as module

    body = "one two three"
    article = Article.objects.create(title="A", body=body, sha256=Article.hash_body(body))
    for start, end in [(0, 3), (4, 7)]:
        Span.objects.create(article=article, start=start, end=end, quote=body[start:end], created_by=alice)
    ends = Compiled(
        lambda article: Span.objects.filter(article_id=article).order_by("end").values_list("end")
    )
    starts = Compiled(
        lambda article: Span.objects.filter(article_id=article).order_by("start").values_list("start")
    )
    sent = []

    def record(execute, sql, params, many, context):
        raw = connection.connection
        sent.append((sql, connection.vendor == "postgresql" and raw.pgconn.pipeline_status != 0))
        return execute(sql, params, many, context)

    ends.ahead(article=article.pk)  # outside a request: nothing waits
    assert module._waiting.get() is None
    module.request_started()  # as Django's signal does for each request
    try:
        ends.ahead(article=article.pk)
        with connection.execute_wrapper(record):
            assert starts(article=article.pk) == [(0,), (4,)]
            assert ends(article=article.pk + 1) == [], "other values: read then"
            assert ends(article=article.pk) == [(3,), (7,)]
    finally:
        module.request_finished()
    if connection.vendor == "postgresql":
        # The read ahead went with `starts`, in one pipeline; its call read nothing.
        assert [piped for _, piped in sent] == [True, True, False], sent
    else:
        assert len(sent) == 3, "SQLite has no round trips to save: each call reads"


@pytest.mark.django_db
def test_a_read_sent_ahead_and_then_asked_first_is_read_once(alice, django_assert_num_queries):
    from ops import compiled as module

    body = "one two"
    article = Article.objects.create(title="A", body=body, sha256=Article.hash_body(body))
    Span.objects.create(article=article, start=0, end=3, quote="one", created_by=alice)
    ends = Compiled(lambda article: Span.objects.filter(article_id=article).values_list("end"))
    module.request_started()
    try:
        ends.ahead(article=article.pk)
        with django_assert_num_queries(1):  # not once ahead and once for the call
            assert ends(article=article.pk) == [(3,)]
        assert module._waiting.get() == [] and module._answered.get() == {}
    finally:
        module.request_finished()


@pytest.mark.django_db
def test_a_views_reads_ahead_are_named_before_the_log_in_check_and_go_unused_when_it_refuses(client, alice):
    """ReadsAheadMiddleware calls the declaration before LoginRequiredMiddleware reads the session:
    a visitor who is not logged in is sent to the log-in page, and the reads named go nowhere."""
    from django.conf import settings
    from django.db import connection

    from annotations.views.spans import create_span

    middleware = settings.MIDDLEWARE
    assert middleware.index("ops.compiled.ReadsAheadMiddleware") + 1 == middleware.index(
        "django.contrib.auth.middleware.LoginRequiredMiddleware"
    )
    assert create_span.reads_ahead is not None  # kept through require_POST
    body = "one two"
    article = Article.objects.create(title="A", body=body, sha256=Article.hash_body(body))
    sent = []
    with connection.execute_wrapper(lambda execute, sql, *rest: sent.append(sql) or execute(sql, *rest)):
        response = client.post(f"/articles/{article.pk}/spans/", {"start": 0, "end": 3})
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert not any("corpus_article" in sql for sql in sent), sent


@pytest.mark.django_db
def test_a_sessions_user_is_read_with_the_session_and_a_wrong_guess_changes_nobody(client, alice, bob):
    from django.db import connection

    from ops import sessions

    client.force_login(alice)
    assert client.get("/").wsgi_request.user == alice  # this process learns whose the session is
    key = client.session.session_key
    assert sessions._users[key] == str(alice.pk)
    sent = []

    def record(execute, sql, params, many, context):
        piped = connection.vendor == "postgresql" and connection.connection.pgconn.pipeline_status != 0
        sent.append((sql.split(" FROM ")[1].split()[0], piped))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        assert client.get("/").wsgi_request.user == alice
    if connection.vendor == "postgresql":
        # The user's read went first, in the session read's round trip; get_user then read nothing.
        assert sent[:2] == [('"auth_user"', True), ('"django_session"', True)], sent
    else:
        assert sent[:2] == [('"django_session"', False), ('"auth_user"', False)], sent
    sessions._users[key] = bob.pk  # a wrong guess: the session still decides who this is
    assert client.get("/").wsgi_request.user == alice


@pytest.mark.django_db
def test_a_per_request_query_is_read_once_a_request_for_each_values_and_again_after_forget(
    django_assert_num_queries,
):
    from ops import compiled as module

    spans = Compiled(
        lambda article: Span.objects.filter(article_id=article).values_list("pk"), per_request=True
    )
    module.request_started()
    try:
        with django_assert_num_queries(2):  # article 1 once, article 2 once
            for article in (1, 1, 2, 1, 2):
                assert spans(article=article) == []
        spans.forget()  # a write changed what it reads
        with django_assert_num_queries(1):
            spans(article=1)
            spans(article=1)
    finally:
        module.request_finished()
    with django_assert_num_queries(2):  # outside a request, every call reads
        spans(article=1)
        spans(article=1)
