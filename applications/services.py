"""Every change to an application happens here, in one function per action.

Each transition locks the application's row, checks who is acting and the state, collects every reason
it cannot proceed, moves the state through django-fsm, records the transition and announces it
(``applications.events``) inside one transaction. Outside effects run only after commit.
"""

from __future__ import annotations

import datetime
import secrets
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError as FieldsInvalid

from calls.services import (
    call_available,
    call_for_new_application,
    call_for_submission,
    call_initial_fields,
    call_lock,
    call_over_budget_message,
    call_parameters,
)
from core.errors import Invalid, NotPermitted, WrongState
from core.money import Money, smallest
from core.parsing import parse_amount
from funds.ledger import OverBudget, fund_balances, fund_commit, fund_lock, fund_release_commitment
from funds.models import Account, Fund, FundParameters, LedgerEntry
from funds.rules.base import Assessment, AssessmentContext
from organizations.models import Organization, User

from . import events
from .models import Application, ApplicationChange, Document, InformationRequest, TransitionLog
from .permissions import actors_for, may_run
from .reviews import quorum_status
from .selectors import FundAwards
from .uploads import check_upload
from .workflow import TRANSITIONS, Actor, Status

EDITABLE_STATES = (Status.DRAFT, Status.INFORMATION_REQUESTED)


# --------------------------------------------------------------------------- helpers


def _locked(application_id: int) -> Application:
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related("fund", "organization")
        .get(pk=application_id)
    )


def _check(application: Application, name: str, by: User | None) -> None:
    """Refuse with 403 when ``by`` may not run ``name``, with 409 when the state forbids it.

    ``by=None`` is Fondos itself (deadlines, payments) and is allowed only system transitions.
    """
    spec = TRANSITIONS[name]
    if by is None:
        if "system" not in spec.actors:
            raise NotPermitted()
    elif not may_run(by, application, name):
        raise NotPermitted()
    if application.status not in spec.sources:
        raise WrongState(
            _("An application in state “%(state)s” cannot be moved by “%(action)s”.")
            % {"state": application.get_status_display(), "action": spec.label}
        )


def _move(application: Application, name: str, by: User | None, reason: str = "",
          **kwargs) -> TransitionLog:
    from_state = application.status
    getattr(application, name)(**kwargs)
    application.save()
    log = TransitionLog.objects.create(
        application=application, transition=name, from_state=from_state,
        to_state=application.status, by=by, reason=reason,
    )
    events.transition_recorded(application=application, log=log)
    return log


def _today() -> datetime.date:
    return timezone.localdate()


# --------------------------------------------------------------------------- reads


def application_context(application: Application, *, on: datetime.date | None = None,
                        available: Money | None = None) -> AssessmentContext:
    on = on or (timezone.localdate(application.submitted_at) if application.submitted_at else _today())
    fund = application.fund
    if available is None:
        available = fund_balances(fund).money("available")
    return AssessmentContext(
        organization=application.organization,
        parameters=call_parameters(application.call if application.call_id else None, fund.parameters_on(on),
                                   fund),
        on=on,
        currency=application.currency,
        available=available,
        application=application,
        awards=FundAwards(fund, application),
    )


def application_assess(application: Application, **context) -> Assessment:
    """The assessment from whatever is filled in (drafts too), with today's parameters and budget."""
    return application.fund.rules.assess(application.data, application_context(application, **context))


def application_assessment_json(application: Application, **context) -> dict[str, Any]:
    """The stored assessment once submitted; a fresh one for a draft."""
    if application.assessment is not None and application.status != Status.DRAFT:
        return application.assessment
    return application_assess(application, **context).as_json()


# --------------------------------------------------------------------------- drafts


def _validated_fields(fund: Fund, fields: dict[str, Any], *, base: dict[str, Any]) -> dict[str, Any]:
    """Merge ``fields`` into ``base``; each field given must be valid, missing ones may wait."""
    try:
        cleaned = fund.rules.validate_fields(fields, partial=True)
    except FieldsInvalid as exc:
        detail = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        raise Invalid(detail) from exc
    return {**base, **{name: cleaned[name] for name in fields if name in cleaned}}


