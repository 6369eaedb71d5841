"""An application's documents, on the applicant's documents step: attach several files of a kind, remove
one before submission, and download any file the person may see (another organisation's is "not found")."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from applications import services
from applications.models import Document
from applications.serializers import DocumentUploadSerializer
from applications.workflow import Status
from core.errors import Invalid, NotPermitted, WrongState
from core.http import refusal_text, uploaded_file_response

from . import fundforms
from .api_input import read_posted
from .views import _applicant_only, _visible


@login_required
def documents(request, pk):
    application = _visible(request, pk)
    _applicant_only(request, application)
    rules = application.fund.rules
    error = ""
    kind = ""
    if request.method == "POST":
        kind = request.POST.get("kind", "")
        uploads = request.FILES.getlist("file")
        wants_json = request.headers.get("x-requested-with") == "XMLHttpRequest"
        attached, refused = [], []
        if not uploads:
            refused.append(_("Choose a file to upload."))
        for upload in uploads:
            try:
                posted = read_posted(DocumentUploadSerializer, request.POST, files={"file": upload})
                document = services.document_upload(application_id=pk, by=request.user,
                                                     kind=posted["kind"], upload=posted["file"])
            except Invalid as exc:
                reasons = refusal_text(exc)
                refused.append(reasons if len(uploads) == 1 else f"{upload.name}: {reasons}")
            except WrongState as exc:
                refused.append(str(exc))
                break
            except NotPermitted as exc:
                raise PermissionDenied(str(exc)) from exc
            else:
                attached.append(document.original_name)
        text = ""
        if attached:
            text = " ".join(_("“%(name)s” was attached.") % {"name": name} for name in attached)
            messages.success(request, text)
        error = " ".join(refused)
        if not error:
            if wants_json:
                return JsonResponse({"ok": True, "message": text})
            return redirect("application-documents", pk=pk)
        if wants_json:
            return JsonResponse({"ok": False, "error": error, "message": text}, status=400)
    current = list(application.documents.filter(replaced_by__isnull=True).order_by("kind", "uploaded_at"))
    kinds = [
        {"code": code, "label": label, "required": code in rules.required_documents,
         "present": any(document.kind == code for document in current),
         "count": sum(1 for document in current if document.kind == code)}
        for code, label in rules.document_kinds.items()
    ]
    return render(request, "portal/documents.html", {
        "application": application,
        "documents": current,
        "kinds": kinds,
        "error": error,
        "chosen_kind": kind,
        "step_number": len(fundforms.steps_for(application.fund)) + 1,
        "step_count": len(fundforms.steps_for(application.fund)) + 2,
        "steps": fundforms.steps_for(application.fund),
        "editable": application.status in services.UPLOAD_STATES_FOR_APPLICANT,
        "removable": application.status == Status.DRAFT,
    }, status=400 if error else 200)


@login_required
@require_POST
def document_remove(request, pk, document_id):
    """Remove a file from a draft; after submission the files stay as they were sent."""
    application = _visible(request, pk)
    _applicant_only(request, application)
    document = get_object_or_404(Document, pk=document_id, application=application)
    try:
        name = services.document_remove(application_id=pk, document_id=document.pk, by=request.user)
    except NotPermitted as exc:
        raise PermissionDenied(str(exc)) from exc
    except (WrongState, Invalid) as exc:
        messages.error(request, str(exc) if isinstance(exc, WrongState) else _("Nothing was removed."))
    else:
        messages.success(request, _("“%(name)s” was removed.") % {"name": name})
    return redirect("application-documents", pk=pk)


@login_required
def document_file(request, pk, document_id):
    application = _visible(request, pk)
    document = get_object_or_404(Document, pk=document_id, application=application)
    return uploaded_file_response(document.file, filename=document.original_name,
                                  content_type=document.content_type)
