"""Demo data: the four funds with capital and parameters, six OPPs, one user per role, and a year of
files in every state (``organizations.demo_past``) built through the real services.

Idempotent: a second run finds everything in place and changes nothing.
"""

import datetime
from decimal import Decimal

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from funds.ledger import fund_capital_add
from funds.models import Fund, FundParameters, TransactionKind
from organizations.choices import CertificationStatus, Country, Grade, Language, Role
from organizations.models import Organization, ProductCode, StaffRole, User

DEMO_CAPITAL = {
    "certification-subsidy": Decimal("150000.00"),
    "youth-revolving": Decimal("100000.00"),
    "climate-eventuality": Decimal("200000.00"),
    "catastrophic-events": Decimal("300000.00"),
}
# Before the demo's past year begins, so that its oldest files find capital and parameters.
PARAMETERS_FROM = datetime.date(2025, 1, 1)

ORGANIZATIONS = {
    "opp-a": dict(
        fairtrade_id="FLO-10001",
        legal_name="Cooperativa Cafetalera Ecológica La Esperanza Limitada",
        short_name="COCAFELOL",
        country=Country.HN,
        grade=Grade.FIRST,
        preferred_language=Language.ES,
        products=["coffee"],
        members_women=212, members_men=398, members_youth=140,
        national_coordinator="CHCJ Honduras",
        contact_emails=["gerencia@cocafelol.example"],
    ),
    "opp-b": dict(
        fairtrade_id="FLO-20002",
        legal_name="Cooperativa Central dos Produtores Familiares do Sul de Minas",
        short_name="COOPSUL",
        country=Country.BR,
        grade=Grade.SECOND,
        preferred_language=Language.PT,
        products=["coffee", "honey"],
        members_women=14, members_men=22, members_youth=6,
        national_coordinator="BRFT Brasil",
        contact_emails=["diretoria@coopsul.example"],
    ),
    "opp-c": dict(
        fairtrade_id="FLO-30003",
        legal_name="Cooperativa Agraria Cafetalera y Cacaotera Valle del Inambari",
        short_name="CACVI",
        country=Country.PE,
        grade=Grade.FIRST,
        preferred_language=Language.ES,
        products=["coffee", "cacao"],
        members_women=156, members_men=301, members_youth=88,
        national_coordinator="CNCJ Perú",
        contact_emails=["gerencia@cacvi.example"],
    ),
    "opp-d": dict(
        fairtrade_id="FLO-40004",
        legal_name="Unión de Cooperativas Agropecuarias Miraflor",
        short_name="UCA Miraflor",
        country=Country.NI,
        grade=Grade.SECOND,
        preferred_language=Language.ES,
        products=["coffee", "honey"],
        members_women=9, members_men=14, members_youth=4,
        national_coordinator="CNCJ Nicaragua",
        contact_emails=["direccion@ucamiraflor.example"],
    ),
    "opp-e": dict(
        fairtrade_id="FLO-50005",
        legal_name="Réseau des Coopératives Caféières de la Région des Cayes",
        short_name="RECOCARNO",
        country=Country.HT,
        grade=Grade.SECOND,
        preferred_language=Language.FR,
        products=["coffee", "cacao"],
        members_women=11, members_men=16, members_youth=5,
        national_coordinator="CNCJ Haïti",
        contact_emails=["direction@recocarno.example"],
    ),
    "opp-f": dict(
        fairtrade_id="FLO-60006",
        legal_name="Toledo Cacao Growers Association",
        short_name="TCGA",
        country=Country.BZ,
        grade=Grade.FIRST,
        preferred_language=Language.EN,
        products=["cacao"],
        members_women=390, members_men=612, members_youth=170,
        national_coordinator="Belize Fairtrade Network",
        contact_emails=["office@tcga.example"],
    ),
}

STAFF = {
    "admin": [(Role.ADMINISTRATOR, None)],
    "secretariat": [(Role.SECRETARIAT, None)],
    "committee1": [(Role.COMMITTEE_MEMBER, code) for code in DEMO_CAPITAL],
    "committee2": [(Role.COMMITTEE_MEMBER, code) for code in DEMO_CAPITAL],
    "committee3": [(Role.COMMITTEE_CHAIR, code) for code in DEMO_CAPITAL],
    "finance": [(Role.FINANCE, None)],
    # A second finance officer: whoever approves a disbursement may not pay it.
    "finance2": [(Role.FINANCE, None)],
    "auditor": [(Role.AUDITOR, None)],
}