def _requested_amount(fund: Fund, data: dict[str, Any]) -> Decimal | None:
    requested = fund.rules.requested_amount(data, fund.currency)
    return requested.amount if requested is not None else None


def application_create(*, fund: Fund, organization, by: User, fields: dict[str, Any],
                       call=None) -> Application:
    """A new draft in ``call`` (or the fund's call open to the organisation, see ``calls.services``)."""
    if by.organization_id != organization.pk:
        raise NotPermitted(_("Only the organisation's own staff can apply on its behalf."))
    if not fund.is_open:
        raise Invalid({"fund": [_("This fund is not accepting applications.")]})
    call = call_for_new_application(fund=fund, organization=organization, chosen=call)
    data = _validated_fields(fund, {**call_initial_fields(call), **fields}, base={})
    return Application.objects.create(
        fund=fund, organization=organization, created_by=by, data=data, call=call,
        currency=fund.currency, requested_amount=_requested_amount(fund, data),
    )


def application_update(*, application_id: int, by: User, fields: dict[str, Any]) -> Application:
    """Edit a draft, or a submitted application whose information was requested.

    A submitted application's changed answers reopen its assessment: it is computed again from the new
    answers and stored, the change is recorded with old and new values for the committee, and the
    reviews given before it no longer count toward the quorum.
    """
    with transaction.atomic():
        application = _locked(application_id)
        if Actor.APPLICANT not in actors_for(by, application):
            raise NotPermitted()
        if application.status not in EDITABLE_STATES:
            raise WrongState(_("Only a draft or an application awaiting information can be edited."))
        before = application.data
        application.data = _validated_fields(application.fund, fields, base=before)
        application.requested_amount = _requested_amount(application.fund, application.data)
        changed = {
            name: {"old": before.get(name), "new": application.data.get(name)}
            for name in sorted(set(before) | set(application.data))
            if before.get(name) != application.data.get(name)
        }
        update_fields = ["data", "requested_amount", "updated_at"]
        if application.status != Status.DRAFT and changed:
            _lock_organization(application)
            assessment_before = application.assessment
            application.assessment = application_assess(application).as_json()
            update_fields.append("assessment")
            ApplicationChange.objects.create(
                application=application, by=by, fields=changed,
                assessment_before=assessment_before, assessment_after=application.assessment,
            )
            application.reviews.filter(conflict_of_interest=False, superseded_at__isnull=True).update(
                superseded_at=timezone.now()
            )
        application.save(update_fields=update_fields)
    return application


def _lock_organization(application: Application) -> None:
    """Lock the organisation's row: rules per organisation (one subsidy a year, a cap per organisation)
    are then checked and written by one transaction at a time. Taken after the application's row and
    before the fund's, always in that order."""
    Organization.objects.select_for_update().filter(pk=application.organization_id).first()


# --------------------------------------------------------------------------- transitions


def _missing_documents(application: Application) -> list[str]:
    present = set(
        application.documents.filter(replaced_by__isnull=True).values_list("kind", flat=True)
    )
    return [kind for kind in application.fund.rules.required_documents if kind not in present]


def application_submit(*, application_id: int, by: User) -> Application:
    with transaction.atomic():
        application = _locked(application_id)
        _check(application, "submit", by)
        _lock_organization(application)
        fund, rules = application.fund, application.fund.rules
        today = _today()
        application.call, call_errors = call_for_submission(application, day=today)
        ctx = application_context(application, on=today)
        errors = rules.submission_errors(application.data, ctx)
        if call_errors:
            errors.setdefault("call", []).extend(call_errors)
        missing = _missing_documents(application)
        if missing:
            errors.setdefault("documents", []).extend(
                _("Attach the document “%s”.") % rules.document_kinds[kind] for kind in missing
            )
        if not fund.is_open:
            errors.setdefault("fund", []).append(_("This fund is not accepting applications."))
        assessment = rules.assess(application.data, ctx)
        if not assessment.eligible:
            errors.setdefault("non_field_errors", []).extend(str(r) for r in assessment.reasons)
        if errors:
            raise Invalid(errors)
        application.submitted_at = timezone.now()
        application.assessment = assessment.as_json()
        application.parameters = (
            FundParameters.objects.filter(fund=fund, valid_from__lte=today).order_by("-valid_from").first()
        )
        application.decision_due = rules.decision_due(today, ctx.parameters)
        application.decision_warning_on = rules.decision_warning(today, ctx.parameters)
        _move(application, "submit", by)
    return application


