"""The one form pattern (docs UI.md §4): every field rendered by templates/forms/*.html with KERN classes."""

from django import forms, template

register = template.Library()


def describedby(field) -> str:
    ids = []
    if field.help_text:
        ids.append(f"{field.auto_id}_hint")
    if field.errors:
        ids.append(f"{field.auto_id}_error")
    return " ".join(ids)


@register.filter
def kern_widget(field):
    """The field's widget with KERN classes, hint/error references and aria-invalid."""
    widget = field.field.widget
    if isinstance(widget, forms.CheckboxInput):
        css = "kern-form-check__checkbox"
    elif isinstance(widget, forms.Select):
        css = "kern-form-input__select"
    else:
        css = "kern-form-input__input"
    if field.errors:
        css += f" {css}--error"
    attrs = {"class": css}
    if ids := describedby(field):
        attrs["aria-describedby"] = ids
    if field.errors:
        attrs["aria-invalid"] = "true"
    return field.as_widget(attrs=attrs)


@register.filter
def is_checkbox(field) -> bool:
    return isinstance(field.field.widget, forms.CheckboxInput)


@register.filter
def is_select(field) -> bool:
    return isinstance(field.field.widget, forms.Select) and not isinstance(
        field.field.widget, forms.RadioSelect
    )


@register.simple_tag
def error_links(form, formset=None, formset_anchor="form"):
    """(anchor id, message) for the error summary: each links to its field, non-field errors to the form.
    A formset's row and formset-wide errors follow the form's, their non-field ones linking to
    `formset_anchor`."""
    links = [("form", str(error)) for error in form.non_field_errors()]
    for field in form:
        if field.errors:
            anchor = (
                f"{field.auto_id}_0" if isinstance(field.field.widget, forms.RadioSelect) else field.auto_id
            )
            links.append((anchor, str(field.errors[0])))
    if formset is not None:
        for row in formset.forms:
            links += [(formset_anchor if a == "form" else a, m) for a, m in error_links(row)]
        links += [(formset_anchor, str(error)) for error in formset.non_form_errors()]
    return links
