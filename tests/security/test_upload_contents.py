"""Uploads are judged by what they really contain: an office file by what it decompresses to (never by the
sizes its zip directory claims), a PDF by its actions (scripts and launch actions are refused, also when
hidden in compressed object streams or behind escaped names)."""

import io
import random
import struct
import zipfile
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from pypdf import PdfWriter
from pypdf.generic import DictionaryObject, NameObject, TextStringObject

from applications.models import Document
from applications.uploads import DOCX, PDF, check_upload
from core.errors import Invalid
from tests.workflow import PDF_BYTES, drive

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def docx(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def lying_about_sizes(data: bytes, claimed: int = 1000) -> bytes:
    """The same archive, with every local header and directory entry claiming ``claimed`` bytes."""
    data = bytearray(data)
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        start = data.find(signature)
        while start != -1:
            data[start + offset:start + offset + 4] = struct.pack("<I", claimed)
            start = data.find(signature, start + 4)
    return bytes(data)


def check(name: str, content: bytes, content_type: str = "application/octet-stream"):
    return check_upload(SimpleUploadedFile(name, content, content_type))


def refusal(name: str, content: bytes) -> str:
    with pytest.raises(Invalid) as refused:
        check(name, content)
    return " ".join(str(reason) for reason in refused.value.errors["file"])


# Office files -----------------------------------------------------------------------------------------

BOMB = docx({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"0" * 50_000_000})
LYING_BOMB = lying_about_sizes(BOMB)
WORDS = ["cosecha", "café", "lluvia", "socias", "2026", "kg", "pérdida", "parcela", "helada", "cooperativa"]
REPORT = " ".join(random.Random(7).choices(WORDS, k=20000))
GOOD = docx({"[Content_Types].xml": b"<Types/>",
             "word/document.xml": f"<w:document><w:p>{REPORT}</w:p></w:document>".encode()})


def test_the_lying_archive_really_claims_to_be_small():
    with zipfile.ZipFile(io.BytesIO(LYING_BOMB)) as archive:
        claimed = sum(member.file_size for member in archive.infolist())
        packed = sum(member.compress_size for member in archive.infolist())
    assert claimed < 3000 and claimed / packed < 1, "the directory must claim a harmless size"
    assert len(LYING_BOMB) < 1024 * 1024


def test_an_office_file_whose_directory_lies_about_its_size_is_refused(settings):
    settings.FONDOS_MAX_UPLOAD_BYTES = 1024 * 1024
    assert "unsafe size" in refusal("informe.docx", LYING_BOMB)


def test_a_bomb_that_tells_the_truth_is_refused_too():
    assert "unsafe size" in refusal("informe.docx", BOMB)


def test_a_harmless_archive_whose_directory_lies_is_refused():
    assert "damaged" in refusal("informe.docx", lying_about_sizes(GOOD, claimed=5))


def test_a_real_office_file_is_still_accepted():
    assert check("informe.docx", GOOD, DOCX_TYPE) == ("informe.docx", DOCX)


# PDFs -------------------------------------------------------------------------------------------------


def pdf_with(**catalog) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    for key, value in catalog.items():
        writer._root_object[NameObject(f"/{key}")] = value
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def pdf_with_script_in_an_object_stream(action: bytes) -> bytes:
    """A PDF 1.5 whose open action (object 5) sits, compressed, in an object stream, found through a
    cross-reference stream: no part of it is readable in the file's bytes."""
    header = b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n"
    inner = b"5 0 "
    packed = zlib.compress(inner + action)
    bodies = {
        1: b"<</Type/Catalog/Pages 2 0 R/OpenAction 5 0 R>>",
        2: b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
        3: b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>",
        4: b"<</Type/ObjStm/N 1/First %d/Filter/FlateDecode/Length %d>>stream\n" % (len(inner), len(packed))
           + packed + b"\nendstream",
    }
    out = bytearray(header)
    offsets = {}
    for number, body in bodies.items():
        offsets[number] = len(out)
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    offsets[6] = len(out)
    rows = [struct.pack(">BIH", 0, 0, 65535)]
    rows += [struct.pack(">BIH", 1, offsets[n], 0) for n in (1, 2, 3, 4)]
    rows += [struct.pack(">BIH", 2, 4, 0), struct.pack(">BIH", 1, offsets[6], 0)]
    table = zlib.compress(b"".join(rows))
    out += (b"6 0 obj\n<</Type/XRef/Size 7/W[1 4 2]/Root 1 0 R/Filter/FlateDecode/Length %d>>stream\n"
            % len(table)) + table + b"\nendstream\nendobj\n"
    out += b"startxref\n%d\n%%%%EOF\n" % offsets[6]
    return bytes(out)


def script_action():
    return DictionaryObject({NameObject("/S"): NameObject("/JavaScript"),
                             NameObject("/JS"): TextStringObject("app.alert('hi')")})


def launch_action():
    return DictionaryObject({NameObject("/S"): NameObject("/Launch"),
                             NameObject("/F"): TextStringObject("cmd.exe")})


DANGEROUS_PDFS = {
    "open-action-script": pdf_with(OpenAction=script_action()),
    "open-action-launch": pdf_with(OpenAction=launch_action()),
    "additional-actions": pdf_with(AA=DictionaryObject({NameObject("/WC"): script_action()})),
    "document-scripts": pdf_with(Names=DictionaryObject({NameObject("/JavaScript"): DictionaryObject()})),
    "object-stream-script": pdf_with_script_in_an_object_stream(b"<</S/JavaScript/JS(app.alert(1))>>"),
    "object-stream-escaped-names":
        pdf_with_script_in_an_object_stream(b"<</S/J#61vaScript/J#53(app.alert(1))>>"),
    "object-stream-launch": pdf_with_script_in_an_object_stream(b"<</S/Launch/F(cmd.exe)>>"),
    "unreadable-with-script": PDF_BYTES.replace(b"/Type/Catalog", b"/Type/Catalog/OpenAction<</S/JavaScript"
                                                b"/JS(app.alert(1))>>"),
    "unreadable-with-escaped-launch": PDF_BYTES.replace(b"/Type/Catalog",
                                                        b"/Type/Catalog/OpenAction<</S/L#61unch/F(x)>>"),
}


@pytest.mark.parametrize("case", sorted(DANGEROUS_PDFS))
def test_a_pdf_with_a_script_or_launch_action_is_refused(case):
    assert "scripts" in refusal("evidencia.pdf", DANGEROUS_PDFS[case])


def test_the_object_stream_hides_the_script_from_a_plain_search():
    content = DANGEROUS_PDFS["object-stream-script"]
    assert b"JavaScript" not in content and b"/JS" not in content


@pytest.mark.parametrize("content", [
    PDF_BYTES,
    pdf_with(),
    pdf_with(OpenAction=DictionaryObject({NameObject("/S"): NameObject("/URI"),
                                          NameObject("/URI"): TextStringObject("https://clac-comerciojusto.org")})),
    pdf_with_script_in_an_object_stream(b"<</S/GoTo/D[3 0 R/Fit]>>"),
], ids=["minimal", "one-page", "link-action", "object-stream-goto"])
def test_ordinary_pdfs_are_still_accepted(content):
    assert check("evidencia.pdf", content, "application/pdf") == ("evidencia.pdf", PDF)


# Through the pages and the API: refused with the reason, translated, and nothing stored ---------------


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "words"), [("en", "Print"), ("es", "Imprima"), ("pt", "Imprima"),
                                                 ("fr", "Imprimez")])