def application_withdraw(*, application_id: int, by: User, reason: str = "") -> Application:
    with transaction.atomic():
        application = _locked(application_id)
        _check(application, "withdraw", by)
        InformationRequest.objects.filter(
            application=application, answered_at__isnull=True, expired_at__isnull=True
        ).update(expired_at=timezone.now())
        _move(application, "withdraw", by, reason)
    return application


def application_start_screening(*, application_id: int, by: User) -> Application:
    with transaction.atomic():
        application = _locked(application_id)
        _check(application, "start_screening", by)
        _move(application, "start_screening", by)
    return application


def application_request_information(*, application_id: int, by: User, message: str,
                                    respond_by: datetime.date | None = None) -> Application:
    with transaction.atomic():
        application = _locked(application_id)
        _check(application, "request_information", by)
        today = _today()
        errors = {}
        if not (message or "").strip():
            errors["message"] = [_("Say what information is needed.")]
        if respond_by is None:
            days = application.fund.parameters_on(today).information_response_days
            respond_by = today + datetime.timedelta(days=days)
        elif respond_by <= today:
            errors["respond_by"] = [_("The answer date must be after today.")]
        elif respond_by > today + datetime.timedelta(days=180):
            errors["respond_by"] = [_("The answer date must be within 180 days.")]
        if errors:
            raise Invalid(errors)
        InformationRequest.objects.create(
            application=application, message=message.strip(), respond_by=respond_by,
            returns_to=application.status, requested_by=by,
        )
        _move(application, "request_information", by, message.strip())
    return application


def application_answer_information_request(*, application_id: int, by: User, answer: str) -> Application:
    with transaction.atomic():
        application = _locked(application_id)
        _check(application, "answer_information_request", by)
        if not (answer or "").strip():
            raise Invalid({"answer": [_("Write your answer to the request.")]})
        request = application.information_requests.select_for_update().get(
            answered_at__isnull=True, expired_at__isnull=True
        )
        request.answer = answer.strip()
        request.answered_by = by
        request.answered_at = timezone.now()
        request.save(update_fields=["answer", "answered_by", "answered_at"])
        _move(application, "answer_information_request", by, answer.strip(),
              returns_to=request.returns_to)
    return application


def application_expire(*, application_id: int) -> Application | None:
    """Expire an application whose information request went unanswered (run by the deadline sweep).

    Returns None, changing nothing, when it was answered or withdrawn meanwhile: safe to run twice.
    """
    with transaction.atomic():
        application = _locked(application_id)
        if application.status != Status.INFORMATION_REQUESTED:
            return None
        request = application.information_requests.select_for_update().filter(
            answered_at__isnull=True, expired_at__isnull=True
        ).first()
        if request is None or request.respond_by >= _today():
            return None
        request.expired_at = timezone.now()
        request.save(update_fields=["expired_at"])
        _move(application, "expire", None,
              _("No answer to the request for information by %s.") % request.respond_by.isoformat())
    return application


def application_send_to_committee(*, application_id: int, by: User) -> Application:
    with transaction.atomic():
        application = _locked(application_id)
        _check(application, "send_to_committee", by)
        application.sent_to_committee_at = application.sent_to_committee_at or timezone.now()
        _move(application, "send_to_committee", by)
    return application


