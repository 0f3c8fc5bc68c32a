"""Our allauth element templates keep allauth's contract (attrs, slots, tags) and write KERN markup."""

import pytest
from django.forms import CharField, Form
from django.template import Context, engines
from django.template.base import Origin, Template
from django.utils import translation


def render(source: str, **context) -> str:
    """Render like an allauth page does: the element tag needs the name of the template it sits in."""
    origin = Origin(name="account/inline.html", template_name="account/inline.html")
    template = Template("{% load allauth %}" + source, origin=origin, engine=engines["django"].engine)
    return template.render(Context(context))


def test_an_optional_field_with_hint_and_error():
    source = (
        '{% element field type="text" id="id_name" name="name" value="Amal" required=False errors=errors %}'
        "{% slot label %}Name{% endslot %}{% slot help_text %}As in your passport{% endslot %}{% endelement %}"
    )
    with translation.override("ar"):
        html = render(source, errors=["Too long"])
    assert '<div class="kern-form-input kern-form-input--error">' in html
    assert (
        '<label class="kern-label" for="id_name">Name <span class="kern-label__optional">– اختياري</span></label>'
        in html
    )
    assert '<div class="kern-hint" id="id_name_hint">As in your passport</div>' in html
    assert (
        '<input class="kern-form-input__input kern-form-input__input--error" type="text" name="name" id="id_name" '
        'value="Amal" aria-describedby="id_name_hint id_name_error" aria-invalid="true">' in html
    )
    assert (
        '<p class="kern-error" id="id_name_error"><span class="kern-icon kern-icon--danger" aria-hidden="true">'
        '</span><span class="kern-body">Too long</span></p>' in html
    )


def test_a_field_without_required_attr_is_not_marked_optional():
    """allauth's e-mail change page shows the current address this way."""
    html = render(
        '{% element field id="current_email" disabled=True type="email" value="a@example.org" %}'
        "{% slot label %}Current email:{% endslot %}{% endelement %}"
    )
    assert "kern-label__optional" not in html
    assert 'value="a@example.org" disabled>' in html


def test_a_password_is_never_written_back():
    html = render(
        '{% element field type="password" id="id_password" name="password" value="secret" required=True %}{% endelement %}'
    )
    assert "secret" not in html
    assert " required" in html


@pytest.mark.parametrize(
    ("tags", "variant"),
    [
        ("", "primary"),
        ("prominent,login", "primary"),
        ("outline,cancel", "secondary"),
        ("danger,delete", "secondary"),
        ("link,cancel", "tertiary"),
    ],
)
def test_button_variants_follow_allauths_tags(tags, variant):
    html = render(f'{{% element button type="submit" name="action" tags="{tags}" %}} Go {{% endelement %}}')
    assert html.strip() == (
        f'<button class="kern-btn kern-btn--{variant}" type="submit" name="action"><span class="kern-label">Go</span></button>'
    )


def test_a_button_with_href_is_a_link():
    html = render('{% element button href="/de/" tags="outline" %}Back{% endelement %}')
    assert (
        html.strip()
        == '<a class="kern-btn kern-btn--secondary" href="/de/"><span class="kern-label">Back</span></a>'
    )


def test_headings_paragraphs_and_groups():
    assert (
        render("{% element h1 %} Title {% endelement %}").strip()
        == '<h1 class="kern-heading-large">Title</h1>'
    )
    assert render("{% element h2 %}Sub{% endelement %}").strip() == '<h2 class="kern-heading-medium">Sub</h2>'
    assert render("{% element p %}Text{% endelement %}").strip() == '<p class="kern-body">Text</p>'
    assert (
        render("{% element button_group %}x{% endelement %}").strip()
        == '<div class="kern-btn-wrapper">x</div>'
    )


def test_alert_is_a_kern_alert():
    html = render(
        "{% element alert %}{% slot message %}<strong>Note</strong>: hello{% endslot %}{% endelement %}"
    )
    assert '<div class="kern-alert kern-alert--info" role="status">' in html
    assert '<span class="kern-title"><strong>Note</strong>: hello</span>' in html


class NameForm(Form):
    name = CharField(label="Name", max_length=3)
    nickname = CharField(label="Nickname", required=False, help_text="If you like")


def test_fields_and_form_give_the_pattern_and_the_error_summary():
    form = NameForm(data={"name": "Amal Haddad", "nickname": ""})
    source = (
        '{% element form form=form method="post" action="/x/" %}{% slot body %}{% element fields form=form %}'
        '{% endelement %}{% endslot %}{% slot actions %}{% element button type="submit" %}Save{% endelement %}'
        "{% endslot %}{% endelement %}"
    )
    with translation.override("de"):
        html = render(source, form=form)
        message = str(form.errors["name"][0])
    assert '<form method="post" action="/x/" novalidate>' in html
    assert 'class="kern-alert kern-alert--danger error-summary" role="alert" tabindex="-1"' in html
    assert f'<a class="kern-link" href="#id_name">{message}</a>' in html
    assert (
        'id="id_name" value="Amal Haddad" required aria-describedby="id_name_error" aria-invalid="true">'
        in html
    )
    assert '<span class="kern-label__optional">– optional</span>' in html
    assert 'id="id_nickname" aria-describedby="id_nickname_hint">' in html


def test_the_list_form_on_the_email_page_leaves_the_summary_to_the_add_form():
    form = NameForm(data={})
    html = render('{% element form form=form method="post" tags="email,list" %}{% endelement %}', form=form)
    assert "error-summary" not in html
