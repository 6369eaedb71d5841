"""Ten years of CLAC-like history at any scale, reproducible from a seed.

Organisations (each with one OPP user), applications to the four funds in every state with their
transition history, documents (rows pointing at one tiny shared PDF), information requests, committee
reviews, deadline timers, decision letters and notices; for awarded applications the disbursements and
the ledger (commitment on approval; commitment released and money paid out on payment), and the project
reports each fund asks for from the payment (``loadtest.reports``); for the youth
fund's loans a 20-instalment monthly schedule with its repayments (each one a ledger transaction) and
a few write-offs. Capital is added so that every fund's books balance and nothing is over-committed.

Rows are written in chunks (``loadtest.writer``): COPY on PostgreSQL, ``executemany`` on SQLite.
"""

from __future__ import annotations

import datetime
import hashlib
import random
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal

from dateutil.relativedelta import relativedelta
from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from applications.models import (
    Application,
    Document,
    InformationRequest,
    Review,
    TransitionLog,
    application_search_text,
)
from applications.workflow import Status
from disbursements.models import Disbursement, Instalment, Loan, Repayment
from funds.ledger import ledger_totals_rebuild
from funds.models import Account, Fund, FundCode, LedgerEntry, LedgerTransaction, TransactionKind
from letters.models import Letter
from notifications.models import Deadline, Notification
from organizations.choices import Role
from organizations.models import Organization, StaffRole, User, organization_search_text, person_search_text

from .reports import ReportLoad
from .writer import IdAllocator, Table, analyze, fast_load, reset_sequences

UTC = datetime.UTC
CENT = Decimal("0.01")
ZERO = Decimal("0.00")
INSTALMENTS = 20
SHARED_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>"
    b"endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)
SHARED_SHA = hashlib.sha256(SHARED_PDF).hexdigest()
DOCUMENT_FILE = "documents/load-data/shared.pdf"
LETTER_FILE = "letters/load-data/shared.pdf"

COUNTRY_WEIGHTS = {
    "HN": 12, "PE": 14, "MX": 10, "CO": 12, "GT": 8, "NI": 8, "DO": 6, "BR": 7, "EC": 5, "BO": 5,
    "SV": 3, "CR": 3, "PY": 2, "HT": 3, "PA": 1, "CL": 1, "AR": 1, "BZ": 1, "CU": 1, "JM": 1,
    "DM": 1, "GD": 1, "LC": 1, "VC": 1,
}
LANGUAGE_OF = {"BR": "pt", "HT": "fr", "BZ": "en", "JM": "en", "DM": "en", "GD": "en", "LC": "en", "VC": "en"}
PRODUCTS = ["coffee", "banana", "cacao", "sugar", "honey", "fruit", "flowers", "wine_grapes", "quinoa",
            "other"]
PRODUCT_WEIGHTS = [40, 12, 12, 6, 6, 6, 3, 2, 3, 2]
FORMS = ["Cooperativa Agraria", "Asociación de Productores", "Cooperativa de Servicios Múltiples",
         "Unión de Cooperativas", "Associação dos Agricultores", "Coopérative Agricole"]
SYLLABLES = ["ca", "fe", "lo", "ma", "ri", "sol", "ver", "de", "al", "ta", "co", "pan", "gua", "ni", "quí",
             "ra", "mon", "tes", "bo", "li", "ja", "cin", "to", "pe"]

GRANT_STATES = {
    Status.DRAFT: 5, Status.SUBMITTED: 2, Status.SCREENING: 2, Status.INFORMATION_REQUESTED: 1.5,
    Status.COMMITTEE_REVIEW: 3, Status.REJECTED: 20, Status.WITHDRAWN: 4, Status.EXPIRED: 2.5,
    Status.APPROVED: 1, Status.CONDITIONS_ACCEPTED: 1, Status.IN_EXECUTION: 10, Status.REPORTING: 8,
    Status.CLOSED: 40,
}
YOUTH_STATES = {
    Status.DRAFT: 15, Status.SUBMITTED: 6, Status.SCREENING: 6, Status.INFORMATION_REQUESTED: 4,
    Status.COMMITTEE_REVIEW: 8, Status.REJECTED: 45, Status.WITHDRAWN: 10, Status.EXPIRED: 5,
    Status.APPROVED: 1,
}
LOAN_STATES = {"pending": 2, "active": 55, "in_arrears": 15, "repaid": 25, "written_off": 3}
FUND_SHARE = {
    FundCode.CERTIFICATION_SUBSIDY: 0.35, FundCode.YOUTH_REVOLVING: 0.2,
    FundCode.CLIMATE_EVENTUALITY: 0.25, FundCode.CATASTROPHIC_EVENTS: 0.2,
}
UNDECIDED = {Status.SUBMITTED, Status.SCREENING, Status.INFORMATION_REQUESTED, Status.COMMITTEE_REVIEW}
PAID_STATES = {Status.IN_EXECUTION, Status.REPORTING, Status.CLOSED}
LATE_FOR_REVIEW = {Status.APPROVED, Status.CONDITIONS_ACCEPTED, *PAID_STATES}
DECISION_DAYS = {  # (warning, limit), the funds' defaults
    FundCode.CERTIFICATION_SUBSIDY: (20, 45),
    FundCode.YOUTH_REVOLVING: (15, 28),
    FundCode.CLIMATE_EVENTUALITY: (30, 45),
    FundCode.CATASTROPHIC_EVENTS: (30, 45),
}
PREFIX = {"certification-subsidy": "CERT", "youth-revolving": "JOV", "climate-eventuality": "CLIM",
          "catastrophic-events": "CAT"}


