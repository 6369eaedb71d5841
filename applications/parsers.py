"""A multipart parser that refuses a file whose name carries folders (``../x.pdf``) with a clear error,
where Django would silently cut the name down. Stored files never use the sent name as a path."""

from django.conf import settings
from django.http.multipartparser import MultiPartParser as DjangoMultiPartParser
from django.http.multipartparser import MultiPartParserError
from rest_framework.exceptions import ParseError, ValidationError
from rest_framework.parsers import DataAndFiles
from rest_framework.parsers import MultiPartParser as DRFMultiPartParser

from .uploads import FOLDERS_REFUSED


class _FolderSpottingParser(DjangoMultiPartParser):
    names_with_folders: list[str]

    def sanitize_file_name(self, file_name):
        if "/" in file_name or "\\" in file_name:
            self.names_with_folders.append(file_name)
        return super().sanitize_file_name(file_name)


class UploadParser(DRFMultiPartParser):
    def parse(self, stream, media_type=None, parser_context=None):
        parser_context = parser_context or {}
        request = parser_context["request"]
        meta = request.META.copy()
        meta["CONTENT_TYPE"] = media_type
        encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
        parser = _FolderSpottingParser(meta, stream, request.upload_handlers, encoding)
        parser.names_with_folders = []
        try:
            data, files = parser.parse()
        except MultiPartParserError as exc:
            raise ParseError(str(exc)) from exc
        if parser.names_with_folders:
            raise ValidationError({"file": [str(FOLDERS_REFUSED)]})
        return DataAndFiles(data, files)
