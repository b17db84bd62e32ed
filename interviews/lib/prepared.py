"""Read queries whose SQL is built once per process and run with each call's
values (issue 25).

Building a queryset and compiling it to SQL costs Django 0.3 to 1.5 ms of
Python a query; running the SQL costs a quarter of a millisecond. A page
that asks the same questions on every request (the coach's dashboard: the
first rows of five lists; the review page: a checklist's items and what
hangs on them) pays that build every time although only a few values
change: the coach, the checklist, the time. ``Prepared`` builds the query
once with stand-in values that no row or clock has, compiles it, notes where
each stand-in landed among the statement's parameters, and from then on
hands Django's own iterable (model instances with their ``select_related``
relations and annotations, or ``.values()`` dicts) a compiler that runs that
statement with the call's values in their places.

The builder must depend on its arguments only through the values it passes
to the ORM (no ``if`` on them, no value derived from them: ask for each value
as an argument), and be built from a model's manager (a related manager
would hand every row the stand-in it was built from). With the setting
``PREPARED_QUERIES_CHECK`` on, which the tests turn on, every call also
builds the query with its own values and fails loudly unless the SQL and the
parameters are exactly the prepared ones, so the whole test suite checks
each prepared query against the ORM it stands for.
"""

from __future__ import annotations

import copy
import datetime
import functools
import threading
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import connections, router
from django.db.models import Model, QuerySet
from django.db.models.sql.compiler import SQLCompiler


def _compiled(sql: str, params: tuple, *args, **kwargs) -> tuple[str, tuple]:
    """A call's compiler's ``as_sql()``: the prepared statement, this call's values."""
    return sql, params


def _given(compiler: SQLCompiler, *args, **kwargs) -> SQLCompiler:
    """A call's query's ``get_compiler()``: that call's compiler."""
    return compiler


class PreparedQueryError(AssertionError):
    """The prepared statement does not stand for the builder's query."""


@dataclass(frozen=True)
class _Slot:
    """Where a call's value goes among the statement's parameters."""

    name: str


@dataclass(frozen=True)
class _Statement:
    #: The queryset built with the stand-ins, and its compiler once compiled
    #: (which knows the columns and how to turn rows into results).
    queryset: QuerySet
    compiler: SQLCompiler
    sql: str
    template: tuple


def _adapt(value: object, alias: str) -> object:
    """A value as the ORM passes it to the database driver for a column of
    its type (the builders pass dates, times, numbers and text)."""
    ops = connections[alias].ops
    if isinstance(value, Model):  # a filter on a relation passes its key
        return value.pk
    if isinstance(value, datetime.datetime):
        return ops.adapt_datetimefield_value(value)
    if isinstance(value, datetime.date):
        return ops.adapt_datefield_value(value)
    if isinstance(value, int) and not isinstance(value, bool) and not -(2**63) <= value < 2**63:
        # Beyond any integer column: the ORM answers such a lookup without
        # asking; the database would refuse it. The caller must not ask.
        raise ValueError(f"{value} is out of the database's integer range.")
    if isinstance(value, bool | int | str):
        return value
    raise TypeError(f"A prepared read cannot take a {type(value).__name__} value.")


class Prepared:
    """``build(**values)`` returns a queryset of ``model``; calling this with
    the same keywords returns its results (as ``list(queryset)`` would) from a
    statement compiled once per database with ``stand_ins`` in the values'
    places."""

    def __init__(self, model: type[Model], build: Callable[..., QuerySet], **stand_ins: object):
        self.model = model
        self.build = build
        self.stand_ins = stand_ins
        self._statements: dict[str, _Statement] = {}
        self._lock = threading.Lock()

    def _statement(self, alias: str) -> _Statement:
        statement = self._statements.get(alias)
        if statement is None:
            with self._lock:
                statement = self._statements.get(alias) or self._prepare(alias)
                self._statements[alias] = statement
        return statement

    def _prepare(self, alias: str) -> _Statement:
        queryset = self.build(**self.stand_ins)
        if queryset._known_related_objects:
            raise PreparedQueryError(
                f"{self.build.__qualname__}: build from the model's manager, not a related "
                "manager (its rows would all point at the stand-in)."
            )
        compiler = queryset.query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        slots = [(_adapt(v, alias), _Slot(name)) for name, v in self.stand_ins.items()]
        if len({value for value, _ in slots}) != len(slots):
            raise PreparedQueryError("Each stand-in must be a value of its own.")

        def slot(param: object) -> object:
            for value, its_slot in slots:
                if type(param) is type(value) and param == value:
                    return its_slot
            return param

        template = tuple(slot(param) for param in params)
        unused = set(self.stand_ins) - {p.name for p in template if isinstance(p, _Slot)}
        if unused:
            raise PreparedQueryError(
                f"{self.build.__qualname__}: the statement never uses {sorted(unused)}."
            )
        return _Statement(queryset=queryset, compiler=compiler, sql=sql, template=template)

    def __call__(self, **values: object) -> list:
        if values.keys() != self.stand_ins.keys():
            raise TypeError(f"Expected the values {sorted(self.stand_ins)}, got {sorted(values)}.")
        alias = router.db_for_read(self.model)
        statement = self._statement(alias)
        adapted = {name: _adapt(value, alias) for name, value in values.items()}
        params = tuple(adapted[p.name] if isinstance(p, _Slot) else p for p in statement.template)
        if settings.PREPARED_QUERIES_CHECK:
            self._check(alias, statement, params, values)
        # Django's iterable asks the query for a compiler, which runs
        # as_sql() and the statement, then turns the rows into results with
        # what compiling set up (the columns, the related models, the
        # converters). This call's compiler is a copy of the prepared one,
        # bound to this thread's connection, whose as_sql() is the prepared
        # statement with this call's parameters.
        compiler = copy.copy(statement.compiler)
        compiler.connection = connections[alias]
        compiler.as_sql = functools.partial(_compiled, statement.sql, params)
        queryset = statement.queryset._chain()
        queryset.query.get_compiler = functools.partial(_given, compiler)
        return list(queryset)

    def _check(self, alias: str, statement: _Statement, params: tuple, values: dict) -> None:
        sql, expected = self.build(**values).query.get_compiler(using=alias).as_sql()
        if sql != statement.sql or tuple(expected) != params:
            raise PreparedQueryError(
                f"{self.build.__qualname__}: the prepared statement no longer matches the "
                f"query built with {values!r}: does the builder branch on a value, or derive "
                "one from another?"
            )
