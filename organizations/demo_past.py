"""A demo with a past: a year of files in every state for the four funds, built by the real services.

Each step runs on its own day in the past (the clock is moved to that day while the service runs), so the
history, the decision clocks, the ledger's dates, the schedules and the reports' due dates are those the
services themselves would have written on that day; nothing is written to the tables directly. Then the
deadline sweep runs once for today, as beat would: unanswered requests expire, late decisions are flagged,
arrears are refreshed and notified.

What it builds (``stories()``, from each fund's rules), over the demo organisations:
- files in every state: draft, submitted, screening, information requested (a request open, one answered,
  one expired), committee review (quorum reached and not), approved, rejected, withdrawn, conditions
  accepted (a tranche waiting for the treasurer, another for payment), in execution (reports due, one
  overdue), reporting and closed (a loan repaid in full);
- youth loans on time and in every arrears bucket (1-30 days late up to over 360), so PAR30 is above zero.

Run once: ``seed_demo`` calls it only when the demo's past is not there yet.
"""

from __future__ import annotations

import contextlib
import datetime
from collections.abc import Callable
from dataclasses import dataclass

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from applications import services as applications
from applications.models import Application
from applications.reviews import review_submit
from disbursements.models import Disbursement, Instalment, Loan
from disbursements.services import disbursements as money
from disbursements.services.repayments import repayment_record
from funds import rules as registry
from funds.models import Fund

PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>"
       b"endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")

@contextlib.contextmanager
def on(day: datetime.date):
    """Run the services as on ``day`` at ten in the morning (the clock stands still meanwhile)."""
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(10, 0)))
    with time_machine.travel(moment, tick=False):
        yield


def fields_for(fund_code: str, day: datetime.date) -> dict:
    """What an organisation fills in for ``fund_code`` on ``day`` (as the fund's rules say)."""
    return registry.rules_for(fund_code).demo_past_fields(day)


@dataclass
class People:
    opp: dict  # fairtrade id -> the organisation's representative
    secretariat: object
    committee: list  # the last is the chair
    finance: object
    treasurer: object


@dataclass
class Story:
    """One file: ``fund`` for the organisation ``opp``, started ``days_ago``, taken as far as ``to``."""

    fund: str
    opp: str
    days_ago: int
    to: str
    late_days: int | None = None  # for loans: how late its oldest unpaid instalment is today
    answered: bool = False  # goes through a request for information that the organisation answers


