"""A list sorted by a column that is never empty sorts without NULLS LAST (which kept PostgreSQL from
reading the column's index in order); a column that may be empty still sorts its empty rows last."""

from disbursements.filters import LoanFilter
from disbursements.models import Loan
from listing.filters import _may_be_empty


def _order_sql(ordering: str) -> str:
    queryset = LoanFilter({"ordering": ordering}, queryset=Loan.objects.all()).qs
    return str(queryset.query).split("ORDER BY")[1]


def test_a_column_never_empty_sorts_without_nulls_last():
    assert "NULLS LAST" not in _order_sql("-reference")
    assert _order_sql("-reference").strip().startswith('"disbursements_loan"."application_id" DESC')


def test_which_columns_may_be_empty():
    assert not _may_be_empty(Loan, "application_id")
    assert not _may_be_empty(Loan, "application__organization__short_name")
    assert _may_be_empty(Loan, "disbursed_on")
    assert _may_be_empty(Loan, "written_off_by__username")
    assert _may_be_empty(Loan, "instalments__due_date")  # a reverse relation: a loan may have none
    assert _may_be_empty(Loan, "not_a_field")
