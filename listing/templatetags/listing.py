from django import template
from django.utils.html import format_html

from portal.templatetags.portal import number

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
