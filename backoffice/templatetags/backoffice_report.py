"""Bars for the report's server-side SVG charts (backoffice/report/chart.html)."""

from django import template

from backoffice.report import MASKED

register = template.Library()

LABEL_WIDTH = 150
BAR_SPACE = 130  # 320 wide: label, bar, and room for the figure after it
BAR_HEIGHT = 14
BAR_STEP = 18


@register.filter
def bars(table) -> list[dict]:
    """One bar per row (the first column), and the previous event's right below it when there is one.

    A "< 5" cell gets no length: its bar would tell what the mask hides; a feedback figure not shown (too few
    answers) gets neither length nor figure, only "–" (its data table says why)."""
    largest = table.largest
    result = []
    y = 2
    for row in table.rows:
        shown = [(row.values[0], False)] + ([(row.previous, True)] if table.with_previous else [])
        for position, (value, previous) in enumerate(shown):
            number = isinstance(value, int | float) and not isinstance(value, bool)
            width = round(BAR_SPACE * value / largest) if number else 0
            result.append(
                {
                    "label": row.label if position == 0 else "",
                    "value": value if number or value == MASKED else "–",
                    "width": width,
                    "y": y,
                    "height": BAR_HEIGHT,
                    "previous": previous,
                }
            )
            y += BAR_STEP
        y += 6 if table.with_previous else 0
    return result


@register.simple_tag
def chart_height(table) -> int:
    per_row = BAR_STEP * (2 if table.with_previous else 1) + (6 if table.with_previous else 0)
    return max(len(table.rows) * per_row + 4, 24)
