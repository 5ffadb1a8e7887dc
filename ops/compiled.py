"""Small hot queries compiled to SQL once per process, then run with new values.

Building a queryset and compiling it costs the ORM about a millisecond of CPU (four for one with a
subquery, such as the independent-coding rule's blind rows), while the database answers the same
small query in a tenth of that: on a save, which runs a dozen such queries, compiling was most of the
server's work. `Compiled` keeps the ORM as the one place each query is written: it builds the
queryset once with placeholder values, keeps its SQL and parameters, and on each call runs that SQL
with the real values in the placeholders' places.

    rows = Compiled(lambda article: Model.objects.filter(article_id=article).values_list("a", "b"))
    rows(article=12)  # -> [(a, b), …], as the database returns them (no field conversion)

Only for whole numbers (ids, offsets) and, where the factory annotates a parameter `str`, text (a
session key), compared as they are (`=`, `<`, …: not `__in`, `__contains`, which transform them).
`Compiled` returns the rows as the database does, so its columns must need no conversion (ids, text,
counts; not dates or JSON). `CompiledObjects` returns model instances, every column converted as the
ORM converts it: for the hot reads of one object (the session and the user of every request).
`insert(obj)` and `insert_all(objs)` write new instances as `save()` would, the INSERT built once;
`insert_linked(objs)` writes new rows of several models where later rows point at earlier ones (a
passage, its first tag, their history): one statement on PostgreSQL, atomic without BEGIN and COMMIT.

On PostgreSQL each statement is a round trip to the server, which costs both sides more CPU than a
small query's own work. `query.ahead(**values)` says a request will need that read: it goes to the
server with the request's next compiled read, in the same round trip (psycopg's pipeline mode), and
the later call answers from what came back. A view decorated `@reads_ahead(declare)` names its reads
before the log-in check reads the session (ReadsAheadMiddleware), so they go with the session and the
user. A save reads its session, its user, its article and what its answer reads whatever it changes,
then writes in one statement, then reads its paragraph with its passage count: three round trips
(fourteen before these). A query declared
`per_request=True` is read once per request for each set of values (the vocabulary's version, an
article's blind coders): its answers stay with the request until it ends or `forget()` drops them.
"""

from __future__ import annotations

import inspect
import threading
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any, NamedTuple

from django.db import DatabaseError, connections, transaction
from django.db.models import Model, QuerySet
from django.db.models.signals import post_save, pre_save
from django.db.models.sql import InsertQuery
from django.http import HttpRequest, HttpResponse

# Placeholders: values no real id or offset takes, each parameter its own. Within a 32-bit column's
# range, as Django turns a comparison with a value out of the column's range into no comparison at all.
# A text parameter's placeholder is a string no key holds.
_BASE = 2_013_265_920
_TEXT = "compiled-placeholder-{}-9d2f"
_every: list[Compiled] = []


class _Plan(NamedTuple):
    """A compiled query: its database, SQL and parameters, where each value goes, and what its rows
    need to become objects (CompiledObjects: the model, the columns' attributes and converters)."""

    alias: str
    sql: str
    params: list
    where: dict[int, str]
    extra: tuple = ()


def warm() -> int:
    """Compile every query declared so far (modules imported); how many were. One that cannot be
    compiled now (the database not reachable yet, or a factory the class refuses) is left to its first
    use, which says why."""
    done = 0
    for compiled in list(_every):
        try:
            compiled.warm()
        except (DatabaseError, ValueError):
            continue
        done += 1
    return done


