"""Changes to a person's sign-in security: turning two-factor sign-in on and off."""

from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from organizations.models import ApiToken, User


def two_factor_enable(*, user: User, device: TOTPDevice) -> TOTPDevice:
    """Confirm ``device`` (its first code already checked) and revoke every API token of ``user``.

    Tokens were issued on the password alone; from now on a new one asks for the code as well.
    """
    with transaction.atomic():
        User.objects.select_for_update().get(pk=user.pk)
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=user)
        if not device.confirmed:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
        ApiToken.objects.filter(user=user).delete()
        return device


def two_factor_disable(*, user: User) -> None:
    with transaction.atomic():
        User.objects.select_for_update().get(pk=user.pk)
        TOTPDevice.objects.filter(user=user).delete()
