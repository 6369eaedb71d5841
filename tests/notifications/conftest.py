import pytest
from django.core import mail

from notifications.models import Notification


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run what a block queues ``on_commit`` (delivery), as a real commit would."""

    def block():
        return django_capture_on_commit_callbacks(execute=True)

    return block


def notices(kind=None, **filters):
    queryset = Notification.objects.all()
    if kind is not None:
        queryset = queryset.filter(kind=kind)
    return queryset.filter(**filters)


def mails_to(address):
    return [message for message in mail.outbox if address in message.to]
