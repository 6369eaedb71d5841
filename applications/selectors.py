from .models import Application
from .permissions import visible_applications_filter


def applications_visible_to(user):
    return Application.objects.filter(visible_applications_filter(user))
