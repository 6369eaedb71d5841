"""The open-data exports: 360Giving (JSON, CSV) and IATI 2.03 (XML), streamed and cached.

Administrators, the secretariat, finance and auditors may read them (CLAC staff who see the whole
portfolio); OPP staff and committee members get 403, anonymous callers 401. The files name no
individual, but they publish every award at once: CLAC decides when and where to publish them."""

from django.http import HttpResponse, StreamingHttpResponse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import PermissionDenied
from rest_framework.renderers import JSONRenderer
from rest_framework.views import APIView

from core.http import name_download
from organizations.access import access_for

from . import exports, selectors
from .cache import cached_parts, cached_stream, export_key


class _Export(APIView):
    renderer_classes = [JSONRenderer]
    name: str
    content_type: str
    filename: str
    # The standard's file needs at least one record (360Giving's ``grants`` has ``minItems: 1``, IATI's
    # ``iati-activities`` one ``iati-activity``): with nothing to publish, the answer is 204 No Content.
    needs_a_record = True

    @staticmethod
    def produce():
        raise NotImplementedError

    def perform_content_negotiation(self, request, force=False):
        # The file has one type whatever the Accept header says; errors are JSON.
        return JSONRenderer(), JSONRenderer.media_type

    def get(self, request):
        access = access_for(request.user)
        if not (access.is_administrator or access.is_secretariat or access.is_finance or access.is_auditor):
            raise PermissionDenied(_("Open-data exports are for CLAC staff and auditors."))
        key = export_key(self.name)
        chunks = cached_parts(key)
        if chunks is None:
            if self.needs_a_record and not self.records().exists():
                return HttpResponse(status=204)
            chunks = cached_stream(key, self.produce)
        response = StreamingHttpResponse((chunk.encode() for chunk in chunks), content_type=self.content_type)
        name_download(response, self.filename, inline=True)
        return response


@extend_schema(responses={(200, "application/json"): OpenApiTypes.OBJECT, 204: None},
               summary="360Giving package (JSON)")
class GivingJSONView(_Export):
    """The awarded grants of the grant funds as a 360Giving 1.4 JSON package; 204 while there are none."""

    name, content_type, filename = "360giving-json", "application/json", "360giving.json"
    produce = staticmethod(exports.giving_json)
    records = staticmethod(selectors.awarded_grants)


@extend_schema(responses={(200, "text/csv"): OpenApiTypes.STR}, summary="360Giving grants (CSV)")
class GivingCSVView(_Export):
    """The same grants in 360Giving's flattened CSV."""

    name, content_type, filename = "360giving-csv", "text/csv; charset=utf-8", "360giving.csv"
    produce = staticmethod(exports.giving_csv)
    # A table with its column titles and no row is a valid (empty) 360Giving spreadsheet.
    needs_a_record = False


@extend_schema(responses={(200, "application/xml"): OpenApiTypes.STR, 204: None},
               summary="IATI 2.03 activities (XML)")
class IATIView(_Export):
    """Every award, grant or loan, as an IATI 2.03 activity file; 204 while there are none."""

    name, content_type, filename = "iati-xml", "application/xml", "iati.xml"
    produce = staticmethod(exports.iati_xml)
    records = staticmethod(selectors.awarded_activities)
