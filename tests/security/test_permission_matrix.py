"""Every API endpoint and every page, for every role, with the status each must answer.

The table is walked from ``config.urls``: an endpoint or page that has no entry here fails the test,
so that whoever adds one decides, in this file, who may use it. Each request runs in a transaction
that is rolled back, so every role meets the same objects in the same state.

Columns (one status per role, in this order):
  anon  owner  other  secr  member  confl  chair  fin  audit  admin
  anonymous; OPP staff of the owning organisation; OPP staff of another organisation; secretariat;
  committee member; committee member who declared a conflict; chair; finance; auditor; administrator.

What the objects are: ``application`` pages and endpoints use an application in committee review (the
conflicted member declared the conflict on it); loans, disbursements, letters and repayments belong to
a second application of the same organisation, a paid youth-fund loan. POST bodies are empty, so a
permitted caller usually gets 400 (what is missing) and a forbidden one 403 or, for another
organisation's objects, 404. Page redirects (302) to the sign-in page are for anonymous visitors.
"""

import json

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from tests.workflow import pdf_upload, valid_fields

from .world import ROLES, build_world

# Django's admin has its own staff gate (is_staff) and its own tests (tests/test_admin.py).
NOT_IN_MATRIX = ("admin/",)

EXPECTED = {
    # columns: anon owner other secr member confl chair fin audit admin
    "page:set_language GET": "302 302 302 302 302 302 302 302 302 302",
    "page:set_language POST": "302 302 302 302 302 302 302 302 302 302",
    "api:api-token POST": "400 400 400 400 400 400 400 400 400 400",
    "api:api-token DELETE": "401 401 401 401 401 401 401 401 401 401",
    "api:fund-ledger GET": "401 404 404 404 404 404 404 200 200 200",
    "api:fund-list GET": "401 200 200 200 200 200 200 200 200 200",
    "api:fund-detail GET": "401 200 200 200 200 200 200 200 200 200",
    "api:organization-list GET": "401 200 200 200 200 200 200 200 200 200",
    "api:organization-detail GET": "401 200 404 200 200 200 200 200 200 200",
    "api:application-list GET": "401 200 200 200 200 200 200 200 200 200",
    "api:application-list POST": "401 201 400 403 403 403 403 403 403 403",
    "api:application-detail GET": "401 200 404 200 200 200 200 404 200 200",
    "api:application-detail PATCH": "401 409 404 403 403 403 403 404 403 403",
    "api:application-accept-conditions POST": "401 409 404 403 403 403 403 404 403 403",
    "api:application-answer-information-request POST": "401 409 404 403 403 403 403 404 403 403",
    "api:application-approve POST": "401 403 404 403 403 403 400 404 403 403",
    "api:application-close POST": "401 403 404 409 403 403 403 404 403 409",
    "api:application-document-file GET": "401 200 404 200 200 200 200 404 200 200",
    "api:application-documents GET": "401 200 404 200 200 200 200 404 200 200",
    "api:application-documents POST": "401 409 404 403 403 403 403 404 403 403",
    "api:application-history GET": "401 200 404 200 200 200 200 404 200 200",
    "api:application-reject POST": "401 403 404 403 403 403 400 404 403 403",
    "api:application-request-information POST": "401 403 404 400 403 403 403 404 403 400",
    "api:application-reviews GET": "401 403 404 200 200 403 200 404 200 200",
    "api:application-reviews POST": "401 403 404 403 400 409 400 404 403 403",
    "api:application-send-to-committee POST": "401 403 404 409 403 403 403 404 403 409",
    "api:application-start-reporting POST": "401 403 404 409 403 403 403 404 403 409",
    "api:application-start-screening POST": "401 403 404 409 403 403 403 404 403 409",
    "api:application-submit POST": "401 409 404 403 403 403 403 404 403 403",
    "api:application-withdraw POST": "401 200 404 403 403 403 403 404 403 403",
    "api:report-portfolio GET": "401 403 403 403 403 403 403 200 200 200",
    "api:export-360giving-json GET": "401 403 403 200 403 403 403 200 200 200",
    "api:export-360giving-csv GET": "401 403 403 200 403 403 403 200 200 200",
    "api:export-iati-xml GET": "401 403 403 200 403 403 403 200 200 200",
    "api:disbursement-list GET": "401 200 200 200 200 200 200 200 200 200",
    "api:disbursement-detail GET": "401 200 404 200 200 200 200 200 200 200",
    "api:disbursement-approve POST": "401 403 404 403 404 404 404 200 403 403",
    "api:disbursement-cancel POST": "401 403 404 403 404 404 404 200 403 403",
    "api:disbursement-fail POST": "401 403 404 403 404 404 404 200 403 403",
    "api:disbursement-pay POST": "401 403 404 403 404 404 404 409 403 403",
    "api:disbursement-split POST": "401 403 404 403 404 404 404 400 403 403",
    "api:loan-list GET": "401 200 200 200 200 200 200 200 200 200",
    "api:loan-detail GET": "401 200 404 200 200 200 200 200 200 200",
    "api:loan-approve-write-off POST": "401 403 404 403 403 403 403 409 403 409",
    "api:loan-recoveries POST": "401 403 404 403 403 403 403 409 403 403",
    "api:loan-refunds GET": "401 200 404 200 200 200 200 200 200 200",
    "api:loan-refunds POST": "401 403 404 403 403 403 403 400 403 403",
    "api:loan-repayments GET": "401 200 404 200 200 200 200 200 200 200",
    "api:loan-repayments POST": "401 403 404 403 403 403 403 400 403 403",
    "api:loan-reschedule POST": "401 403 404 403 403 403 403 400 403 403",
    "api:loan-reschedule-preview POST": "401 403 404 403 403 403 403 400 403 403",
    "api:loan-reverse-repayment POST": "401 403 404 403 403 403 403 200 403 403",
    "api:loan-schedule GET": "401 200 404 200 200 200 200 200 200 200",
    "api:loan-write-off POST": "401 403 404 403 403 403 403 200 403 403",
    "api:application-letters GET": "401 200 404 200 200 200 200 200 200 200",
    "api:letter-list GET": "401 200 200 200 200 200 200 200 200 200",
    "api:letter-detail GET": "401 200 404 200 200 200 200 200 200 200",
    "api:letter-pdf GET": "401 409 404 409 409 409 409 409 409 409",
    "api:letter-reissue POST": "401 403 404 409 403 403 403 403 403 409",
    "api:letter-retry POST": "401 403 404 409 403 403 403 403 403 409",
    "api:notification-list GET": "401 200 200 200 200 200 200 200 200 200",
    "api:notification-preferences GET": "401 200 200 200 200 200 200 200 200 200",
    "api:notification-preferences PUT": "401 400 400 400 400 400 400 400 400 400",
    "api:notification-read-all POST": "401 200 200 200 200 200 200 200 200 200",
    "api:notification-unread-count GET": "401 200 200 200 200 200 200 200 200 200",
    "api:notification-read POST": "401 200 404 404 404 404 404 404 404 404",
    "api:application-project-reports GET": "401 200 404 200 200 200 200 200 200 200",
    "api:application-project-reports POST": "401 201 404 400 403 403 403 403 403 400",
    "api:report-outcomes GET": "401 403 403 200 200 200 200 200 200 200",
    "api:project-report-detail GET": "401 200 404 200 200 200 200 200 200 200",
    "api:project-report-detail PATCH": "401 200 404 403 403 403 403 403 403 403",
    "api:project-report-accept POST": "401 403 404 409 403 403 403 403 403 409",
    "api:project-report-attachment DELETE": "401 204 404 403 403 403 403 403 403 403",
    "api:project-report-attachment GET": "401 200 404 200 200 200 200 200 200 200",
    "api:project-report-attachments GET": "401 200 404 200 200 200 200 200 200 200",
    "api:project-report-attachments POST": "401 201 404 403 403 403 403 403 403 403",
    "api:project-report-return POST": "401 403 404 409 403 403 403 403 403 409",
    "api:project-report-submit POST": "401 400 404 403 403 403 403 403 403 403",
    "api:audit-history GET": "401 403 403 403 403 403 403 403 400 400",
    "api:schema GET": "200 200 200 200 200 200 200 200 200 200",
    "api:api-docs GET": "200 200 200 200 200 200 200 200 200 200",
    "page:accounts:join GET": "200 200 200 200 200 200 200 200 200 200",
    "page:accounts:join POST": "200 200 200 200 200 200 200 200 200 200",
    "page:accounts:join-sent GET": "200 200 200 200 200 200 200 200 200 200",
    "page:accounts:join-sent POST": "200 200 200 200 200 200 200 200 200 200",
    "page:accounts:invitation-accept GET": "404 404 404 404 404 404 404 404 404 404",
    "page:accounts:invitation-accept POST": "404 404 404 404 404 404 404 404 404 404",
    "page:accounts:profile GET": "302 200 200 200 200 200 200 200 200 200",
    "page:accounts:profile POST": "302 200 200 200 200 200 200 200 200 200",
    "page:accounts:verify-email-send GET": "302 405 405 405 405 405 405 405 405 405",
    "page:accounts:verify-email-send POST": "302 302 302 302 302 302 302 302 302 302",
    "page:accounts:verify-email GET": "400 400 400 400 400 400 400 400 400 400",
    "page:accounts:verify-email POST": "400 400 400 400 400 400 400 400 400 400",
    "page:accounts:api-token GET": "302 200 200 200 200 200 200 200 200 200",
    "page:accounts:api-token POST": "302 200 200 200 200 200 200 200 200 200",
    "page:accounts:team GET": "302 200 404 404 404 404 404 404 404 404",
    "page:accounts:team POST": "302 200 404 404 404 404 404 404 404 404",
    "page:accounts:member-remove GET": "302 405 405 405 405 405 405 405 405 405",
    "page:accounts:member-remove POST": "302 302 404 404 404 404 404 404 404 404",
    "page:accounts:invitation-revoke GET": "302 405 405 405 405 405 405 405 405 405",
    "page:accounts:invitation-revoke POST": "302 302 404 404 404 404 404 404 404 404",
    "page:accounts:join-requests GET": "302 404 404 200 404 404 404 404 404 200",
    "page:accounts:join-requests POST": "302 404 404 200 404 404 404 404 404 200",
    "page:accounts:join-request GET": "302 404 404 200 404 404 404 404 404 200",
    "page:accounts:join-request POST": "302 404 404 200 404 404 404 404 404 200",
    "page:accounts:invitation-new GET": "302 404 404 200 404 404 404 404 404 200",
    "page:accounts:invitation-new POST": "302 404 404 200 404 404 404 404 404 200",
    "page:accounts:staff-roles GET": "302 404 404 404 404 404 404 404 404 200",
    "page:accounts:staff-roles POST": "302 404 404 404 404 404 404 404 404 200",
    "page:accounts:staff-role-revoke GET": "302 405 405 405 405 405 405 405 405 405",
    "page:accounts:staff-role-revoke POST": "302 404 404 404 404 404 404 404 404 302",
    "page:accounts:password-change GET": "302 200 200 200 200 200 200 200 200 200",
    "page:accounts:password-change POST": "302 200 200 200 200 200 200 200 200 200",
    "page:accounts:password-change-done GET": "302 200 200 200 200 200 200 200 200 200",
    "page:accounts:password-reset GET": "200 200 200 200 200 200 200 200 200 200",
    "page:accounts:password-reset POST": "200 200 200 200 200 200 200 200 200 200",
    "page:accounts:password-reset-done GET": "200 200 200 200 200 200 200 200 200 200",
    "page:accounts:password-reset-confirm GET": "200 200 200 200 200 200 200 200 200 200",
    "page:accounts:password-reset-confirm POST": "200 200 200 200 200 200 200 200 200 200",
    "page:accounts:password-reset-complete GET": "200 200 200 200 200 200 200 200 200 200",
    "page:security:two-factor GET": "302 200 200 200 200 200 200 200 200 200",
    "page:security:two-factor POST": "302 200 200 200 200 200 200 200 200 200",
    "page:security:two-factor-verify GET": "302 302 302 302 302 302 302 302 302 302",
    "page:security:two-factor-verify POST": "302 302 302 302 302 302 302 302 302 302",
    "page:home GET": "302 200 200 200 200 200 200 200 200 200",
    "page:home POST": "302 200 200 200 200 200 200 200 200 200",
    "page:login GET": "200 302 302 302 302 302 302 302 302 302",
    "page:login POST": "200 302 302 302 302 302 302 302 302 302",
    "page:logout GET": "405 405 405 405 405 405 405 405 405 405",
    "page:logout POST": "302 302 302 302 302 302 302 302 302 302",
    "page:organization GET": "302 200 200 404 404 404 404 404 404 404",
    "page:organization POST": "302 200 200 404 404 404 404 404 404 404",
    "page:apply GET": "302 200 200 403 403 403 403 403 403 403",
    "page:apply POST": "302 302 302 403 403 403 403 403 403 403",
    "page:applications GET": "302 200 200 200 200 200 200 200 200 200",
    "page:applications POST": "302 200 200 200 200 200 200 200 200 200",
    "page:application GET": "302 200 404 200 200 200 200 404 200 200",
    "page:application POST": "302 200 404 200 200 200 200 404 200 200",
    "page:application-step GET": "302 302 404 403 403 403 403 404 403 403",
    "page:application-step POST": "302 302 404 403 403 403 403 404 403 403",
    "page:application-documents GET": "302 200 404 403 403 403 403 404 403 403",
    "page:application-documents POST": "302 400 404 403 403 403 403 404 403 403",
    "page:application-document GET": "302 200 404 200 200 200 200 404 200 200",
    "page:application-document POST": "302 200 404 200 200 200 200 404 200 200",
    "page:application-submit GET": "302 302 404 403 403 403 403 404 403 403",
    "page:application-submit POST": "302 302 404 403 403 403 403 404 403 403",
    "page:application-action GET": "302 405 405 405 405 405 405 405 405 405",
    "page:application-action POST": "302 302 404 403 403 403 403 404 403 403",
    "page:application-review GET": "302 405 405 405 405 405 405 405 405 405",
    "page:application-review POST": "302 403 404 403 400 302 400 404 403 403",
    "page:committee GET": "302 403 403 200 200 200 200 403 200 200",
    "page:committee POST": "302 403 403 200 200 200 200 403 200 200",
    "page:secretariat GET": "302 403 403 200 403 403 403 403 403 200",
    "page:secretariat POST": "302 403 403 200 403 403 403 403 403 200",
    "page:secretariat-batch GET": "302 405 405 405 405 405 405 405 405 405",
    "page:secretariat-batch POST": "302 403 403 302 403 403 403 403 403 302",
    "page:organizations GET": "302 403 403 200 200 200 200 200 200 200",
    "page:organizations POST": "302 403 403 200 200 200 200 200 200 200",
    "page:people GET": "302 403 403 200 403 403 403 403 200 200",
    "page:people POST": "302 403 403 200 403 403 403 403 200 200",
    "page:finance-disbursements GET": "302 403 403 403 403 403 403 200 200 200",
    "page:finance-disbursements POST": "302 403 403 403 403 403 403 200 200 200",
    "page:finance-batch GET": "302 405 405 405 405 405 405 405 405 405",
    "page:finance-batch POST": "302 403 403 403 403 403 403 302 403 403",
    "page:finance GET": "302 403 403 403 403 403 403 200 200 200",
    "page:finance POST": "302 403 403 403 403 403 403 200 200 200",
    "page:fund-ledger GET": "302 403 403 403 403 403 403 200 200 200",
    "page:fund-ledger POST": "302 403 403 403 403 403 403 200 200 200",
    "page:finance-disbursement GET": "302 405 405 405 405 405 405 405 405 405",
    "page:finance-disbursement POST": "302 403 403 403 403 403 403 302 403 403",
    "page:finance-loans GET": "302 403 403 403 403 403 403 200 200 200",
    "page:finance-loans POST": "302 403 403 403 403 403 403 200 200 200",
    "page:finance-loan GET": "302 200 404 200 200 200 200 200 200 200",
    "page:finance-loan POST": "302 403 404 403 403 403 403 400 403 403",
    "page:finance-charts GET": "302 403 403 403 403 403 403 200 200 200",
    "page:finance-charts POST": "302 403 403 403 403 403 403 200 200 200",
    "api:schedule-document-list GET": "401 200 200 200 200 200 200 200 200 200",
    "api:schedule-document-detail GET": "401 200 404 200 200 200 200 200 200 200",
    "api:schedule-document-pdf GET": "401 409 404 409 409 409 409 409 409 409",
    "page:loan-schedule-pdf GET": "302 404 404 404 404 404 404 404 404 404",
    "page:loan-schedule-pdf POST": "302 405 405 405 405 405 405 405 405 405",
    "page:finance-disbursement-action GET": "302 403 404 403 404 404 404 200 403 403",
    "page:finance-disbursement-action POST": "302 403 404 403 404 404 404 200 403 403",
    "page:finance-loan-action GET": "302 403 404 403 403 403 403 200 403 403",
    "page:finance-loan-action POST": "302 403 404 403 403 403 403 200 403 403",
    "page:finance-repayment-reverse GET": "302 403 404 403 403 403 403 200 403 403",
    "page:finance-repayment-reverse POST": "302 403 404 403 403 403 403 200 403 403",
    "page:finance-loans-export GET": "302 403 403 403 403 403 403 200 200 200",
    "page:finance-loans-export POST": "302 405 405 405 405 405 405 405 405 405",
    "page:finance-portfolio-export GET": "302 403 403 403 403 403 403 200 200 200",
    "page:finance-portfolio-export POST": "302 405 405 405 405 405 405 405 405 405",
    "page:fund-ledger-export GET": "302 403 403 403 403 403 403 200 200 200",
    "page:fund-ledger-export POST": "302 405 405 405 405 405 405 405 405 405",
    "page:reports GET": "302 403 403 200 403 403 403 403 200 200",
    "page:reports POST": "302 403 403 200 403 403 403 403 200 200",
    "page:outcomes GET": "302 403 403 200 200 200 200 200 200 200",
    "page:outcomes POST": "302 403 403 200 200 200 200 200 200 200",
    "api:donor-list GET": "401 403 403 200 403 403 403 200 200 200",
    "api:donor-report GET": "401 403 403 200 403 403 403 200 200 200",
    "page:donors GET": "302 404 404 200 404 404 404 200 200 200",
    "page:donors POST": "405 405 405 405 405 405 405 405 405 405",
    "page:donor-report-own GET": "302 404 404 404 404 404 404 404 404 404",
    "page:donor-report-own POST": "405 405 405 405 405 405 405 405 405 405",
    "page:donor-report GET": "302 404 404 200 404 404 404 200 200 200",
    "page:donor-report POST": "405 405 405 405 405 405 405 405 405 405",
    "page:report GET": "302 200 404 200 200 200 200 200 200 200",
    "page:report POST": "302 200 404 200 200 200 200 200 200 200",
    "page:report-step GET": "302 200 404 403 403 403 403 403 403 403",
    "page:report-step POST": "302 302 404 403 403 403 403 403 403 403",
    "page:report-attachments GET": "302 405 405 405 405 405 405 405 405 405",
    "page:report-attachments POST": "302 302 404 403 403 403 403 403 403 403",
    "page:report-attachment GET": "302 200 404 200 200 200 200 200 200 200",
    "page:report-attachment POST": "302 200 404 200 200 200 200 200 200 200",
    "page:report-attachment-delete GET": "302 405 405 405 405 405 405 405 405 405",
    "page:report-attachment-delete POST": "302 302 404 403 403 403 403 403 403 403",
    "page:report-action GET": "302 405 405 405 405 405 405 405 405 405",
    "page:report-action POST": "302 400 404 403 403 403 403 403 403 403",
    "page:notices GET": "302 200 200 200 200 200 200 200 200 200",
    "page:notices POST": "302 200 200 200 200 200 200 200 200 200",
    "page:notice-read GET": "302 405 405 405 405 405 405 405 405 405",
    "page:notice-read POST": "302 302 404 404 404 404 404 404 404 404",
    "page:notices-read-all GET": "302 405 405 405 405 405 405 405 405 405",
    "page:notices-read-all POST": "302 302 302 302 302 302 302 302 302 302",
    "page:preferences GET": "302 200 200 200 200 200 200 200 200 200",
    "page:preferences POST": "302 400 400 400 400 400 400 400 400 400",
    "page:audit-history-page GET": "302 403 403 403 403 403 403 403 200 200",
    "page:audit-history-page POST": "302 403 403 403 403 403 403 403 200 200",
    "api:call-list GET": "401 200 200 200 200 200 200 200 200 200",
    "api:call-detail GET": "401 404 404 200 200 200 200 200 200 200",
    "api:event-list GET": "401 200 200 200 200 200 200 200 200 200",
    "api:event-detail GET": "401 200 200 200 200 200 200 200 200 200",
    "page:calls GET": "302 403 403 200 200 200 200 200 200 200",
    "page:calls POST": "302 403 403 200 200 200 200 200 200 200",
    "page:call-create GET": "302 403 403 200 403 403 403 403 403 200",
    "page:call-create POST": "302 403 403 200 403 403 403 403 403 200",
    "page:call-edit GET": "302 403 403 200 403 403 403 403 403 200",
    "page:call-edit POST": "302 403 403 200 403 403 403 403 403 200",
    "page:call-close GET": "302 405 405 405 405 405 405 405 405 405",
    "page:call-close POST": "302 403 403 302 403 403 403 403 403 302",
    "page:events GET": "302 403 403 200 200 200 200 200 200 200",
    "page:events POST": "302 403 403 200 200 200 200 200 200 200",
    "page:event-declare GET": "302 403 403 200 403 403 403 403 403 200",
    "page:event-declare POST": "302 403 403 200 403 403 403 403 403 200",
    "page:event GET": "302 403 403 200 200 200 200 200 200 200",
    "page:event POST": "302 403 403 200 200 200 200 200 200 200",
    "page:application-document-remove GET": "302 405 405 405 405 405 405 405 405 405",
    "page:application-document-remove POST": "302 302 404 403 403 403 403 404 403 403",
}