class Compiled:
    """A queryset factory whose SQL is compiled on first use and reused (one database: `default`).
    `per_request`: a request reads it once for each set of values, however often it asks (outside a
    request, every call reads); `forget()` after a write that changes what it reads."""

    def __init__(self, build: Callable[..., QuerySet], *, per_request: bool = False) -> None:
        self.build = build
        self.per_request = per_request
        self._compiled: dict[tuple[str, ...], _Plan] = {}
        self._lock = threading.Lock()
        _every.append(self)

    def warm(self) -> None:
        """Compile now, with the values the factory names (gunicorn.conf.py, before the fork)."""
        names = tuple(sorted(inspect.signature(self.build).parameters))
        with self._lock:
            self._compiled.setdefault(names, self._compile(names))

    def _compile(self, names: tuple[str, ...]) -> _Plan:
        texts = {
            name
            for name, parameter in inspect.signature(self.build).parameters.items()
            if parameter.annotation in (str, "str")
        }
        placeholders = {name: _TEXT.format(n) if name in texts else _BASE - n for n, name in enumerate(names)}
        queryset = self.build(**placeholders)
        sql, params, extra = self._plan(queryset)
        by_value = {value: name for name, value in placeholders.items()}
        # A whole number may come wrapped (psycopg's Int4 for an integer column): kept, to wrap the value.
        where = {
            i: by_value[p if isinstance(p, str) else int(p)]
            for i, p in enumerate(params)
            if (isinstance(p, int) and not isinstance(p, bool) and int(p) in by_value)
            or (isinstance(p, str) and p in by_value)
        }
        if set(where.values()) != set(names):
            raise ValueError(f"Compiled: a value of {names} is not a plain parameter of the query")
        return _Plan(queryset.db, sql, list(params), where, extra)

    def _plan(self, queryset: QuerySet) -> tuple[str, tuple, tuple]:
        """The query's SQL and parameters, and what else its calls need (here nothing)."""
        return (*queryset.query.sql_with_params(), ())

    def _bound(self, values: dict[str, Any]) -> tuple[_Plan, list]:
        """The plan for these values' names (compiled on first use), and its parameters with them."""
        names = tuple(sorted(values))
        plan = self._compiled.get(names)
        if plan is None:
            with self._lock:
                plan = self._compiled.setdefault(names, self._compile(names))
        params = list(plan.params)
        for i, name in plan.where.items():
            params[i] = type(params[i])(values[name])
        return plan, params

    def ahead(self, **values: Any) -> None:
        """This read will be needed later in the request: on PostgreSQL, send it along with the
        request's next compiled read, in the same round trip (psycopg's pipeline mode), and let its
        call answer from what came back. The answer is as of then, so only for a read that nothing the
        request does in between changes. On SQLite (no round trips to save), outside a request, and
        for a read the request has already, nothing: the call reads when it comes, if it must."""
        waiting, answered = _waiting.get(), _answered.get()
        key = _key(values)
        if waiting is None or (self, key) in answered or any(read[:2] == (self, key) for read in waiting):
            return
        plan, params = self._bound(values)
        if connections[plan.alias].vendor == "postgresql":
            waiting.append((self, key, plan, params))

    def forget(self) -> None:
        """Drop what this request read of this query, or sent ahead to read: what it reads has changed
        (a write), so the next call reads again."""
        waiting, answered = _waiting.get(), _answered.get()
        if waiting:
            waiting[:] = [read for read in waiting if read[0] is not self]
        for key in [key for key in answered or () if key[0] is self]:
            del answered[key]

    def _rows(self, values: dict[str, Any]) -> tuple[_Plan, list[tuple]]:
        plan, params = self._bound(values)
        answered, key = _answered.get(), (self, _key(values))
        if answered is not None and key in answered:
            return plan, answered[key] if self.per_request else answered.pop(key)
        waiting = _waiting.get()
        along = [read for read in waiting or () if read[2].alias == plan.alias]
        if along:
            waiting[:] = [read for read in waiting if read not in along]
            # This read itself may be waiting (sent ahead, then asked before anything else was read).
            along = [read for read in along if read[:2] != key]
            statements = [(p.sql, ps) for _, _, p, ps in along] + [(plan.sql, params)]
            *rows, own = _pipelined(plan.alias, statements)
            answered.update({(query, k): found for (query, k, _, _), found in zip(along, rows, strict=True)})
        else:
            with connections[plan.alias].cursor() as cursor:
                cursor.execute(plan.sql, params)
                own = cursor.fetchall()
        if self.per_request and answered is not None:
            answered[key] = own
        return plan, own

    def __call__(self, **values: Any) -> list[tuple]:
        return self._rows(values)[1]


def reads_ahead(declare: Callable[..., None]) -> Callable:
    """A view's reads sent ahead before the view runs: `declare(request, **url_kwargs)` calls their
    `ahead()` from ReadsAheadMiddleware.process_view, before the log-in check reads the session, so
    they go to PostgreSQL with the session and the user in the request's first round trip. Whatever
    `declare` reads itself (the session, say) takes the reads it named before with it. If the request
    stops before the view (not logged in, a refused method), what was read goes unused."""

    def decorate(view: Callable) -> Callable:
        view.reads_ahead = declare  # functools.wraps copies it onto any decorator applied after
        return view

    return decorate


