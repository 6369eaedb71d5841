"""A loan's schedule as the API shows it, built without DRF's per-field machinery.

The schedule is read on every visit to a loan; DRF's serializer cost more than its query. This gives
the same JSON as ``serializers.InstalmentSerializer`` (which still declares the shape for the OpenAPI
schema and is the reference: ``tests/disbursements/test_representation.py`` checks both agree),
formatting each value with that serializer's own fields, built once.
"""

from functools import cache

_AMOUNTS = ("principal", "interest", "fees", "principal_paid", "interest_paid", "fees_paid")


@cache
def _fields():
    from .serializers import InstalmentSerializer

    return dict(InstalmentSerializer().fields)


def schedule_json(instalments, on) -> list[dict]:
    """``InstalmentSerializer(instalments, many=True, context={"on": on})``."""
    fields = _fields()
    amount, day = fields["principal"], fields["due_date"]
    rows = []
    for instalment in instalments:
        row = {"n": instalment.n, "due_date": day.to_representation(instalment.due_date)}
        row.update((name, amount.to_representation(getattr(instalment, name))) for name in _AMOUNTS)
        row["total"] = str(instalment.total)
        row["paid"] = str(instalment.paid)
        row["paid_on"] = None if instalment.paid_on is None else day.to_representation(instalment.paid_on)
        row["status"] = instalment.status_on(on)
        row["version"] = instalment.version
        rows.append({name: row[name] for name in fields})
    return rows