class Builder:
    def __init__(self, people: People, today: datetime.date):
        self.people = people
        self.today = today

    def day(self, days_ago: int) -> datetime.date:
        return self.today - datetime.timedelta(days=days_ago)

    def build(self, story: Story) -> Application:
        people, start = self.people, story.days_ago
        applicant = people.opp[story.opp]
        fund = Fund.objects.get(code=story.fund)
        steps: list[tuple[int, Callable]] = []
        state = {}

        def create():
            state["app"] = applications.application_create(
                fund=fund, organization=applicant.organization, by=applicant,
                fields=fields_for(story.fund, self.day(start)))
            for kind in fund.rules.required_documents:
                applications.document_upload(application_id=state["app"].pk, by=applicant, kind=kind,
                                             upload=SimpleUploadedFile(f"{kind}.pdf", PDF))

        def pk():
            return state["app"].pk

        steps.append((start, create))
        if story.to == "draft":
            return self._run(steps, state)
        steps.append((start - 1, lambda: applications.application_submit(application_id=pk(), by=applicant)))
        if story.to == "withdrawn":
            steps.append((start - 6, lambda: applications.application_withdraw(
                application_id=pk(), by=applicant, reason="Resolvimos el pago con fondos propios.")))
            return self._run(steps, state)
        if story.to == "submitted":
            return self._run(steps, state)
        steps.append((start - 3, lambda: applications.application_start_screening(
            application_id=pk(), by=people.secretariat)))
        if story.to in ("information_requested", "expired") or story.answered:
            respond_in = 25 if story.to == "expired" else 14
            steps.append((start - 5, lambda: applications.application_request_information(
                application_id=pk(), by=people.secretariat,
                message="Envíen el acta de la asamblea que aprobó el proyecto.",
                respond_by=self.day(start - 5 - respond_in))))
            if story.to == "information_requested":
                return self._run(steps, state)
            if story.to == "expired":
                # What the deadline sweep does the day after an unanswered request's date.
                steps.append((start - 6 - respond_in,
                               lambda: applications.application_expire(application_id=pk())))
                return self._run(steps, state)
            steps.append((start - 9, lambda: applications.application_answer_information_request(
                application_id=pk(), by=applicant,
                answer="Adjuntamos el acta de la asamblea del mes pasado.")))
        if story.to == "screening":
            return self._run(steps, state)
        if story.to == "rejected_at_screening":
            steps.append((start - 12, lambda: applications.application_reject(
                application_id=pk(), by=people.secretariat, reason="La organización no está certificada.")))
            return self._run(steps, state)
        steps.append((start - 12, lambda: applications.application_send_to_committee(
            application_id=pk(), by=people.secretariat)))
        reject = story.to == "rejected"
        reviewers = people.committee[:1] if story.to == "committee_review_waiting" else people.committee
        if story.to == "committee_review":
            reviewers = people.committee[:2]
        for offset, member in enumerate(reviewers):
            steps.append((start - 14 - offset, _review(pk, member, reject)))
        if story.to.startswith("committee_review"):
            return self._run(steps, state)
        if reject:
            steps.append((start - 18, lambda: applications.application_reject(
                application_id=pk(), by=people.committee[-1],
                reason="El comité no ve el vínculo del proyecto con la cadena de valor.")))
            return self._run(steps, state)
        steps.append((start - 18, lambda: applications.application_approve(
            application_id=pk(), by=people.committee[-1], reason="Cumple los criterios del fondo.")))
        if story.to == "approved":
            return self._run(steps, state)
        steps.append((start - 21, lambda: applications.application_accept_conditions(
            application_id=pk(), by=applicant)))
        if story.to == "conditions_accepted":
            return self._run(steps, state)
        steps.append((start - 23, lambda: money.disbursement_approve(
            disbursement_id=_tranche(pk()).pk, by=people.treasurer)))
        if story.to == "tranche_approved":
            return self._run(steps, state)
        paid_ago = start - 25
        steps.append((paid_ago, lambda: self._pay(pk(), paid_ago)))
        if story.to == "reporting":
            steps.append((paid_ago - 60, lambda: self._file_reports(pk(), applicant, kinds=("progress",))))
            steps.append((paid_ago - 61, lambda: applications.application_start_reporting(
                application_id=pk(), by=people.secretariat)))
        if story.to == "closed":  # every report accepted before the last repayment closes the file
            steps.append((0, lambda: self._file_reports(pk(), applicant)))
        if story.late_days is not None or story.to == "closed":
            steps.append((0, lambda: self._repay(pk(), story.late_days)))
        return self._run(steps, state)

    def _pay(self, application_id: int, paid_ago: int) -> None:
        """Pay the first tranche; the reports it owes are due from that day (as after its commit)."""
        from reporting.services import project_reports_create_for_award

        paid_on = self.day(paid_ago)
        money.disbursement_pay(disbursement_id=_tranche(application_id).pk, by=self.people.finance,
                               paid_on=paid_on, reference=f"TRF-{paid_on:%y%m%d}-{application_id}")
        project_reports_create_for_award(application_id=application_id, paid_on=paid_on)

    def _file_reports(self, application_id: int, applicant, kinds=None) -> None:
        """The organisation files its reports on their due dates; the secretariat accepts them."""
        from reporting.demo import _file
        from reporting.models import ProjectReport

        reports = ProjectReport.objects.filter(application_id=application_id).order_by("due_on")
        for report in reports.filter(kind__in=kinds) if kinds else reports:
            with on(min(report.due_on, self.today)):
                _file(report, applicant, self.people.secretariat, {
                    "narrative": "El vivero entregó 12.000 plántulas; sus ventas pagan la cuota.",
                    "people_reached": {"women": 14, "men": 10, "other": 0, "youth": 20, "adults": 4},
                })

    def _run(self, steps, state) -> Application:
        for days_ago, step in steps:
            with on(self.day(days_ago)):
                step()
        return Application.objects.get(pk=state["app"].pk)

    def _repay(self, application_id: int, late_days: int | None) -> None:
        """Each instalment due by today paid on its due date: a loan on time (``late_days`` 0), or one
        that ends repaid (None). A loan in arrears has paid nothing since its money arrived."""
        if late_days:
            return
        loan = Loan.objects.get(application_id=application_id)
        for instalment in Instalment.objects.filter(loan=loan, is_current=True).order_by("n"):
            if instalment.due_date > self.today:
                break
            with on(instalment.due_date):
                repayment_record(loan_id=loan.pk, by=self.people.finance, amount=instalment.total,
                                 paid_on=instalment.due_date, reference=f"DEP-{loan.pk}-{instalment.n}",
                                 idempotency_key=f"demo-{loan.pk}-{instalment.n}")