def application_approve(*, application_id: int, by: User, amount=None, reason: str = "",
                        conditions: str = "", terms: dict[str, Any] | None = None) -> Application:
    """The chair's approval: commits ``amount`` from the fund, never more than the fund has available
    nor more than the application's call has left of its budget.

    Eligibility and the maximum are assessed again here, with the organisation's, the fund's and the
    call's rows locked (in that order), whatever was stored at submission: what others were awarded
    since (the year's budget, the caps per organisation) and what the fund and the call still have
    count as they are at this moment.
    """
    with transaction.atomic():
        application = _locked(application_id)
        _check(application, "approve", by)
        _lock_organization(application)
        fund = fund_lock(application.fund_id)
        call = call_lock(application.call_id)
        quorum = quorum_status(application)
        errors: dict[str, list] = {}
        if not quorum.reached:
            errors["non_field_errors"] = [
                _("The committee has not reached its quorum: %(done)d of %(needed)d reviews.")
                % {"done": quorum.reviews, "needed": quorum.needed}
            ]
        available = fund_balances(fund).money("available")
        call_room = call_available(call) if call is not None else None
        assessment = application_assess(application, available=smallest(available, call_room))
        if not assessment.eligible:
            errors.setdefault("non_field_errors", []).extend(str(r) for r in assessment.reasons)
        max_award = assessment.max_award.amount if assessment.max_award is not None else None
        if amount is None or amount == "":
            amount = max_award
        if amount is None:
            raise Invalid({"amount": [_("Give the amount to approve.")], **errors})
        amount = parse_amount(amount, application.currency)
        if amount > available.amount:
            errors.setdefault("amount", []).append(str(OverBudget(Money(amount, fund.currency), available)))
        elif call_room is not None and amount > call_room.amount:
            errors.setdefault("amount", []).append(
                call_over_budget_message(call, Money(amount, call.currency), call_room))
        elif max_award is not None and amount > max_award:
            errors.setdefault("amount", []).append(
                _("The amount cannot exceed the assessed maximum of %s.")
                % Money(max_award, application.currency)
            )
        try:
            decision_terms = application.fund.rules.approval_terms(
                terms or {},
                data=application.data,
                parameters=application.fund.parameters_on(
                    (application.submitted_at or application.created_at).date()
                ),
                on=timezone.localdate(),
            )
        except FieldsInvalid as exc:
            errors.update({name: [str(message) for message in messages]
                           for name, messages in exc.detail.items()})
        if errors:
            raise Invalid(errors)
        try:
            fund_commit(fund=fund, amount=amount, application=application, by=by)
        except OverBudget as exc:
            raise Invalid({"amount": [str(exc)]}) from exc
        application.approved_amount = amount
        application.decided_at = timezone.now()
        application.decided_by = by
        application.decision_reason = reason.strip()
        application.conditions = conditions.strip()
        application.decision_terms = decision_terms
        _move(application, "approve", by, reason.strip())
    return application


def application_reject(*, application_id: int, by: User, reason: str) -> Application:
    with transaction.atomic():
        application = _locked(application_id)
        _check(application, "reject", by)
        if not (reason or "").strip():
            raise Invalid({"reason": [_("A rejection needs a reason that the organisation will read.")]})
        if application.status == Status.COMMITTEE_REVIEW:
            quorum = quorum_status(application)
            if not quorum.reached:
                raise Invalid({"non_field_errors": [
                    _("The committee has not reached its quorum: %(done)d of %(needed)d reviews.")
                    % {"done": quorum.reviews, "needed": quorum.needed}
                ]})
        application.decided_at = timezone.now()
        application.decided_by = by
        application.decision_reason = reason.strip()
        _move(application, "reject", by, reason.strip())
    return application


def application_accept_conditions(*, application_id: int, by: User) -> Application:
    with transaction.atomic():
        application = _locked(application_id)
        _check(application, "accept_conditions", by)
        _move(application, "accept_conditions", by)
    return application


def application_start_execution(*, application_id: int) -> Application | None:
    """Moved by the first paid disbursement; does nothing when already in execution."""
    with transaction.atomic():
        application = _locked(application_id)
        if application.status != Status.CONDITIONS_ACCEPTED:
            return None
        _move(application, "start_execution", None)
    return application


def application_start_reporting(*, application_id: int, by: User | None = None) -> Application:
    with transaction.atomic():
        application = _locked(application_id)
        _check(application, "start_reporting", by)
        _move(application, "start_reporting", by)
    return application


def application_reopen(*, application_id: int, by: User | None = None, reason: str) -> Application:
    """Fondos reopens a closed file whose money is owed again (the repayment that closed a loan was
    reversed): back in execution, the reason in the file's history."""
    with transaction.atomic():
        application = _locked(application_id)
        _check(application, "reopen", by)
        _move(application, "reopen", by, reason)
    return application


