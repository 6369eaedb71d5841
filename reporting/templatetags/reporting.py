from django import template

from reporting.selectors import reports_of

register = template.Library()


@register.simple_tag
def project_reports(application):
    """The reports an award owes, for the application's page."""
    return reports_of(application)
