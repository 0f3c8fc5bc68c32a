"""Model instances from fixed SQL, for her page's two reads (the third request of every sign-up).

What `Model.objects.raw()` gives, with the column list and the converters (e.g. JSON text into Python
values) worked out once per model instead of for every query: raw() reads the columns from the cursor's
description, maps them onto the model's fields and looks up a converter for each, every time (≈ 0.2 ms of
a 0.3 ms read of her registration, bench/README.md).
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