def test_the_api_refuses_a_scripted_pdf_in_the_callers_language(api_as, language, words):
    application = drive(fund_code="catastrophic-events", to="draft")
    client = api_as(application.applicant)
    before = Document.objects.count()
    scripted = SimpleUploadedFile("evidencia.pdf", DANGEROUS_PDFS["object-stream-script"], "application/pdf")
    response = client.post(f"/api/v1/applications/{application.pk}/documents/",
                           {"kind": "damage_evidence", "file": scripted},
                           format="multipart", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 400
    reason = " ".join(response.json()["file"])
    assert "scripts" in reason and words in reason, reason
    assert Document.objects.count() == before


@pytest.mark.django_db
def test_the_documents_page_refuses_a_lying_office_file(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    settings.FONDOS_MAX_UPLOAD_BYTES = 1024 * 1024
    application = drive(fund_code="catastrophic-events", to="draft")
    application.applicant.language = "en"
    application.applicant.save(update_fields=["language"])
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(application.applicant)
    response = client.post(reverse("application-documents", args=[application.pk]), {
        "kind": "damage_evidence", "file": SimpleUploadedFile("informe.docx", LYING_BOMB, DOCX_TYPE)})
    assert response.status_code == 400
    assert "unsafe size" in response.content.decode()
    assert not list(tmp_path.rglob("*.docx"))
