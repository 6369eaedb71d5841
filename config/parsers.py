"""The API's JSON parser: every request body is a JSON object.

Each endpoint reads named fields from its body; a number, a list, a string, ``true`` or ``null`` has no
fields to read, and reached as ``request.data`` it would fail deep in a view (``.get`` on a list). It is
refused here, once for every endpoint, with a 400 that says what was expected.
"""

from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


class JSONObjectParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        if not isinstance(data, dict):
            raise ParseError(_("The request body must be a JSON object, such as {\"reason\": \"...\"}."))
        return data
