"""Project reports for the generated awards: what each fund's rules ask for from the first payment, in
states that follow the calendar (a closed file has every report accepted; reports due long ago are
mostly accepted, some still submitted, returned or missing; reports due later are mostly still due),
with indicators, people reached and money spent, and the "latest" marks the outcomes report reads."""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_EVEN, Decimal

from applications.workflow import Status
from funds.models import FundCode
from reporting.models import ProjectReport, ReportIndicator

from .writer import Table

UTC = datetime.UTC
EXTRA_INDICATOR = {  # a fund's own indicator, which the organisation adds to its reports
    FundCode.CATASTROPHIC_EVENTS: ("Hectáreas replantadas", "ha", (0, 0), (2, 60)),
    FundCode.YOUTH_REVOLVING: ("Ingresos del grupo", "USD/año", (400, 3000), None),
    FundCode.CLIMATE_EVENTUALITY: ("Productoras capacitadas", "personas", (0, 10), (5, 60)),
}
BUDGET_LINES = ["Insumos", "Equipos", "Capacitación", "Mano de obra", "Transporte"]


def _measure(value) -> Decimal:
    return Decimal(value).quantize(Decimal("0.01"), ROUND_HALF_EVEN)


class ReportLoad:
    def __init__(self, generator):
        self.g = generator
        self.t_report = Table(ProjectReport, [
            "id", "application", "kind", "sequence", "required", "status", "due_on", "narrative",
            "people_women", "people_men", "people_other", "people_youth", "people_adults", "expenditures",
            "compensation_use", "producers_compensated", "comments", "counts_people", "created_at",
            "updated_at", "submitted_at", "accepted_at", "accepted_by"])
        self.t_indicator = Table(ReportIndicator, [
            "id", "report", "position", "indicator", "unit", "baseline", "value", "from_baseline",
            "is_latest"])
        self.parameters = {code: fund.rules.parse_parameters({}) for code, fund in generator.funds.items()}

    @property
    def tables(self) -> list[Table]:
        return [self.t_report, self.t_indicator]

    def status_for(self, due_on: datetime.date, state: str) -> str:
        rng, today = self.g.rng, self.g.today
        if state == Status.CLOSED:
            return "accepted"
        if due_on <= today:
            return rng.choices(["accepted", "submitted", "returned", "draft", "due"], [80, 7, 3, 4, 6])[0]
        return rng.choices(["due", "draft", "accepted"], [75, 15, 10])[0]

    def owed(self, app_id: int, code: str, data: dict, paid_at: datetime.datetime, state: str, staff,
             amount: Decimal) -> None:
        rng, g = self.g.rng, self.g
        fund = g.funds[code]
        dues = fund.rules.report_requirements(data, paid_on=paid_at.date(), parameters=self.parameters[code])
        statuses = [self.status_for(due.due_on, state) for due in dues]
        accepted = [i for i, status in enumerate(statuses) if status == "accepted"]
        latest = accepted[-1] if accepted else None
        baseline = [(row["indicator"], row["unit"], Decimal(str(row["value"])), True)
                    for row in data.get("baseline") or []]
        extra = EXTRA_INDICATOR.get(code)
        if extra is not None:
            low, high = extra[2]
            baseline.append((extra[0], extra[1], _measure(rng.randint(low, high)), False))
        growth = {name: Decimal(str(rng.uniform(0.85, 2.2))) for name, _u, _b, _f in baseline}
        reach = rng.randint(8, 400)
        for index, (due, status) in enumerate(zip(dues, statuses, strict=True)):
            report_id = g.ids(ProjectReport)
            created = paid_at
            submitted = accepted_at = None
            if status in ("submitted", "returned", "accepted"):
                submitted = g.later(datetime.datetime.combine(due.due_on, datetime.time(15), tzinfo=UTC),
                                    -20, 10)
                submitted = max(submitted, paid_at + datetime.timedelta(hours=1))
            if status == "accepted":
                accepted_at = max(g.later(submitted, 1, 20), submitted)
            filled = status != "due" and due.kind != "certificate"
            progress = Decimal(index + 1) / Decimal(len(dues))
            people = [None] * 5
            if filled:
                share = max(1, int(reach * float(progress)))
                women = rng.randint(0, share)
                other = 1 if rng.random() < 0.03 else 0
                youth = rng.randint(0, share + other)
                people = [women, share - women, other, youth, share + other - youth]
            expenditures = []
            if filled:
                spent = amount * progress
                lines = rng.sample(BUDGET_LINES, rng.randint(1, 3))
                part = _measure(spent / len(lines))
                expenditures = [{"budget_line": line, "amount": str(part), "currency": "USD"}
                                for line in lines]
            catastrophic = due.kind == "use_of_funds" and filled
            self.t_report.add(
                report_id, app_id, due.kind, due.sequence, True, status, due.due_on,
                "Avances del proyecto según lo previsto." if filled else "", *people, expenditures,
                "Semillas, abono y mano de obra para replantar." if catastrophic else "",
                people[0] + people[1] + people[2] if catastrophic else None,
                "Falta el detalle de gastos." if status == "returned" else "",
                index == latest and filled, created, accepted_at or submitted or created, submitted,
                accepted_at, staff.secretariat if accepted_at else None,
            )
            if due.kind == "certificate":
                continue
            for position, (name, unit, base, from_baseline) in enumerate(baseline):
                value = None
                if filled:
                    change = base * (growth[name] - 1) if base else Decimal(rng.randint(3, 60))
                    value = _measure(base + change * progress)
                self.t_indicator.add(g.ids(ReportIndicator), report_id, position, name, unit, base, value,
                                     from_baseline, index == latest)