def _review(pk, member, reject: bool):
    def act():
        review_submit(application_id=pk(), by=member, score=2 if reject else 4,
                      recommendation="reject" if reject else "approve",
                      comment="No se sostiene." if reject else "Proyecto sólido y bien presupuestado.")
    return act


def _tranche(application_id: int) -> Disbursement:
    return Disbursement.objects.filter(application_id=application_id).order_by("tranche").first()


# A loan disbursed ``late + 31`` days ago and never repaid falls ``late`` days behind on its first
# instalment, so each of these lands in its arrears bucket; story starts are 25 days before the payment.
def _loan_late_start(late: int) -> int:
    return late + 31 + 25


def stories() -> list[Story]:
    """Every registered fund's files, as its rules list them (``FundRules.demo_past_stories``), in the
    order the funds were registered. Only a fund that lends has loans in arrears."""
    built = []
    for code in registry.fund_codes():
        rules = registry.rules_for(code)
        for entry in rules.demo_past_stories:
            late = entry.get("late_days")
            if late is not None and not rules.lends:
                raise ValueError(f"Only a fund that lends has loans in arrears, not {code}.")
            days_ago = entry["days_ago"] if "days_ago" in entry else _loan_late_start(late)
            built.append(Story(code, entry["opp"], days_ago, entry["to"], late_days=late,
                               answered=entry.get("answered", False)))
    return built


def past_calls(*, by, budgets: dict, since: datetime.date, today: datetime.date) -> None:
    """Each fund's call of every past year the demo's files start in, opened on 1 January of that year
    (as ``calls.demo`` opens this year's), so that those files were submitted in a call."""
    from calls.demo import TITLES
    from calls.models import Call
    from calls.services import call_create

    for year in range(since.year, today.year):
        for fund in Fund.objects.filter(code__in=budgets).order_by("id"):
            titles = [title.format(year=year) for title in TITLES[fund.code]]
            if Call.objects.filter(fund=fund, title_es=titles[0]).exists():
                continue
            with on(datetime.date(year, 1, 1)):
                call_create(by=by, fund=fund, values={
                    **dict(zip(("title_es", "title_pt", "title_fr", "title_en"), titles, strict=True)),
                    "budget": str(budgets[fund.code]), "opens_on": datetime.date(year, 1, 1),
                    "closes_on": datetime.date(year, 12, 31),
                })


def demo_past(*, people: People, budgets: dict, today: datetime.date | None = None) -> list[Application]:
    """Last years' calls, every story, then today's deadline sweep. Returns the files built."""
    from notifications.deadlines import run_deadlines

    builder = Builder(people, today or timezone.localdate())
    files = stories()
    oldest = builder.day(max(story.days_ago for story in files))
    past_calls(by=people.secretariat, budgets=budgets, since=oldest, today=builder.today)
    built = [builder.build(story) for story in files]
    run_deadlines(today=builder.today)
    return built