def walk(patterns, prefix="", namespace=None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
            yield prefix + str(pattern.pattern), name, pattern


def key_for(route: str, name: str) -> str:
    return ("api:" if route.startswith("api/") else "page:") + name


def methods_for(route: str, pattern: URLPattern) -> list[str]:
    callback = pattern.callback
    actions = getattr(callback, "actions", None)
    if actions:
        # DRF adds "head" to this mapping on the first request; HEAD answers as GET does.
        return sorted(m.upper() for m in actions if m not in ("head", "options"))
    view_class = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
    if view_class is not None:
        names = [m for m in ("get", "post", "put", "patch", "delete") if hasattr(view_class, m)]
        if route.startswith("api/"):
            return [m.upper() for m in names]
        return [m.upper() for m in names if m in ("get", "post")]
    return ["GET", "POST"]


def endpoints():
    """(key, route, pattern) for every URL the matrix covers, in URL-configuration order."""
    seen = []
    for route, name, pattern in walk(get_resolver().url_patterns):
        if route.startswith(NOT_IN_MATRIX) or "format" in pattern.pattern.regex.groupindex:
            continue
        if route.endswith(r"\.(?P<format>[a-z0-9]+)/?$"):
            continue
        seen.append((key_for(route, name), route, pattern))
    return seen


def url_kwargs(key, pattern, world):
    """Real objects for the URL's parameters."""
    review, loan_app = world.review_application, world.loan_application
    schedule_document = world.loan.schedule_documents.first()
    by_endpoint = {
        "api:fund-ledger": {"code": "youth-revolving"},
        "api:fund-detail": {"code": "youth-revolving"},
        "page:fund-ledger": {"code": "youth-revolving"},
        "api:organization-detail": {"pk": world.users["owner"].organization_id},
        "api:application-document-file": {"pk": review.pk, "document_id": world.document.pk},
        "page:application-document": {"pk": review.pk, "document_id": world.document.pk},
        "api:disbursement-detail": {"pk": world.disbursement.pk},
        "api:disbursement-approve": {"pk": world.pending_disbursement.pk},
        "api:disbursement-pay": {"pk": world.pending_disbursement.pk},
        "api:disbursement-fail": {"pk": world.pending_disbursement.pk},
        "api:disbursement-cancel": {"pk": world.pending_disbursement.pk},
        "api:disbursement-split": {"pk": world.pending_disbursement.pk},
        "api:application-letters": {"application_id": loan_app.pk},
        "api:loan-reverse-repayment": {"pk": world.loan.pk, "repayment_id": world.repayment.pk},
        "page:accounts:invitation-accept": {"token": "not-a-real-token"},
        "page:accounts:verify-email": {"token": "not-a-real-token"},
        "page:accounts:member-remove": {"user_id": world.colleague.pk},
        "page:accounts:invitation-revoke": {"pk": world.invitation.pk},
        "page:accounts:join-request": {"pk": world.join_request.pk},
        "page:accounts:staff-role-revoke": {"pk": world.staff_role.pk},
        "page:accounts:password-reset-confirm": {"uidb64": "MQ", "token": "set-password"},
        "page:apply": {"fund_code": "youth-revolving"},
        "page:application-step": {"pk": review.pk, "step": "project"},
        "page:application-action": {"pk": review.pk, "name": "withdraw"},
        "page:finance-disbursement": {"pk": world.disbursement.pk, "action": "approve"},
        "page:finance-loan": {"pk": world.loan.pk},
        "page:finance-disbursement-action": {"pk": world.pending_disbursement.pk, "action": "approve"},
        "page:finance-loan-action": {"pk": world.loan.pk, "action": "reschedule"},
        "page:finance-repayment-reverse": {"pk": world.loan.pk, "repayment_id": world.repayment.pk},
        "page:finance-loans-export": {"file_format": "csv"},
        "page:finance-portfolio-export": {"file_format": "xlsx"},
        "page:fund-ledger-export": {"code": "youth-revolving", "file_format": "csv"},
        "page:loan-schedule-pdf": {"pk": loan_app.pk, "document_id": schedule_document.pk},
        "api:schedule-document-detail": {"pk": schedule_document.pk},
        "api:schedule-document-pdf": {"pk": schedule_document.pk},
        "api:application-project-reports": {"application_id": loan_app.pk},
        "api:project-report-attachment": {"pk": world.report.pk, "attachment_id": world.report_attachment.pk},
        "page:report-attachment": {"pk": world.report.pk, "attachment_id": world.report_attachment.pk},
        "page:report-attachment-delete": {"pk": world.report.pk, "attachment_id": world.report_attachment.pk},
        "page:report-step": {"pk": world.report.pk, "step": "narrative"},
        "page:report-action": {"pk": world.report.pk, "name": "submit"},
        "page:notice-read": {"pk": world.notification.pk},
        "api:donor-report": {"pk": world.donor.pk},
        "page:donor-report": {"pk": world.donor.pk},
        "api:call-detail": {"pk": world.event.calls.first().pk},
        "page:call-edit": {"pk": world.event.calls.first().pk},
        "page:call-close": {"pk": world.event.calls.first().pk},
        "api:event-detail": {"pk": world.event.pk},
        "page:event": {"pk": world.event.pk},
        "page:application-document-remove": {"pk": review.pk, "document_id": world.document.pk},
    }
    if key in by_endpoint:
        return by_endpoint[key]
    params = set(pattern.pattern.regex.groupindex)
    if not params:
        return {}
    objects = {"disbursement": world.disbursement.pk, "loan": world.loan.pk, "letter": world.letter.pk,
               "notification": world.notification.pk, "application": review.pk,
               "project-report": world.report.pk, "report": world.report.pk}
    for prefix, pk in objects.items():
        if key.removeprefix("api:").removeprefix("page:").startswith(prefix):
            return {"pk": pk}
    raise AssertionError(f"No URL parameters known for {key}: add them to url_kwargs")


def concrete_path(route: str, pattern: URLPattern, kwargs: dict) -> str:
    import re

    path = "/" + route
    path = path.replace("^", "").replace("$", "")
    for name, value in kwargs.items():
        path = re.sub(rf"\(\?P<{name}>[^)]*\)", str(value), path)
        path = re.sub(rf"<(\w+:)?{name}>", str(value), path)
    assert "<" not in path and "(" not in path, path
    return path


# Valid bodies for the actions that check their input before their caller, so that the statuses show
# who may act (and not only that an empty body is refused).
TODAY = "2026-01-15"
BODIES = {
    "api:disbursement-pay POST": {"paid_on": TODAY, "reference": "TRF-9"},
    "api:disbursement-fail POST": {"reason": "Cuenta cerrada."},
    "api:disbursement-cancel POST": {"reason": "Duplicado."},
    "api:disbursement-split POST": {"amounts": ["1.00", "2.00"]},
    "api:loan-repayments POST": {"amount": "10.00", "paid_on": TODAY, "reference": "REC-9"},
    "api:loan-refunds POST": {"amount": "10.00", "paid_on": TODAY, "reference": "TRF-9"},
    "api:loan-reverse-repayment POST": {"reason": "Depósito rechazado."},
    "api:loan-reschedule POST": {"starts_on": TODAY, "term_months": 12, "grace_months": 0,
                                 "reason": "Sequía."},
    "api:loan-reschedule-preview POST": {"starts_on": TODAY, "term_months": 12, "grace_months": 0},
    "api:loan-write-off POST": {"reason": "Incobrable."},
    "api:loan-recoveries POST": {"amount": "10.00", "received_on": TODAY},
    "api:letter-reissue POST": {"reason": "Corrección del monto."},
    "api:application-request-information POST": {"message": "Falta el aval.", "respond_by": "2099-01-01"},
    "api:application-reject POST": {"reason": "No cumple."},
    "api:application-approve POST": {"reason": "Cumple."},
    "api:application-answer-information-request POST": {"answer": "Adjuntamos el aval."},
    "api:application-project-reports POST": {"kind": "progress"},
    "api:project-report-return POST": {"comments": "Falta el detalle."},
    "api:application-list POST": lambda world: {
        "fund": "youth-revolving", "organization": world.users["owner"].organization_id,
        **valid_fields("youth-revolving")},
}
MULTIPART = {"api:application-documents POST", "page:application-documents POST"}
REPORT_MULTIPART = {"api:project-report-attachments POST", "page:report-attachments POST"}


def call(client, method, path, row_key, world):
    body = BODIES.get(row_key, {})
    body = json.dumps(body(world) if callable(body) else body)
    with transaction.atomic():
        if row_key in MULTIPART:
            response = client.post(path, {"kind": "opp_endorsement_letter", "file": pdf_upload()})
        elif row_key in REPORT_MULTIPART:
            response = client.post(path, {"kind": "other", "file": pdf_upload()})
        elif method == "GET":
            response = client.get(path)
        else:
            response = client.generic(method, path, data=body, content_type="application/json",
                                      HTTP_IDEMPOTENCY_KEY=f"matrix-{row_key}")
        transaction.set_rollback(True)
    return response.status_code


@pytest.mark.django_db
def test_every_endpoint_and_page_answers_every_role_as_expected(settings, record_property):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"token": "10000/min"}}
    cache.clear()
    world = build_world()
    clients = {}
    for role in ROLES:
        client = Client(raise_request_exception=False)
        if world.users[role] is not None:
            client.force_login(world.users[role])
        clients[role] = client

    actual, unknown, server_errors, checks = {}, [], [], 0
    for key, route, pattern in endpoints():
        kwargs = url_kwargs(key, pattern, world)
        path = concrete_path(route, pattern, kwargs)
        for method in methods_for(route, pattern):
            row_key = f"{key} {method}"
            statuses = []
            for role in ROLES:
                status = call(clients[role], method, path, row_key, world)
                if route == "accounts/logout/" and world.users[role] is not None:
                    clients[role].force_login(world.users[role])
                statuses.append(str(status))
                checks += 1
                if status >= 500:
                    server_errors.append(f"{row_key} as {role}: {status}")
            actual[row_key] = " ".join(statuses)
            if row_key not in EXPECTED:
                unknown.append(row_key)
    record_property("checks", checks)
    print(f"\npermission matrix: {len(actual)} endpoint-methods x {len(ROLES)} roles = {checks} requests")
    mismatches = [f"{k}: expected {EXPECTED[k]!r}, got {v!r}" for k, v in actual.items()
                  if k in EXPECTED and EXPECTED[k] != v]
    missing = sorted(set(EXPECTED) - set(actual))
    table = "\n".join(f'    "{k}": "{v}",' for k, v in actual.items())
    assert not server_errors, server_errors
    assert not unknown, "endpoints without an entry in EXPECTED (decide who may use them):\n" + table
    assert not missing, f"entries for endpoints that no longer exist: {missing}"
    assert not mismatches, "\n".join(mismatches)
