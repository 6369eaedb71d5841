"""Checks every uploaded file by its content, its size and its name before anything is stored.

Accepted: PDF, JPEG, PNG, and the office formats people send (Word, Excel and OpenDocument), each
recognised by its first bytes, never by its name or the browser's content type. Office files are ZIP
containers: they are opened and refused when they would expand beyond a safe size (zip bombs) or hide
macros. Everything else, executables, HTML and SVG included, is refused.
"""

from __future__ import annotations

import os
import unicodedata
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .errors import Invalid

MAX_NAME_LENGTH = 150
ZIP_MAX_UNCOMPRESSED = 100 * 1024 * 1024
ZIP_MAX_RATIO = 100
ZIP_MAX_MEMBERS = 2000


@dataclass(frozen=True)
class FileType:
    content_type: str
    extensions: tuple[str, ...]


PDF = FileType("application/pdf", (".pdf",))
JPEG = FileType("image/jpeg", (".jpg", ".jpeg"))
PNG = FileType("image/png", (".png",))
DOCX = FileType("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (".docx",))
XLSX = FileType("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (".xlsx",))
ODT = FileType("application/vnd.oasis.opendocument.text", (".odt",))
ODS = FileType("application/vnd.oasis.opendocument.spreadsheet", (".ods",))
ACCEPTED = (PDF, JPEG, PNG, DOCX, XLSX, ODT, ODS)
ACCEPTED_EXTENSIONS = tuple(ext for kind in ACCEPTED for ext in kind.extensions)


FOLDERS_REFUSED = gettext_lazy("The file name must be a plain name without folders.")


def clean_file_name(name: str) -> str:
    """The name to show, or a refusal: no folders, no control characters, a known extension."""
    if not name or "/" in name or "\\" in name or name.startswith(".") or "\x00" in name:
        raise Invalid({"file": [FOLDERS_REFUSED]})
    name = unicodedata.normalize("NFC", name).strip()
    if any(unicodedata.category(char).startswith("C") for char in name) or ".." in name:
        raise Invalid({"file": [_("The file name has characters that are not allowed.")]})
    if len(name) > MAX_NAME_LENGTH:
        raise Invalid({"file": [_("The file name is longer than %d characters.") % MAX_NAME_LENGTH]})
    if os.path.splitext(name)[1].lower() not in ACCEPTED_EXTENSIONS:
        raise Invalid({"file": [
            _("Send a PDF, JPEG, PNG, Word, Excel or OpenDocument file (%s).")
            % ", ".join(ACCEPTED_EXTENSIONS)
        ]})
    return name


def _sniff(head: bytes, upload) -> FileType | None:
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"PK\x03\x04"):
        return _office_type(upload)
    return None


def _office_type(upload) -> FileType | None:
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            members = archive.infolist()
            if len(members) > ZIP_MAX_MEMBERS:
                raise Invalid({"file": [_("The document holds too many parts to be safe.")]})
            expanded = sum(member.file_size for member in members)
            packed = max(sum(member.compress_size for member in members), 1)
            if expanded > ZIP_MAX_UNCOMPRESSED or expanded / packed > ZIP_MAX_RATIO:
                raise Invalid({"file": [_("The document expands to an unsafe size.")]})
            names = {member.filename for member in members}
            if any(name.lower().endswith("vbaproject.bin") for name in names):
                raise Invalid({"file": [_("Documents with macros are not accepted.")]})
            if "[Content_Types].xml" in names:
                if any(name.startswith("word/") for name in names):
                    return DOCX
                if any(name.startswith("xl/") for name in names):
                    return XLSX
                return None
            if "mimetype" in names:
                mimetype = archive.read("mimetype").decode("ascii", "replace").strip()
                return {ODT.content_type: ODT, ODS.content_type: ODS}.get(mimetype)
    except zipfile.BadZipFile:
        return None
    finally:
        upload.seek(0)
    return None


def check_upload(upload) -> tuple[str, FileType]:
    """Return the clean name and the detected type of ``upload``, or raise ``Invalid``."""
    name = clean_file_name(getattr(upload, "name", "") or "")
    limit = settings.FONDOS_MAX_UPLOAD_BYTES
    if upload.size > limit:
        raise Invalid({"file": [
            _("The file is %(size)s MB; the limit is %(limit)s MB.")
            % {"size": round(upload.size / 1048576, 1), "limit": limit // 1048576}
        ]})
    if upload.size == 0:
        raise Invalid({"file": [_("The file is empty.")]})
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    detected = _sniff(head, upload)
    if detected is None:
        raise Invalid({"file": [
            _("This file's content is not a PDF, image or office document, whatever its name says.")
        ]})
    if os.path.splitext(name)[1].lower() not in detected.extensions:
        raise Invalid({"file": [
            _("The file's name says %(ext)s but its content is %(type)s.")
            % {"ext": os.path.splitext(name)[1].lower(), "type": detected.extensions[0]}
        ]})
    return name, detected
