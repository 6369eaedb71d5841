"""What the schedule engine adjusted when the money was paid, recorded on the loan and told in the
reader's language.

A loan approved with harvest dates may be paid after some of them have passed, and a grace on
principal counted from the payment may then cover every harvest still to come. The schedule is still
built (the money has left the fund), but never silently: each adjustment is recorded on the loan
(``Loan.schedule_notes``, kept in its history) as a code with its figures, and shown to finance in the
payment's preview, on the loan's page and in the API (``schedule_notes``), worded when it is read.
"""

from __future__ import annotations

import datetime

from django.utils import formats
from django.utils.translation import gettext as _

HARVESTS_PASSED = "harvests_passed"
GRACE_SHORTENED = "grace_shortened"


def _day(value: str) -> str:
    return formats.date_format(datetime.date.fromisoformat(value), "SHORT_DATE_FORMAT")


def note_text(note: dict) -> str:
    """One recorded adjustment, in the active language."""
    code = note.get("code")
    if code == HARVESTS_PASSED:
        return _(
            "The money was paid on %(day)s, after the harvests of %(dates)s: they are left out of the "
            "schedule, which keeps the %(remaining)d harvest dates still to come."
        ) % {"day": _day(note["on"]), "dates": ", ".join(_day(day) for day in note["dates"]),
             "remaining": note["remaining"]}
    if code == GRACE_SHORTENED:
        return _(
            "With the payment of %(day)s, the grace on principal would cover all %(instalments)d "
            "instalments still to come: it covers the first %(applied)d, so that the last one repays the "
            "principal."
        ) % {"day": _day(note["on"]), "instalments": note["instalments"], "applied": note["applied"]}
    return str(note)


def loan_notes(loan, *, version: int | None = None) -> list[dict]:
    """The loan's recorded adjustments (of one schedule version when given), each with its text."""
    return [
        {**note, "message": note_text(note)}
        for note in (loan.schedule_notes or [])
        if version is None or note.get("version") == version
    ]