class ReadsAheadMiddleware:
    """Calls the view's reads_ahead declaration (above); in MIDDLEWARE before LoginRequiredMiddleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable, view_args: tuple, view_kwargs: dict
    ) -> None:
        declare = getattr(view_func, "reads_ahead", None)
        if declare is not None:
            declare(request, *view_args, **view_kwargs)


def _key(values: dict[str, Any]) -> tuple:
    return tuple(sorted(values.items()))


# Per request (None outside one): the reads sent ahead (Compiled.ahead) waiting for the next read, and
# the answers by query and values: one sent ahead until its call takes it, a per_request query's for the
# rest of the request.
_waiting: ContextVar[list | None] = ContextVar("compiled_waiting", default=None)
_answered: ContextVar[dict | None] = ContextVar("compiled_answered", default=None)


def request_started(**kwargs) -> None:
    """Connected to Django's request_started and request_finished (ops' AppConfig.ready)."""
    _waiting.set([])
    _answered.set({})


def request_finished(**kwargs) -> None:
    _waiting.set(None)
    _answered.set(None)


def _pipelined(alias: str, statements: list[tuple[str, list]]) -> list[list[tuple]]:
    """Run these reads in one round trip to PostgreSQL (psycopg's pipeline mode: all sent, then all
    answers read), each through Django's cursor as any query is (its wrappers, its errors)."""
    connection = connections[alias]
    connection.ensure_connection()
    cursors = [connection.cursor() for _ in statements]
    try:
        with connection.wrap_database_errors, connection.connection.pipeline():
            for cursor, (sql, params) in zip(cursors, statements, strict=True):
                cursor.execute(sql, params)
        return [cursor.fetchall() for cursor in cursors]
    finally:
        for cursor in cursors:
            cursor.close()


class CompiledObjects(Compiled):
    """A queryset of model instances (no select_related, no annotations) compiled once: each call
    returns the instances as the ORM would, every column converted by the ORM's own converters
    (dates, JSON), deferred fields left deferred."""

    def _plan(self, queryset: QuerySet) -> tuple[str, tuple, tuple]:
        """As the ORM's ModelIterable reads it: the model, the attribute of each column, and the
        columns' converters."""
        compiler = queryset.query.get_compiler(queryset.db)
        sql, params = compiler.as_sql()
        info = compiler.klass_info
        if compiler.annotation_col_map or info.get("related_klass_infos"):
            raise ValueError("CompiledObjects: one model's columns only (no annotations, no select_related)")
        columns = [compiler.select[i][0] for i in info["select_fields"]]
        if info["select_fields"] != list(range(len(columns))):
            raise ValueError("CompiledObjects: the model's columns must come first")
        converters = compiler.get_converters(columns)
        return sql, params, (info["model"], [c.target.attname for c in columns], converters)

    def __call__(self, **values: Any) -> list:
        plan, rows = self._rows(values)
        model, attnames, converters = plan.extra
        connection = connections[plan.alias]
        return [model.from_db(plan.alias, attnames, _converted(row, converters, connection)) for row in rows]


def _converted(row: tuple, converters: dict, connection) -> list:
    """A row's values as the ORM hands them out: each column through its converters (the compiler's
    get_converters: dates from SQLite's text, JSON decoded, …)."""
    row = list(row)
    for position, (functions, expression) in converters.items():
        for convert in functions:
            row[position] = convert(row[position], expression, connection)
    return row


class _InsertPlan(NamedTuple):
    """A compiled INSERT: its SQL, whether its parameters go column by column (PostgreSQL's UNNEST of one
    array per field) or row by row, and the fields it returns with their parameters and converters."""

    sql: str
    by_column: bool
    returning: list
    returning_params: tuple
    converters: dict


_inserts: dict[tuple[type[Model], str, int], _InsertPlan] = {}


def _insert_fields(meta) -> list:
    """The fields an INSERT of a new instance writes, as save() writes them."""
    return [f for f in meta.local_concrete_fields if not f.generated and f is not meta.auto_field]


def insert(obj: Model, using: str = "default") -> Model:
    """Insert a new instance as `obj.save(force_insert=True)` does: see insert_all."""
    return insert_all([obj], using)[0]


