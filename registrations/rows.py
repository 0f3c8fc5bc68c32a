"""The sign-up rush's hottest reads and writes, with their statements worked out once per model.

`fetch` gives what `Model.objects.raw()` gives (her page's two reads, the third request of every
sign-up): raw() reads the columns from the cursor's description, maps them onto the model's fields and
looks up a converter for each, every time (most of the time of a read of her registration).
`insert` writes what `bulk_create()` writes (her registration, bookings and history, in the sign-up's
POST): the ORM builds the INSERT anew for every call. bench/HISTORY.md has the measurements.
"""

import functools

from django.db import connection


def fetch(model, where: str, params) -> list:
    """`SELECT <every concrete column of model> FROM <its table> <where>` as instances of model."""
    select, names, converters = _reading(model, connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(f"{select} {where}", params)
        rows = cursor.fetchall()
    instances = []
    for row in rows:
        values = list(row)
        for index, column, functions in converters:
            for convert in functions:
                values[index] = convert(values[index], column, connection)
        instances.append(model.from_db(connection.alias, names, values))
    return instances


@functools.cache
def _reading(model, vendor: str):
    """(the SELECT, the fields' attnames, [(column index, column, its converters)]), as Django's compiler
    makes them: the backend's converters first, then the field's."""
    fields = model._meta.concrete_fields
    table = model._meta.db_table
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    select = f"SELECT {columns} FROM {quote(table)}"  # noqa: S608 - the model's own names
    converters = []
    for index, field in enumerate(fields):
        column = field.get_col(table)
        functions = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
        if functions:
            converters.append((index, column, functions))
    return select, [field.attname for field in fields], converters


def insert(objs: list) -> list:
    """Insert new instances of one model in one statement and set their primary keys (RETURNING, in
    order), as bulk_create() does: every field's pre_save (auto_now and the like) and database value, and
    the ids of related objects saved meanwhile. No save signals (none are used here), as bulk_create."""
    if not objs:
        return objs
    model = type(objs[0])
    fields, sql = _writing(model, connection.vendor, len(objs))
    params = []
    for obj in objs:
        obj._prepare_related_fields_for_save(operation_name="insert")  # as bulk_create: a parent's new id
        params.extend(field.get_db_prep_save(field.pre_save(obj, True), connection) for field in fields)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for obj, (pk,) in zip(objs, cursor.fetchall(), strict=True):
            obj.pk = pk
            obj._state.adding, obj._state.db = False, connection.alias
    return objs


@functools.cache
def _writing(model, vendor: str, count: int):
    """(the fields written, in order; `INSERT … VALUES (…), … RETURNING <pk>` for `count` rows)."""
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    values = ", ".join([row] * count)
    table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
    return fields, f"INSERT INTO {table} ({columns}) VALUES {values} RETURNING {pk}"  # noqa: S608 - its names
