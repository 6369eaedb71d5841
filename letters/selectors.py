from applications.selectors import applications_visible_to

from .models import Letter, ScheduleDocument


def letters_visible_to(user):
    """The letters of the applications ``user`` may see, ready to serialise without more queries."""
    return Letter.objects.filter(application__in=applications_visible_to(user)).select_related(
        "application__fund", "superseded_by",
    )


def schedule_documents_visible_to(user):
    """The definitive loan schedules of the applications ``user`` may see."""
    return ScheduleDocument.objects.filter(
        loan__application__in=applications_visible_to(user)
    ).select_related("loan__application")
