from django.conf import settings
from django.utils import translation


class UserLanguageMiddleware:
    """Speak a signed-in person's chosen language unless they picked another one in this browser.

    Precedence: the language switcher's cookie, then the person's saved language, then the browser's
    Accept-Language (LocaleMiddleware). Token-authenticated API calls are authenticated later, by DRF,
    so they follow their Accept-Language header.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and settings.LANGUAGE_COOKIE_NAME not in request.COOKIES
        ):
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
        return self.get_response(request)
