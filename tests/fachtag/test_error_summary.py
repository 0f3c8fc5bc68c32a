"""The one error summary (templates/forms/error_summary.html): links to each field, the first option of a
group, a formset's rows, or the links a page computed itself."""

from django import forms
from django.template.loader import render_to_string

from fachtag.templatetags.kern_forms import error_links


class Choices(forms.Form):
    name = forms.CharField()
    colour = forms.ChoiceField(choices=[("r", "red"), ("g", "green")], widget=forms.RadioSelect)
    days = forms.MultipleChoiceField(
        choices=[("mo", "Mo"), ("tu", "Tu")], widget=forms.CheckboxSelectMultiple
    )


class Row(forms.Form):
    age = forms.IntegerField()

    def clean(self):
        raise forms.ValidationError("row problem")


class RefusesTheSet(forms.BaseFormSet):
    def clean(self):
        raise forms.ValidationError("set problem")


def hrefs(html: str) -> list[str]:
    return [part.split('"', 1)[0] for part in html.split('href="#')[1:]]


def test_each_field_links_to_its_input_and_groups_to_their_first_option():
    form = Choices(data={})
    html = render_to_string("forms/error_summary.html", {"form": form})
    assert hrefs(html) == ["id_name", "id_colour_0", "id_days_0"]
    choices = render_to_string("forms/choices.html", {"field": form["days"]})
    assert 'id="id_days_0"' in choices and 'type="checkbox"' in choices and 'aria-invalid="true"' in choices


def test_a_formsets_rows_and_its_own_errors_link_to_the_given_anchor():
    Rows = forms.formset_factory(Row, formset=RefusesTheSet, extra=0)
    formset = Rows(data={"form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "0", "form-0-age": "x"})
    formset.is_valid()
    html = render_to_string(
        "forms/error_summary.html",
        {"summary_links": None, "form": Choices(data={"name": "A", "colour": "r", "days": ["mo"]})},
    )
    assert "error-summary" not in html  # a valid form: no summary
    links = error_links(Choices(data={"colour": "r", "days": ["mo"]}), formset, "groups")
    assert [anchor for anchor, _message in links] == ["id_name", "groups", "id_form-0-age", "groups"]


def test_a_page_may_give_its_own_links_and_title():
    html = render_to_string(
        "forms/error_summary.html",
        {"summary_links": [("check-groups", "Add an age group.")], "summary_title": "Not yet"},
    )
    assert hrefs(html) == ["check-groups"] and "Not yet" in html and "There is a problem" not in html
    assert "error-summary" not in render_to_string("forms/error_summary.html", {"summary_links": []})
