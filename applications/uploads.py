"""Checks every uploaded file by its content, its size and its name before anything is stored.

Accepted: PDF, JPEG, PNG, and the office formats people send (Word, Excel and OpenDocument), each
recognised by its first bytes, never by its name or the browser's content type. Office files are ZIP
containers: they are opened and refused when they would expand beyond a safe size (zip bombs) or hide
macros. Everything else, executables, HTML and SVG included, is refused.
"""

from __future__ import annotations

import io
import os
import re
import struct
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

from core.errors import Invalid

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
            _check_expanded_size(upload, members)
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


UNSAFE_SIZE = gettext_lazy("The document expands to an unsafe size.")
DAMAGED = gettext_lazy("The document is damaged: its parts do not match its table of contents.")
_LOCAL_HEADER = struct.Struct("<4s2B4HL2L2H")
_CHUNK = 64 * 1024


def _check_expanded_size(upload, members) -> None:
    """Decompress every part, counting what really comes out, and stop at a hard limit.

    A zip's directory and local headers only claim sizes; a zip bomb lies in them. So each part's
    compressed bytes are fed to the decompressor in chunks, never asking it for more than is left of
    the allowance (the smaller of ``ZIP_MAX_UNCOMPRESSED`` and ``ZIP_MAX_RATIO`` times the upload),
    until its deflate stream ends by itself. A part that expands to a size other than the one claimed
    marks a forged archive.
    """
    allowance = min(ZIP_MAX_UNCOMPRESSED, ZIP_MAX_RATIO * max(upload.size, 1))
    forged = False
    for member in members:
        expanded = _expanded_size(upload, member, allowance)
        allowance -= expanded
        if allowance < 0:
            raise Invalid({"file": [UNSAFE_SIZE]})
        forged = forged or expanded != member.file_size
    if forged:
        raise Invalid({"file": [DAMAGED]})


def _expanded_size(upload, member, allowance: int) -> int:
    upload.seek(member.header_offset)
    header = upload.read(_LOCAL_HEADER.size)
    if len(header) != _LOCAL_HEADER.size or header[:4] != b"PK\x03\x04":
        raise Invalid({"file": [DAMAGED]})
    fields = _LOCAL_HEADER.unpack(header)
    upload.seek(fields[-2] + fields[-1], os.SEEK_CUR)  # the part's name and extra field
    if member.compress_type == zipfile.ZIP_STORED:
        return member.compress_size
    if member.compress_type != zipfile.ZIP_DEFLATED:
        raise Invalid({"file": [DAMAGED]})
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    expanded = 0
    while not inflater.eof:
        # What is left unconsumed from the last chunk comes first; then fresh bytes from the file.
        chunk = inflater.unconsumed_tail or upload.read(_CHUNK)
        if not chunk:
            raise Invalid({"file": [DAMAGED]})
        try:
            expanded += len(inflater.decompress(chunk, allowance - expanded + 1))
        except zlib.error:
            raise Invalid({"file": [DAMAGED]}) from None
        if expanded > allowance:
            raise Invalid({"file": [UNSAFE_SIZE]})
    return expanded


PDF_ACTIVE = gettext_lazy("PDFs with scripts (JavaScript) or actions that launch programs are not accepted. "
                          "Print the document to a new PDF and send that.")
PDF_LOCKED = gettext_lazy("Password-protected PDFs are not accepted. Remove the password and send it again.")
_ACTIVE_KEYS = {"/JS", "/JavaScript"}
_ACTIVE_ACTIONS = {"/JavaScript", "/Launch"}
_ACTIVE_NAMES = {b"JS", b"JavaScript", b"Launch"}
_NAME = re.compile(rb"/((?:[^\s/<>\[\]()%{}#]|#[0-9A-Fa-f]{2})+)")
_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_STREAM = re.compile(rb"stream\r?\n(.*?)endstream", re.S)


def _check_pdf(upload) -> None:
    """Refuse a PDF that runs scripts or launches programs (when opened, on a page, in a form, anywhere).

    Every object is read through pypdf, which decompresses object streams and decodes escaped names
    (``/J#61vaScript``), so nothing hides in compressed parts. A PDF too damaged for pypdf (viewers are
    lenient, so it may still open) is searched byte by byte instead, inside its compressed streams too.
    """
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    active = _active_by_structure(data)
    if active is None:
        active = _active_by_bytes(data)
    if active:
        raise Invalid({"file": [PDF_ACTIVE]})


def _active_by_structure(data: bytes) -> bool | None:
    """Whether any object of the PDF is a script or a launch action; ``None`` if pypdf cannot read it."""
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        locked = reader.is_encrypted and not reader.decrypt("")
    except Exception:  # whatever pypdf makes of a damaged file, the byte search follows
        return None
    if locked:
        raise Invalid({"file": [PDF_LOCKED]})
    numbers = {(number, generation) for generation, table in reader.xref.items() for number in table}
    numbers |= {(number, 0) for number in reader.xref_objStm}
    for number, generation in sorted(numbers):
        try:
            obj = reader.get_object(IndirectObject(number, generation, reader))
        except Exception:  # an object pypdf cannot read: search the bytes instead
            return None
        if _active_object(obj):
            return True
    return _active_object(reader.trailer)


def _active_object(obj, depth: int = 0) -> bool:
    """Whether ``obj``, or a dictionary or array written inside it, names a script or a launch action.

    Objects it refers to are indirect objects of their own, which the caller reads one by one."""
    if depth > 64:
        return True
    if isinstance(obj, DictionaryObject):
        for key, value in obj.items():
            if key in _ACTIVE_KEYS or (key == "/S" and value in _ACTIVE_ACTIONS):
                return True
            if _active_object(value, depth + 1):
                return True
    elif isinstance(obj, ArrayObject):
        return any(_active_object(value, depth + 1) for value in obj)
    return False


def _active_names(data: bytes) -> bool:
    return any(
        _NAME_ESCAPE.sub(lambda escape: bytes([int(escape.group(1), 16)]), name.group(1)) in _ACTIVE_NAMES
        for name in _NAME.finditer(data)
    )


def _active_by_bytes(data: bytes) -> bool:
    if _active_names(_STREAM.sub(b" ", data)):
        return True
    allowance = ZIP_MAX_UNCOMPRESSED
    for stream in _STREAM.finditer(data):
        try:
            expanded = zlib.decompressobj().decompress(stream.group(1), allowance)
        except zlib.error:
            continue
        if _active_names(expanded):
            return True
        allowance -= len(expanded)
        if allowance <= 0:
            return True
    return False


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
    if detected is PDF:
        _check_pdf(upload)
    if os.path.splitext(name)[1].lower() not in detected.extensions:
        raise Invalid({"file": [
            _("The file's name says %(ext)s but its content is %(type)s.")
            % {"ext": os.path.splitext(name)[1].lower(), "type": detected.extensions[0]}
        ]})
    return name, detected