class Command(BaseCommand):
    help = "Create the demo funds, organisations and users (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--password", required=True, help="Password for every demo user.")
        parser.add_argument("--without-past", action="store_true",
                            help="Only the funds, organisations, users and two paid awards: no year of "
                                 "files (quicker, for checks that need no history).")

    @transaction.atomic
    def handle(self, *args, password, without_past=False, **options):
        funds = {fund.code: fund for fund in Fund.objects.all()}
        for code, capital in DEMO_CAPITAL.items():
            fund = funds[code]
            FundParameters.objects.get_or_create(
                fund=fund, valid_from=PARAMETERS_FROM,
                defaults={"values": fund.rules.default_parameters(),
                          "note": "Defaults of DOMAIN.md"},
            )
            if not fund.ledger_transactions.filter(kind=TransactionKind.CAPITAL).exists():
                fund_capital_add(fund=fund, amount=capital, memo="Initial capital",
                                 booked_on=PARAMETERS_FROM)

        for username, spec in ORGANIZATIONS.items():
            spec = dict(spec)
            products = spec.pop("products")
            organization, created = Organization.objects.get_or_create(
                fairtrade_id=spec.pop("fairtrade_id"), defaults=spec
            )
            if created:
                organization.products.set(ProductCode.objects.filter(code__in=products))
                organization.certification_status = CertificationStatus.CERTIFIED
                organization.certification_expiry = datetime.date(2028, 6, 30)
                organization.save()
            self._user(username, password, organization=organization,
                       language=organization.preferred_language, is_representative=True)

        for username, roles in STAFF.items():
            user = self._user(username, password, is_staff=username == "admin",
                              is_superuser=username == "admin")
            for role, code in roles:
                fund = funds[code] if code else None
                if not StaffRole.objects.active().filter(user=user, role=role, fund=fund).exists():
                    StaffRole.objects.create(user=user, role=role, fund=fund)
        self._calls()
        self._reports()
        if not without_past:
            self._past()
        self.stdout.write(self.style.SUCCESS("Demo data in place."))

    def _calls(self):
        """An open call of each fund this year, budgeted with the fund's demo capital."""
        from calls.demo import demo_calls

        demo_calls(by=User.objects.get(username="secretariat"), budgets=DEMO_CAPITAL)

    def _reports(self):
        """Two paid awards with accepted project reports, so that the outcomes page is not empty."""
        from reporting.demo import demo_reports

        users = {user.username: user for user in User.objects.filter(username__in=[
            "opp-a", "opp-b", "secretariat", "committee1", "committee2", "committee3", "finance",
            "finance2"])}
        demo_reports(opp_a=users["opp-a"], opp_b=users["opp-b"], secretariat=users["secretariat"],
                     committee=[users["committee1"], users["committee2"], users["committee3"]],
                     finance=users["finance"], treasurer=users["finance2"])

    def _past(self):
        """A year of files in every state, once (see ``organizations.demo_past``)."""
        from applications.models import Application
        from organizations.demo_past import People, demo_past

        opp_users = User.objects.filter(username__in=list(ORGANIZATIONS)).select_related("organization")
        by_id = {user.organization.fairtrade_id: user for user in opp_users}
        newest = {spec["fairtrade_id"] for spec in ORGANIZATIONS.values()} - {"FLO-10001", "FLO-20002"}
        if Application.objects.filter(organization__fairtrade_id__in=newest).exists():
            return
        users = {user.username: user for user in User.objects.filter(username__in=[
            "secretariat", "committee1", "committee2", "committee3", "finance", "finance2"])}
        demo_past(people=People(
            opp=by_id, secretariat=users["secretariat"],
            committee=[users["committee1"], users["committee2"], users["committee3"]],
            finance=users["finance"], treasurer=users["finance2"]), budgets=DEMO_CAPITAL)

    def _user(self, username, password, **fields):
        user = User.objects.filter(username=username).first()
        if user is None:
            email = f"{username}@fondos.example"
            # Demo addresses count as verified so that letters and notices reach the demo inboxes.
            user = User(username=username, email=email, email_verified=email,
                        email_verified_at=timezone.now(), **fields)
            user.set_password(password)
            user.save()
        return user
