"""Why a transition or an edit is refused, mapped by the API to 403, 409 and 400."""

from django.utils.translation import gettext_lazy as _


class Refused(Exception):
    """Base: the action changed nothing."""

    default_message = _("This action is not possible.")

    def __init__(self, message=None):
        self.message = message or self.default_message
        super().__init__(str(self.message))


class NotPermitted(Refused):
    default_message = _("You may not do this.")


class WrongState(Refused):
    default_message = _("The application's state does not allow this.")


class Invalid(Refused):
    """Bad or incomplete input: ``errors`` maps each field (or ``non_field_errors``) to reasons."""

    default_message = _("The application cannot go further yet.")

    def __init__(self, errors: dict[str, list]):
        self.errors = {key: _readable(reasons) for key, reasons in errors.items()}
        super().__init__()


def _readable(reasons):
    """Reasons as text, keeping the shape of a list field's errors (by row, then by the row's field)."""
    if isinstance(reasons, dict):
        return {key: _readable(value) for key, value in reasons.items()}
    if isinstance(reasons, list | tuple):
        return [_readable(reason) for reason in reasons]
    return str(reasons)


def messages_of(errors) -> list[str]:
    """Every message in a service's or a serializer's errors (by field, by row, nested), flat, as text."""
    if isinstance(errors, dict):
        return [text for value in errors.values() for text in messages_of(value)]
    if isinstance(errors, list | tuple):
        return [text for value in errors for text in messages_of(value)]
    return [str(errors)]