def insert_all(objs: list[Model], using: str = "default") -> list[Model]:
    """Insert new instances of one model as `save(force_insert=True)` inserts each (the same columns,
    each field's value prepared by the field as the ORM prepares it, the primary keys read back), in one
    statement built once per model, number of rows and process: building it cost more than the
    database's work. A model with save signals or a parent model, a primary key already set or an
    expression for a value, or several rows where the database cannot return their keys, are saved
    the ORM's way, one by one."""
    model = type(objs[0])
    meta = model._meta
    connection = connections[using]
    fields = _insert_fields(meta)
    if (
        meta.parents
        or pre_save.has_listeners(model)
        or post_save.has_listeners(model)
        or (len(objs) > 1 and not connection.features.can_return_rows_from_bulk_insert)
        or any(
            type(obj) is not model
            or obj.pk is not None
            or any(hasattr(f.value_from_object(obj), "resolve_expression") for f in fields)
            for obj in objs
        )
    ):
        for obj in objs:
            obj.save(force_insert=True, using=using)
        return objs
    plan = _inserts.get((model, using, len(objs)))
    if plan is None:
        query = InsertQuery(model)
        query.insert_values(fields, objs)
        compiler = query.get_compiler(using)
        compiler.returning_fields = returning = meta.db_returning_fields
        [(sql, built)] = compiler.as_sql()
        plan = _InsertPlan(
            sql,
            len(objs) > 1 and len(built) == len(fields),
            returning,
            compiler.returning_params,
            compiler.get_converters([f.get_col(meta.db_table) for f in returning]),
        )
        plan = _inserts.setdefault((model, using, len(objs)), plan)
    rows = [[f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields] for obj in objs]
    if plan.by_column:
        params = [list(column) for column in zip(*rows, strict=True)]
    else:
        params = [value for row in rows for value in row]
    with connection.cursor() as cursor:
        cursor.execute(plan.sql, params)
        if len(objs) == 1:
            keys = [connection.ops.fetch_returned_insert_columns(cursor, plan.returning_params)]
        else:
            keys = connection.ops.fetch_returned_insert_rows(cursor)
    for obj, row in zip(objs, keys, strict=True):
        for field, value in zip(plan.returning, _converted(row, plan.converters, connection), strict=True):
            setattr(obj, field.attname, value)
        obj._state.adding, obj._state.db = False, using
    return objs


class KeyOf:
    """The primary key of a new row written earlier in the same insert_linked call, not known yet: the
    value of a column that holds another row's key without being its foreign key (the history's
    object_id). A foreign key needs none: it is given the unsaved instance itself."""

    __slots__ = ("obj",)

    def __init__(self, obj: Model) -> None:
        self.obj = obj


def key_of(obj: Model) -> Any:
    """`obj`'s primary key, or where it has none yet, a KeyOf it for insert_linked."""
    return obj.pk if obj.pk is not None else KeyOf(obj)


def _references(obj: Model, fields: list, rows: dict[int, int], position: int) -> dict[int, int]:
    """Which of `obj`'s fields (by index) take the key of which earlier row of the call (by position):
    a KeyOf value, or a foreign key given an unsaved instance of the call."""
    found = {}
    for i, field in enumerate(fields):
        value = field.value_from_object(obj)
        target = value.obj if isinstance(value, KeyOf) else None
        if target is None and field.many_to_one and value is None:
            target = field.get_cached_value(obj, default=None)
            if target is None or target.pk is not None:
                continue
        if target is None:
            continue
        if rows.get(id(target), position) >= position:
            raise ValueError(
                f"insert_linked: {field} of {obj!r} names a row not written before it in the call"
            )
        found[i] = rows[id(target)]
    return found


def _resolve(obj: Model, fields: list, references: dict[int, int], objs: list[Model]) -> None:
    """Put the keys of the rows `obj` points at, written now, in their places (a foreign key keeps the
    instance it was given)."""
    for i, position in references.items():
        field, target = fields[i], objs[position]
        setattr(obj, field.attname, target.pk)
        if field.many_to_one:
            field.set_cached_value(obj, target)


_linked: dict[tuple, str] = {}