def application_close(*, application_id: int, by: User | None, reason: str = "") -> Application:
    """Close the file; whatever was committed and not paid goes back to the fund."""
    with transaction.atomic():
        application = _locked(application_id)
        _check(application, "close", by)
        _refuse_while_reports_wait(application)
        _release_unpaid_commitment(application, by)
        _move(application, "close", by, reason)
    return application


def _refuse_while_reports_wait(application: Application) -> None:
    """The file closes only once the award's required reports (the final one among them) are accepted."""
    refusals = events.close_refusals(application=application)
    if refusals:
        raise Invalid({"non_field_errors": refusals})


def _release_unpaid_commitment(application: Application, by: User | None) -> None:
    entries = LedgerEntry.objects.filter(transaction__application=application, account=Account.COMMITTED)
    still_committed = sum((e.debit - e.credit for e in entries), Decimal(0))
    if still_committed > 0:
        fund = fund_lock(application.fund_id)
        fund_release_commitment(fund=fund, amount=still_committed, application=application, by=by,
                                memo=f"Unpaid commitment released at closing {application.reference}")



# --------------------------------------------------------------------------- documents

UPLOAD_STATES_FOR_APPLICANT = (Status.DRAFT, Status.INFORMATION_REQUESTED)
MAX_FILES_PER_KIND = 20
POST_AWARD_STATES = (Status.IN_EXECUTION, Status.REPORTING)


def document_upload(*, application_id: int, by: User, kind: str, upload) -> Document:
    """Attach a file after checking its content, size and name. A kind may hold several files (the pages
    of a statement, several photos): a new file is added beside those already attached."""
    with transaction.atomic():
        application = _locked(application_id)
        if Actor.APPLICANT not in actors_for(by, application):
            raise NotPermitted(_("Only the organisation's staff attach documents to its application."))
        rules = application.fund.rules
        if kind not in rules.document_kinds:
            raise Invalid({"kind": [
                _("Choose one of: %s.") % ", ".join(rules.document_kinds)
            ]})
        allowed = application.status in UPLOAD_STATES_FOR_APPLICANT or (
            kind in rules.post_award_documents and application.status in POST_AWARD_STATES
        )
        if not allowed:
            raise WrongState(_("Documents can be attached to a draft or when information is requested."))
        if Document.objects.filter(application=application, kind=kind, replaced_by__isnull=True).count() \
                >= MAX_FILES_PER_KIND:
            raise Invalid({"file": [_("A kind of document holds at most %(count)d files: remove one first.")
                                    % {"count": MAX_FILES_PER_KIND}]})
        name, file_type = check_upload(upload)
        upload.seek(0)
        digest = Document.digest(upload.chunks())
        upload.seek(0)
        document = Document(
            application=application, kind=kind, token=secrets.token_hex(24), original_name=name,
            content_type=file_type.content_type, size=upload.size, sha256=digest, uploaded_by=by,
        )
        document.file.save(document.token, upload, save=False)
        try:
            document.save()
        except Exception:
            document.file.delete(save=False)
            raise
    return document


def document_remove(*, application_id: int, document_id: int, by: User) -> str:
    """Remove a file from a draft, with the earlier versions it replaced; its name is returned. Once the
    application is submitted, what it was submitted with stays: nothing can be removed."""
    with transaction.atomic():
        application = _locked(application_id)
        if Actor.APPLICANT not in actors_for(by, application):
            raise NotPermitted(_("Only the organisation's staff remove documents from its application."))
        if application.status != Status.DRAFT:
            raise WrongState(_("A document can be removed only before the application is submitted."))
        document = application.documents.filter(pk=document_id).first()
        if document is None:
            raise Invalid({"document": [_("This document is not attached to the application.")]})
        chain = [document]
        while True:
            known = [item.pk for item in chain]
            earlier = list(Document.objects.filter(replaced_by__in=known).exclude(pk__in=known))
            if not earlier:
                break
            chain.extend(earlier)
        files = [d.file.name for d in chain]
        name = document.original_name
        ids = [item.pk for item in chain]
        # Each earlier version is protected by the one that replaced it: unlink them, then delete them all.
        Document.objects.filter(pk__in=ids).update(replaced_by=None)
        Document.objects.filter(pk__in=ids).delete()
        storage = document.file.storage
        transaction.on_commit(lambda: [storage.delete(path) for path in files if path])
    return name