def money(value) -> Decimal:
    return Decimal(value).quantize(CENT, ROUND_HALF_EVEN)


@dataclass
class Sizes:
    organizations: int
    applications: int
    loans: int


@dataclass
class Staff:
    secretariat: int
    finance: int
    committees: dict[str, list[int]] = field(default_factory=dict)  # fund code -> members, chair last


class LoadGenerator:
    def __init__(self, *, sizes: Sizes, seed: int, today: datetime.date, chunk: int = 5000,
                 password: str | None = None, log=print):
        self.sizes = sizes
        self.rng = random.Random(seed)
        self.seed = seed
        self.today = today
        self.now = datetime.datetime.combine(today, datetime.time(12, 0), tzinfo=UTC)
        self.start = today - relativedelta(years=10)
        self.chunk = chunk
        self.log = log
        self.password = make_password(password) if password else make_password(None)
        self.ids = IdAllocator()
        self.funds = {fund.code: fund for fund in Fund.objects.all()}
        self.approved_total: dict[int, Decimal] = defaultdict(lambda: ZERO)
        self.search_of: dict[int, tuple[str, str]] = {}
        self._tables()

    # ------------------------------------------------------------------ tables

    def _tables(self):
        self.t_org = Table(Organization, [
            "id", "legal_name", "short_name", "country", "fairtrade_id", "certification_status",
            "certification_expiry", "grade", "members_women", "members_men", "members_youth",
            "national_coordinator", "preferred_language", "contact_emails", "created_at", "search_text"])
        self.t_org_products = Table(Organization.products.through, ["organization", "productcode"])
        self.t_user = Table(User, [
            "id", "password", "is_superuser", "username", "first_name", "last_name", "email", "is_staff",
            "is_active", "date_joined", "organization", "language", "is_representative", "email_verified",
            "search_text"])
        self.t_app = Table(Application, [
            "id", "fund", "organization", "status", "data", "currency", "requested_amount", "assessment",
            "created_by", "created_at", "updated_at", "submitted_at", "decision_warning_on", "decision_due",
            "sent_to_committee_at", "decided_at", "decided_by", "approved_amount", "decision_reason",
            "conditions", "decision_terms", "search_text"])
        self.t_log = Table(TransitionLog, ["id", "application", "transition", "from_state", "to_state", "by",
                                           "at", "reason"])
        self.t_info = Table(InformationRequest, [
            "id", "application", "message", "respond_by", "returns_to", "requested_by", "requested_at",
            "answer", "answered_by", "answered_at", "expired_at"])
        self.t_doc = Table(Document, ["id", "application", "kind", "file", "token", "original_name",
                                      "content_type", "size", "sha256", "uploaded_by", "uploaded_at"])
        self.t_review = Table(Review, ["id", "application", "reviewer", "conflict_of_interest", "score",
                                       "criteria", "recommendation", "comment", "created_at"])
        self.t_deadline = Table(Deadline, ["id", "application", "kind", "due_on", "done_at", "outcome",
                                           "created_at"])
        self.t_tx = Table(LedgerTransaction, ["id", "fund", "kind", "currency", "booked_on", "recorded_at",
                                              "recorded_by", "memo", "application", "source_type",
                                              "source_id"])
        self.t_entry = Table(LedgerEntry, ["id", "transaction", "fund", "account", "debit", "credit"])
        self.t_disb = Table(Disbursement, [
            "id", "application", "fund", "tranche", "status", "payee_kind", "payee_name", "amount",
            "currency", "created_at", "approved_at", "approved_by", "paid_on", "paid_amount",
            "payment_reference", "payment_currency", "payment_amount", "exchange_rate", "paid_by", "reason",
            "ledger_transaction"])
        self.t_loan = Table(Loan, [
            "id", "application", "fund", "status", "principal", "currency", "annual_interest_rate",
            "term_months", "grace_months", "repayment_frequency", "schedule_method", "harvest_dates",
            "disbursed_on", "disbursed_amount", "schedule_version", "schedule_starts_on", "is_rescheduled",
            "reschedule_reason", "schedule_notes", "write_off_reason", "written_off_by", "written_off_on",
            "written_off_amount", "created_at"])
        self.t_inst = Table(Instalment, [
            "id", "loan", "version", "is_current", "n", "due_date", "principal", "interest", "fees",
            "principal_paid", "interest_paid", "fees_paid", "paid_on"])
        self.t_repay = Table(Repayment, [
            "id", "loan", "amount", "currency", "paid_on", "reference", "idempotency_key",
            "request_fingerprint", "schedule_version", "recorded_by", "recorded_at", "fees", "interest",
            "principal", "credit", "ledger_transaction", "reversal_reason"])
        self.t_letter = Table(Letter, [
            "id", "application", "decision_log", "sequence", "decision", "language", "status", "attempts",
            "error", "file", "sha256", "size", "reissue_reason", "created_at", "rendered_at", "emailed_at",
            "emailed_to"])
        self.t_notice = Table(Notification, [
            "id", "recipient", "email", "language", "kind", "application", "subject", "body", "dedupe_key",
            "in_app", "read_at", "email_status", "email_attempts", "email_sent_at", "email_error",
            "created_at"])
        self.order = [self.t_org, self.t_org_products, self.t_user, self.t_app, self.t_log, self.t_info,
                      self.t_doc, self.t_review, self.t_deadline, self.t_tx, self.t_entry, self.t_disb,
                      self.t_loan, self.t_inst, self.t_repay, self.t_letter, self.t_notice]
        self.reports = ReportLoad(self)
        self.order += self.reports.tables

    def _flush(self):
        with transaction.atomic():
            fast_load()
            for table in self.order:
                table.flush()

    # ------------------------------------------------------------------ helpers

    def at(self, day: datetime.date) -> datetime.datetime:
        moment = datetime.datetime.combine(day, datetime.time(13, 0), tzinfo=UTC) + datetime.timedelta(
            minutes=self.rng.randrange(0, 9 * 60))
        return min(moment, self.now - datetime.timedelta(minutes=self.rng.randrange(1, 600)))

    def later(self, moment: datetime.datetime, low: int, high: int) -> datetime.datetime:
        moment = moment + datetime.timedelta(days=self.rng.randint(low, high),
                                             minutes=self.rng.randrange(0, 600))
        return min(moment, self.now - datetime.timedelta(minutes=self.rng.randrange(1, 600)))

    def pick(self, weights: dict):
        return self.rng.choices(list(weights), weights=list(weights.values()))[0]

    def name(self) -> str:
        return "".join(self.rng.choice(SYLLABLES) for _ in range(self.rng.randint(2, 4))).capitalize()

    # ------------------------------------------------------------------ people

    def staff(self) -> Staff:
        def person(username, role, fund=None):
            user, _ = User.objects.get_or_create(
                username=username, defaults={"password": self.password, "email": f"{username}@clac.example"})
            StaffRole.objects.get_or_create(user=user, role=role, fund=fund, revoked_at=None)
            return user.pk

        staff = Staff(secretariat=person("load-secretariat", Role.SECRETARIAT),
                      finance=person("load-finance", Role.FINANCE))
        person("load-auditor", Role.AUDITOR)
        person("load-admin", Role.ADMINISTRATOR)
        for code, fund in self.funds.items():
            chair = StaffRole.objects.active().filter(fund=fund, role=Role.COMMITTEE_CHAIR).first()
            members = [person(f"load-{code}-member{i}", Role.COMMITTEE_MEMBER, fund) for i in (1, 2)]
            chair_id = chair.user_id if chair else person(f"load-{code}-chair", Role.COMMITTEE_CHAIR, fund)
            staff.committees[code] = [*members, chair_id]
        return staff

    def organizations(self) -> list[tuple[int, int, str, str, str]]:
        """New organisations with one OPP user each; returns (org, user, language, legal name, e-mail)."""
        countries = list(COUNTRY_WEIGHTS)
        weights = list(COUNTRY_WEIGHTS.values())
        for _ in range(self.sizes.organizations):
            org_id, user_id = self.ids(Organization), self.ids(User)
            country = self.rng.choices(countries, weights=weights)[0]
            language = LANGUAGE_OF.get(country, "es")
            short = self.name()
            legal = f"{self.rng.choice(FORMS)} {short} {self.name()}"
            email = f"opp{org_id}@opp.example"
            women, men = self.rng.randint(5, 900), self.rng.randint(5, 1200)
            joined = self.at(self.start + datetime.timedelta(days=self.rng.randrange(0, 3650)))
            self.t_org.add(org_id, legal, short, country, f"FT{org_id:07d}", "certified",
                           self.today + datetime.timedelta(days=self.rng.randint(30, 1000)),
                           self.rng.choices([1, 2, 3], weights=[80, 17, 3])[0], women, men,
                           self.rng.randint(0, (women + men) // 3), "", language, [email], joined,
                           organization_search_text(short, legal, country, f"FT{org_id:07d}"))
            for product in set(self.rng.choices(PRODUCTS, weights=PRODUCT_WEIGHTS, k=self.rng.randint(1, 2))):
                self.t_org_products.add(org_id, product)
            first, last = self.name(), self.name()
            self.t_user.add(user_id, self.password, False, f"opp{org_id}", first, last, email,
                            False, True, joined, org_id, language, True, email,
                            person_search_text(f"opp{org_id}", first, last, email))
        self._flush()
        rows = User.objects.filter(organization__isnull=False).values_list(
            "organization_id", "pk", "language", "organization__legal_name", "email",
            "organization__search_text", "first_name", "last_name")
        people = []
        for org_id, user_id, language, legal_name, email, org_text, first, last in rows.order_by(
                "organization_id", "pk"):
            self.search_of[user_id] = (org_text, f"{first} {last}")
            people.append((org_id, user_id, language, legal_name, email))
        return people

    # ------------------------------------------------------------------ data per fund

    def fields(self, code: str, created: datetime.date) -> tuple[dict, Decimal | None]:
        rng = self.rng
        if code == FundCode.CERTIFICATION_SUBSIDY:
            invoice = money(rng.randrange(1500, 9000, 50))
            return {"invoice_amount": str(invoice), "invoice_currency": "USD",
                    "invoice_number": f"FC-{created.year}-{rng.randrange(1, 9999):04d}",
                    "certifier": "FLOCERT GmbH", "certification_year": created.year}, invoice
        if code == FundCode.YOUTH_REVOLVING:
            amount = money(rng.randrange(1000, 5001, 50))
            members = []
            for _ in range(rng.randint(3, 8)):
                born = created - datetime.timedelta(days=rng.randint(19 * 365, 34 * 365))
                members.append({"name": f"{self.name()} {self.name()}", "birth_date": born.isoformat(),
                                "gender": rng.choice(["female", "male", "female", "other"])})
            return {"project_title": f"Proyecto {self.name()}", "project_description": "Vivero y abonos.",
                    "value_chain_link": "Renueva los cultivos de la organización.",
                    "requested_amount": str(amount), "term_months": INSTALMENTS, "grace_months": 0,
                    "repayment_frequency": "monthly", "accepts_fund_rules": True, "members": members}, amount
        if code == FundCode.CLIMATE_EVENTUALITY:
            amount = money(rng.randrange(3000, 15001, 100))
            return {"purpose": rng.choice(["prevention", "adaptation", "mitigation"]),
                    "project_description": "Sistemas de riego por goteo.", "requested_amount": str(amount),
                    "project_end_date": (created + datetime.timedelta(days=rng.randint(200, 500))
                                         ).isoformat(),
                    "baseline": [{"indicator": "Hectáreas con riego", "value": str(rng.randint(1, 80)),
                                  "unit": "ha"}],
                    "commits_to_final_baseline": True, "accepts_fund_rules": True}, amount
        volume = rng.randrange(500, 5000, 10)
        actual = int(volume * rng.uniform(0.3, 0.65))
        price = money(rng.randrange(80, 250))
        award = min(money(Decimal("0.3") * (volume - actual) * price), Decimal("20000.00"))
        return {"crop": rng.choice(PRODUCTS[:6]), "event_type": rng.choice(["hurricane", "flood", "drought"]),
                "event_start": (created - datetime.timedelta(days=40)).isoformat(),
                "event_end": (created - datetime.timedelta(days=36)).isoformat(),
                "event_description": "El evento destruyó parte de la cosecha.",
                "season_productions": [{"season": str(created.year - k), "volume": str(volume)}
                                       for k in (3, 2, 1)],
                "affected_season_volume": str(actual), "unit": "qq", "reference_price": str(price),
                "affected_producers": {"women": rng.randint(5, 90), "men": rng.randint(5, 90),
                                       "youth": rng.randint(0, 40)},
                "accepts_fund_rules": True}, award

    def assessment(self, code: str, data: dict, amount: Decimal) -> dict:
        if code == FundCode.CATASTROPHIC_EVENTS:
            baseline = Decimal(data["season_productions"][0]["volume"])
            loss = (baseline - Decimal(data["affected_season_volume"])) * 100 / baseline
            return {"eligible": True, "baseline": str(money(baseline)), "loss_percent": str(money(loss)),
                    "max_award": str(amount), "reasons": []}
        return {"eligible": True, "max_award": str(amount), "reasons": []}

    # ------------------------------------------------------------------ applications

    def plan(self) -> list[tuple[str, str, str | None]]:
        """(fund code, status, loan status or None) for every application, shuffled."""
        sizes, rng = self.sizes, self.rng
        plan = [(FundCode.YOUTH_REVOLVING, None, self.pick(LOAN_STATES)) for _ in range(sizes.loans)]
        rest = sizes.applications - sizes.loans
        for code, share in FUND_SHARE.items():
            count = round(rest * share)
            states = YOUTH_STATES if code == FundCode.YOUTH_REVOLVING else GRANT_STATES
            plan += [(code, self.pick(states), None) for _ in range(count)]
        rng.shuffle(plan)
        return plan[: sizes.applications]

    def generate(self) -> dict[str, int]:
        started = timezone.now()
        staff = self.staff()
        people = self.organizations()
        if not people:
            raise ValueError("There is no organisation to apply: give --organizations.")
        default_storage.save(DOCUMENT_FILE, ContentFile(SHARED_PDF)) if not default_storage.exists(
            DOCUMENT_FILE) else None
        default_storage.save(LETTER_FILE, ContentFile(SHARED_PDF)) if not default_storage.exists(
            LETTER_FILE) else None
        self.log(f"organisations and people: {len(people):,} OPP users ({timezone.now() - started})")
        for index, (code, state, loan_state) in enumerate(self.plan(), start=1):
            self.application(code, state, loan_state, self.rng.choice(people), staff)
            if index % self.chunk == 0:
                self._flush()
                self.log(f"applications: {index:,} ({timezone.now() - started})")
        self.capital(staff)
        self._flush()
        models = [table.model for table in self.order]
        reset_sequences(models)
        # The entries were written in bulk, past ledger_post: bring the running totals up to date.
        ledger_totals_rebuild()
        analyze()
        self.log(f"done in {timezone.now() - started}")
        return {table.model._meta.label: table.written for table in self.order}

    def application(self, code, state, loan_state, person, staff: Staff):
        rng = self.rng
        org_id, user_id, language, legal_name, email = person
        fund = self.funds[code]
        app_id = self.ids(Application)
        if loan_state is not None:
            state = {"pending": Status.CONDITIONS_ACCEPTED, "repaid": Status.CLOSED}.get(
                loan_state, Status.IN_EXECUTION)
        # How far back it started: open work is recent, finished work anywhere in ten years.
        if state == Status.DRAFT:
            back = rng.randint(1, 120)
        elif state in UNDECIDED or state in (Status.APPROVED, Status.CONDITIONS_ACCEPTED):
            back = rng.randint(3, 40)
        elif loan_state in ("active", "in_arrears"):
            back = rng.randint(60, 640)
        elif loan_state == "repaid":
            back = rng.randint(700, 3640)
        elif loan_state == "written_off":
            back = rng.randint(900, 3640)
        elif state in (Status.IN_EXECUTION, Status.REPORTING):
            back = rng.randint(30, 700)
        else:
            back = rng.randint(60, 3640)
        created = self.at(self.today - datetime.timedelta(days=back))
        data, amount = self.fields(code, created.date())
        row = {
            "status": state, "submitted_at": None, "decision_warning_on": None, "decision_due": None,
            "sent_to_committee_at": None, "decided_at": None, "decided_by": None, "approved_amount": None,
            "decision_reason": "", "conditions": "", "decision_terms": {}, "assessment": None,
        }
        chair = staff.committees[code][-1]
        logs = []

        def move(name, from_state, to_state, by, moment, reason=""):
            log_id = self.ids(TransitionLog)
            self.t_log.add(log_id, app_id, name, from_state, to_state, by, moment, reason)
            logs.append((log_id, name, moment))
            return log_id

        moment = created
        if state != Status.DRAFT:
            moment = self.later(moment, 0, 6)
            row["submitted_at"] = moment
            warn, limit = DECISION_DAYS[code]
            row["decision_warning_on"] = moment.date() + datetime.timedelta(days=warn)
            row["decision_due"] = moment.date() + datetime.timedelta(days=limit)
            row["assessment"] = self.assessment(code, data, amount)
            move("submit", Status.DRAFT, Status.SUBMITTED, user_id, moment)
            self.documents(app_id, code, user_id, moment)
            self.decision_timers(app_id, row, state, moment)
        elif rng.random() < 0.5:
            self.documents(app_id, code, user_id, moment)

        path = self.path(state)
        if path:
            moment = self.walk(path, app_id, code, user_id, staff, chair, row, moment, move, state)

        if state in (Status.APPROVED, Status.CONDITIONS_ACCEPTED, *PAID_STATES):
            approved = amount if code != FundCode.CERTIFICATION_SUBSIDY else money(amount * Decimal("0.75"))
            row["approved_amount"] = approved
            row["conditions"] = "Informe final dentro de los 60 días siguientes al cierre del proyecto."
            if code == FundCode.YOUTH_REVOLVING:
                row["decision_terms"] = {"annual_interest_rate": str(rng.choice([0, 2, 3, 4, 5, 6])),
                                         "term_months": INSTALMENTS, "grace_months": 0,
                                         "repayment_frequency": "monthly",
                                         "schedule_method": "equal_principal"}
            self.commit(fund, app_id, approved, row["decided_at"].date(), chair, code, created)
        decision_log = next((log for log in logs if log[1] in ("approve", "reject")), None)
        if decision_log is not None:
            self.letter(app_id, decision_log, language, email, state)
        if state in (Status.CONDITIONS_ACCEPTED, *PAID_STATES):
            accepted = next(log[2] for log in logs if log[1] == "accept_conditions")
            paid_log = next((log for log in logs if log[1] == "start_execution"), None)
            self.disburse(fund, app_id, code, row, legal_name, staff, accepted, paid_log, created, loan_state)
            if paid_log is not None:
                self.reports.owed(app_id, code, data, paid_log[2], state, staff, row["approved_amount"])

        updated = max([created] + [log[2] for log in logs])
        self.t_app.add(app_id, fund.pk, org_id, state, data, "USD", amount, row["assessment"], user_id,
                       created, updated, row["submitted_at"], row["decision_warning_on"], row["decision_due"],
                       row["sent_to_committee_at"], row["decided_at"], row["decided_by"],
                       row["approved_amount"], row["decision_reason"], row["conditions"],
                       row["decision_terms"],
                       application_search_text(self.reference(code, app_id, created),
                                               *self.search_of[user_id]))

    def path(self, state) -> list[str]:
        rng = self.rng
        to_review = ["start_screening", "send_to_committee"]
        if state in (Status.DRAFT, Status.SUBMITTED):
            return []
        if state == Status.SCREENING:
            return ["start_screening"]
        if state == Status.INFORMATION_REQUESTED:
            return [*to_review[: rng.randint(1, 2)], "request_information"]
        if state == Status.EXPIRED:
            return ["start_screening", "request_information", "expire"]
        if state == Status.COMMITTEE_REVIEW:
            return to_review
        if state == Status.WITHDRAWN:
            return [*to_review[: rng.randint(0, 2)], "withdraw"]
        if state == Status.REJECTED:
            return ["start_screening", "reject"] if rng.random() < 0.3 else [*to_review, "reject"]
        steps = [*to_review, "approve"]
        if rng.random() < 0.08:
            steps = ["start_screening", "request_information", "answer_information_request",
                     "send_to_committee", "approve"]
        if state == Status.APPROVED:
            return steps
        steps.append("accept_conditions")
        if state == Status.CONDITIONS_ACCEPTED:
            return steps
        steps.append("start_execution")
        if state == Status.IN_EXECUTION:
            return steps
        if state == Status.REPORTING:
            return [*steps, "start_reporting"]
        return [*steps, "start_reporting", "close"] if rng.random() < 0.7 else [*steps, "close"]

    def walk(self, path, app_id, code, user_id, staff, chair, row, moment, move, final_state):
        rng = self.rng
        state = Status.SUBMITTED
        before_request = None
        members = staff.committees[code]
        for name in path:
            by, reason = staff.secretariat, ""
            gap = (1, 5)
            if name == "send_to_committee":
                target = Status.COMMITTEE_REVIEW
            elif name == "start_screening":
                target = Status.SCREENING
            elif name == "request_information":
                target, before_request = Status.INFORMATION_REQUESTED, state
            elif name == "answer_information_request":
                target, by = before_request, user_id
            elif name == "expire":
                target, by, gap = Status.EXPIRED, None, (15, 16)
            elif name == "withdraw":
                target, by, reason = Status.WITHDRAWN, user_id, "Ya no lo necesitamos."
            elif name == "reject":
                target, reason = Status.REJECTED, "No cumple los criterios del fondo."
                by = chair if state == Status.COMMITTEE_REVIEW else staff.secretariat
            elif name == "approve":
                target, by, reason, gap = Status.APPROVED, chair, "Cumple los criterios.", (3, 15)
            elif name == "accept_conditions":
                target, by = Status.CONDITIONS_ACCEPTED, user_id
            elif name == "start_execution":
                target, by, gap = Status.IN_EXECUTION, None, (3, 15)
            elif name == "start_reporting":
                target, gap = Status.REPORTING, (150, 360)
            else:
                target, by, gap = Status.CLOSED, staff.secretariat, (30, 90)
            moment = self.later(moment, *gap)
            if name == "send_to_committee":
                row["sent_to_committee_at"] = moment
            if name in ("approve", "reject") and state == Status.COMMITTEE_REVIEW:
                self.reviews(app_id, members, moment, approve=name == "approve")
            if name in ("approve", "reject"):
                row["decided_at"], row["decided_by"], row["decision_reason"] = moment, by, reason
            if name == "request_information":
                self.information_request(app_id, state, staff.secretariat, user_id, moment, final_state)
            move(name, state, target, by, moment, reason)
            state = target
        if final_state == Status.COMMITTEE_REVIEW:
            self.reviews(app_id, members[: rng.randint(0, 2)], self.later(moment, 0, 5), approve=True)
        return moment

    def documents(self, app_id, code, user_id, moment):
        kinds = list(self.funds[code].rules.required_documents)
        if self.rng.random() < 0.3:
            kinds.append("other")
        for kind in kinds:
            doc_id = self.ids(Document)
            self.t_doc.add(doc_id, app_id, kind, DOCUMENT_FILE, f"load{doc_id:016x}", f"{kind}.pdf",
                           "application/pdf", len(SHARED_PDF), SHARED_SHA, user_id, moment)

    def reviews(self, app_id, members, moment, *, approve: bool):
        for reviewer in members:
            score = self.rng.randint(3, 5) if approve else self.rng.randint(1, 3)
            self.t_review.add(self.ids(Review), app_id, reviewer, False, score, {},
                              "approve" if approve else "reject", "Revisado.",
                              moment - datetime.timedelta(hours=self.rng.randint(2, 48)))

    def information_request(self, app_id, returns_to, by, user_id, moment, final_state):
        respond_by = moment.date() + datetime.timedelta(days=15)
        answered = expired = None
        answered_by, answer = None, ""
        if final_state == Status.EXPIRED:
            expired = moment + datetime.timedelta(days=15)
        elif final_state != Status.INFORMATION_REQUESTED:
            answered, answered_by = moment + datetime.timedelta(days=3), user_id
            answer = "Adjuntamos lo pedido."
        self.t_info.add(self.ids(InformationRequest), app_id, "Envíen la lista de socios actualizada.",
                        respond_by, returns_to, by, moment, answer, answered_by, answered, expired)
        if final_state == Status.INFORMATION_REQUESTED:
            self.t_deadline.add(self.ids(Deadline), app_id, "information_expiry", respond_by,
                                None, "", moment)

    def decision_timers(self, app_id, row, state, submitted):
        for kind, due in (("decision_warning", row["decision_warning_on"]),
                          ("decision_overdue", row["decision_due"])):
            done = None
            outcome = ""
            if state not in UNDECIDED:
                done, outcome = self.at(min(due, self.today)), "decided"
            elif due <= self.today - datetime.timedelta(days=1):
                done, outcome = self.at(due), "notified"
            self.t_deadline.add(self.ids(Deadline), app_id, kind, due, done, outcome, submitted)

    def letter(self, app_id, decision_log, language, email, state):
        log_id, name, moment = decision_log
        rendered = moment + datetime.timedelta(minutes=1)
        decision = "approved" if name == "approve" else "rejected"
        self.t_letter.add(self.ids(Letter), app_id, log_id, 1, decision,
                          language, "rendered", 1, "", LETTER_FILE, SHARED_SHA, len(SHARED_PDF), "", moment,
                          rendered, rendered, [email])
        notice_id = self.ids(Notification)
        kind = "application_approved" if name == "approve" else "application_rejected"
        self.t_notice.add(notice_id, None, email, language, kind, app_id, "Decisión sobre su solicitud",
                          "La decisión sobre su solicitud está disponible en Fondos.", f"load:{notice_id}",
                          False, None, "sent", 1, rendered, "", moment)

    # ------------------------------------------------------------------ money

    def post(self, fund, kind, booked_on, by, memo, app_id, lines, moment, source=("", None)) -> int:
        tx_id = self.ids(LedgerTransaction)
        self.t_tx.add(tx_id, fund.pk, kind, fund.currency, booked_on, moment, by, memo[:255], app_id,
                      source[0], source[1])
        for account, debit_amount, credit_amount in lines:
            if debit_amount or credit_amount:
                self.t_entry.add(self.ids(LedgerEntry), tx_id, fund.pk, account, debit_amount, credit_amount)
        return tx_id

    def reference(self, code, app_id, created):
        return f"{PREFIX[code]}-{created.year}-{app_id:05d}"

    def commit(self, fund, app_id, amount, day, chair, code, created):
        self.approved_total[fund.pk] += amount
        self.post(fund, TransactionKind.COMMITMENT, day, chair,
                  f"Commitment {self.reference(code, app_id, created)}",
                  app_id, [(Account.COMMITTED, amount, ZERO), (Account.COMMITMENTS_CONTRA, ZERO, amount)],
                  self.at(day))

    def disburse(self, fund, app_id, code, row, legal_name, staff, accepted, paid_log, created, loan_state):
        amount = row["approved_amount"]
        disb_id = self.ids(Disbursement)
        reference = self.reference(code, app_id, created)
        payee = ("certifier", "FLOCERT GmbH") if code == FundCode.CERTIFICATION_SUBSIDY else (
            "organization", legal_name[:255])
        if paid_log is None:
            self.t_disb.add(disb_id, app_id, fund.pk, 1, "pending", *payee, amount, "USD", accepted,
                            None, None, None, None, "", "", None, None, None, "", None)
            if loan_state is not None:
                self.loan(fund, app_id, amount, row, staff, accepted.date(), None, loan_state, accepted)
            return
        paid_at = paid_log[2]
        paid_on = paid_at.date()
        self.post(fund, TransactionKind.COMMITMENT_RELEASE, paid_on, staff.finance,
                  f"Commitment released on payment {reference}/1", app_id,
                  [(Account.COMMITMENTS_CONTRA, amount, ZERO), (Account.COMMITTED, ZERO, amount)], paid_at)
        paid_to = Account.LOANS_RECEIVABLE if loan_state is not None else Account.GRANTS_PAID
        payment_ref = f"TRF-{disb_id:08d}"
        tx_id = self.post(fund, TransactionKind.DISBURSEMENT, paid_on, staff.finance,
                          f"Disbursement {reference}/1 {payment_ref}", app_id,
                          [(paid_to, amount, ZERO), (Account.CASH, ZERO, amount)], paid_at,
                          ("disbursements.disbursement", disb_id))
        approved_at = paid_at - datetime.timedelta(days=1)
        self.t_disb.add(disb_id, app_id, fund.pk, 1, "paid", *payee, amount, "USD", accepted, approved_at,
                        staff.finance, paid_on, amount, payment_ref, "USD", amount, Decimal("1"),
                        staff.finance, "", tx_id)
        if loan_state is not None:
            self.loan(fund, app_id, amount, row, staff, paid_on, paid_on, loan_state, accepted)

    def loan(self, fund, app_id, principal, row, staff, starts_on, disbursed_on, loan_state, created):
        rng = self.rng
        loan_id = self.ids(Loan)
        rate = Decimal(row["decision_terms"]["annual_interest_rate"])
        share = money(principal / INSTALMENTS)
        balance = principal
        due_dates = [starts_on + relativedelta(months=n) for n in range(1, INSTALMENTS + 1)]
        due_before_today = sum(1 for day in due_dates if day < self.today)
        if loan_state in ("pending",):
            paid_count = 0
        elif loan_state == "repaid":
            paid_count = INSTALMENTS
        elif loan_state == "in_arrears":
            paid_count = max(due_before_today - rng.randint(1, min(due_before_today, 14) or 1), 0)
        elif loan_state == "written_off":
            paid_count = min(rng.randint(2, 12), due_before_today)
        else:
            paid_count = due_before_today
        status = loan_state if loan_state != "in_arrears" or paid_count < due_before_today else "active"
        principal_repaid = ZERO
        for n, due in enumerate(due_dates, start=1):
            part = share if n < INSTALMENTS else balance
            interest = money(balance * rate / 100 / 12)
            balance -= part
            paid = n <= paid_count
            paid_on = min(due + datetime.timedelta(days=rng.randint(-5, 6)), self.today) if paid else None
            self.t_inst.add(self.ids(Instalment), loan_id, 1, True, n, due, part, interest, ZERO,
                            part if paid else ZERO, interest if paid else ZERO, ZERO, paid_on)
            if paid:
                principal_repaid += part
                self.repayment(fund, loan_id, app_id, part, interest, paid_on, staff)
        written_off_on, written_off_amount = None, ZERO
        if status == "written_off":
            written_off_on = min(due_dates[paid_count] + relativedelta(months=8), self.today)
            written_off_amount = principal - principal_repaid
            self.post(fund, TransactionKind.WRITE_OFF, written_off_on, staff.finance,
                      f"Write-off loan {loan_id}",
                      app_id, [(Account.WRITE_OFFS, written_off_amount, ZERO),
                               (Account.LOANS_RECEIVABLE, ZERO, written_off_amount)],
                      self.at(written_off_on), ("disbursements.loan", loan_id))
        terms = row["decision_terms"]
        self.t_loan.add(loan_id, app_id, fund.pk, status, principal, "USD", rate, INSTALMENTS, 0, "monthly",
                        terms["schedule_method"], [], disbursed_on, principal if disbursed_on else ZERO, 1,
                        starts_on, False, "", [], "Sin contacto con el grupo." if written_off_on else "",
                        staff.finance if written_off_on else None, written_off_on, written_off_amount,
                        created)

    def repayment(self, fund, loan_id, app_id, principal, interest, paid_on, staff):
        repayment_id = self.ids(Repayment)
        amount = principal + interest
        moment = self.at(paid_on)
        tx_id = self.post(fund, TransactionKind.REPAYMENT, paid_on, staff.finance,
                          f"Repayment loan {loan_id}",
                          app_id, [(Account.CASH, amount, ZERO), (Account.INTEREST_INCOME, ZERO, interest),
                                   (Account.LOANS_RECEIVABLE, ZERO, principal)], moment,
                          ("disbursements.repayment", repayment_id))
        key = f"load-{repayment_id}"
        self.t_repay.add(repayment_id, loan_id, amount, "USD", paid_on, f"DEP-{repayment_id:08d}", key,
                         hashlib.sha256(key.encode()).hexdigest(), 1, staff.finance, moment, ZERO, interest,
                         principal, ZERO, tx_id, "")

    def capital(self, staff):
        """Enough capital in each fund for everything this run approved, with a margin to lend again."""
        for fund in self.funds.values():
            needed = money(self.approved_total[fund.pk] * Decimal("1.25") + Decimal("100000"))
            self.post(fund, TransactionKind.CAPITAL, self.start, None, "Capital contributions (load data)",
                      None,
                      [(Account.CASH, needed, ZERO), (Account.CAPITAL, ZERO, needed)],
                      self.at(self.start))


def ledger_check() -> dict[str, str]:
    """Debits equal credits in every fund; loans receivable equals the live loans' unpaid principal."""
    from disbursements.models import LIVE_LOAN_STATES
    from funds.ledger import balances_by_fund

    result = {}
    for fund in Fund.objects.all():
        sums = LedgerEntry.objects.filter(fund=fund).aggregate(d=Sum("debit"), c=Sum("credit"))
        result[f"{fund.code} debits-credits"] = str((sums["d"] or ZERO) - (sums["c"] or ZERO))
    balances = balances_by_fund(Fund.objects.all())
    youth = Fund.objects.get(code=FundCode.YOUTH_REVOLVING)
    owed = Instalment.objects.filter(loan__status__in=LIVE_LOAN_STATES, is_current=True).aggregate(
        p=Sum("principal"), paid=Sum("principal_paid"))
    result["youth loans receivable (ledger)"] = str(balances[youth.pk].outstanding)
    result["youth unpaid principal of live loans"] = str((owed["p"] or ZERO) - (owed["paid"] or ZERO))
    for fund in Fund.objects.all():
        result[f"{fund.code} available"] = str(balances[fund.pk].available)
    return result
