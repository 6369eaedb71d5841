import html
from functools import lru_cache

from django import forms, template
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from core.formats import number

register = template.Library()


@register.simple_tag
def sort_th(listing, param, css=""):
    """A sortable column header: a link that sorts by the column (again: reverses it), with aria-sort."""
    column = listing.sort(param)
    arrow = {"ascending": "▲", "descending": "▼"}.get(column["state"], "↕")
    aria = "" if column["state"] == "none" else format_html(' aria-sort="{}"', column["state"])
    return format_html(
        '<th scope="col"{}{}><a class="sort" href="{}">{} <span aria-hidden="true">{}</span></a></th>',
        format_html(' class="{}"', css) if css else "", aria, column["url"], column["label"], arrow,
    )


@register.filter
def grouped(count):
    """A count as the pages write numbers: 21,068 (en), 21.068 (es, pt), 21 068 (fr)."""
    return number(count, 0)


@lru_cache(maxsize=512)
def _labels(model, field_name: str, language: str | None) -> dict:
    return {value: str(label) for value, label in model._meta.get_field(field_name).flatchoices}


@register.filter
def display(instance, field_name):
    """``{{ row|display:"status" }}``: the label of a choice field, as ``get_status_display`` gives it,
    from a table built once per language (``get_FIELD_display`` hashes every lazy label on each call,
    which costs more than the rest of a row)."""
    value = getattr(instance, field_name)
    return _labels(type(instance)._meta.concrete_model, field_name, get_language()).get(value, value)


_OPTIONS: dict = {}


def _escaped_choices(choices) -> list[tuple[str, str]]:
    """``choices`` as escaped (value, label) pairs, kept per language and list of choices.

    Turning each lazy label into text (a translation lookup) and escaping it cost more than the rest of
    the filters' form: about 80 options on every list page. The key names each label by its text when
    it is text, and by the lazy object itself otherwise (a lazy label translates the same way in the
    same language); the cache keeps those objects alive, so their ids cannot be taken by others.
    """
    choices = list(choices)
    labels = tuple(label for _value, label in choices)
    values = tuple(str(value) for value, _label in choices)
    key = (get_language(), values, tuple(label if isinstance(label, str) else id(label) for label in labels))
    found = _OPTIONS.get(key)
    if found is None:
        if len(_OPTIONS) >= 512:
            _OPTIONS.clear()
        found = _OPTIONS[key] = (labels, [(html.escape(value), html.escape(str(label)))
                                          for value, label in zip(values, labels, strict=True)])
    return found[1]


def _options(choices, chosen: str):
    chosen = html.escape(chosen)
    return mark_safe("".join(  # noqa: S308 (every value and label escaped in _escaped_choices)
        f'<option value="{value}"{" selected" if value == chosen else ""}>{label}</option>'
        for value, label in _escaped_choices(choices)))


@register.simple_tag
def filter_input(bound):
    """One filter's input, written directly (Django's widget templates cost a template per option, and
    a list's filters have dozens of options)."""
    value = bound.value()
    chosen = "" if value in (None, []) else str(value)
    name, ident = bound.html_name, bound.id_for_label
    widget = bound.field.widget
    if isinstance(widget, forms.Select):
        return format_html('<select name="{}" id="{}">{}</select>', name, ident,
                           _options(bound.field.choices, chosen))
    if isinstance(widget, forms.DateInput):
        kind = "date"
    elif isinstance(widget, forms.NumberInput):
        kind = "number"
    else:
        kind = widget.attrs.get("type", getattr(widget, "input_type", "text"))
    return format_html('<input type="{}" name="{}" id="{}" value="{}">', kind, name, ident, chosen)


@register.simple_tag
def sort_select(listing, empty_label):
    """The "sort by" menu: every way the list sorts (the column headers are hidden on phones)."""
    return format_html('<select name="ordering" id="f-ordering">{}{}</select>',
                       format_html('<option value="">{}</option>', empty_label),
                       _options(listing.sort_choices, listing.current_sort))