def insert_linked(objs: list[Model], using: str = "default") -> list[Model]:
    """Insert new instances, in order, where a row may point at an earlier row of the call that has no
    key yet (a foreign key given the unsaved instance, or a KeyOf value), and read back every key.

    On PostgreSQL as one statement, built once per shape and process: each row a data-modifying WITH
    that reads the keys it needs from the earlier ones' RETURNING. One statement is atomic by itself,
    so outside a transaction it needs no BEGIN and COMMIT: for a save, three round trips to the server
    and their CPU on both sides fewer. Elsewhere (and for a model insert_all writes the ORM's way) in a
    transaction, as few insert_all as the links allow (_batches)."""
    connection = connections[using]
    positions: dict[int, int] = {}
    rows = []
    for n, obj in enumerate(objs):
        if obj.pk is not None:
            raise ValueError(f"insert_linked: {obj!r} is saved already")
        fields = _insert_fields(obj._meta)
        rows.append((obj, fields, _references(obj, fields, positions, n)))
        positions[id(obj)] = n
    if connection.vendor == "postgresql" and all(_plain(*row) for row in rows):
        _insert_in_one_statement(rows, connection)
        return objs
    with transaction.atomic(using=using):
        for batch in _batches(rows):
            for n in batch:
                _resolve(*rows[n], objs)
            insert_all([objs[n] for n in batch], using)
    return objs


def _batches(rows: list[tuple[Model, list, dict[int, int]]]) -> list[list[int]]:
    """The rows' positions in INSERTs: each model's rows together once every row they point at is
    written (a passage, then its tag, then both history lines in one), models in the order they first
    come; rows of one model that point at each other, one by one in the call's order."""
    by_model: dict[type, list[int]] = {}
    for n, (obj, _, _) in enumerate(rows):
        by_model.setdefault(type(obj), []).append(n)
    written: set[int] = set()
    batches = []
    while by_model:
        ready = next(
            (
                model
                for model, batch in by_model.items()
                if all(p in written for n in batch for p in rows[n][2].values())
            ),
            None,
        )
        if ready is not None:
            batch = by_model.pop(ready)
        else:
            # No model is ready whole: its rows point at each other. The first row that can go, alone.
            n = next(
                n for batch in by_model.values() for n in batch if written.issuperset(rows[n][2].values())
            )
            batch = [n]
            model = type(rows[n][0])
            by_model[model].remove(n)
            if not by_model[model]:
                del by_model[model]
        batches.append(batch)
        written.update(batch)
    return batches


def _plain(obj: Model, fields: list, references: dict[int, int]) -> bool:
    """Whether the row can be written by insert_linked's one statement: no save signals, no parent
    model, only its key read back, a plain placeholder and no expression for every value."""
    model, meta = type(obj), obj._meta
    return not (
        meta.parents
        or pre_save.has_listeners(model)
        or post_save.has_listeners(model)
        or list(meta.db_returning_fields) != [meta.pk]
        or any(
            hasattr(f, "get_placeholder")
            or (i not in references and hasattr(f.value_from_object(obj), "resolve_expression"))
            for i, f in enumerate(fields)
        )
    )


def _insert_in_one_statement(rows: list[tuple[Model, list, dict[int, int]]], connection) -> None:
    objs = [obj for obj, _, _ in rows]
    shape = (
        connection.alias,
        *((type(obj), tuple(sorted(references.items()))) for obj, _, references in rows),
    )
    sql = _linked.get(shape)
    quote = connection.ops.quote_name
    if sql is None:
        parts, keys = [], []
        for n, (obj, row_fields, row_references) in enumerate(rows):
            meta = obj._meta
            values = ", ".join(
                f"(SELECT {quote(objs[row_references[i]]._meta.pk.column)} FROM r{row_references[i]})"
                if i in row_references
                else "%s"
                for i in range(len(row_fields))
            )
            columns = ", ".join(quote(f.column) for f in row_fields)
            parts.append(
                f"r{n} AS (INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({values}) "
                f"RETURNING {quote(meta.pk.column)})"
            )
            keys.append(f"SELECT {n}, {quote(meta.pk.column)} FROM r{n}")
        sql = _linked.setdefault(shape, f"WITH {', '.join(parts)} {' UNION ALL '.join(keys)}")
    params = [
        f.get_db_prep_save(f.pre_save(obj, True), connection)
        for obj, row_fields, row_references in rows
        for i, f in enumerate(row_fields)
        if i not in row_references
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        keys = dict(cursor.fetchall())
    for n, obj in enumerate(objs):
        setattr(obj, obj._meta.pk.attname, keys[n])
        obj._state.adding, obj._state.db = False, connection.alias
    for obj, row_fields, row_references in rows:
        _resolve(obj, row_fields, row_references, objs)
