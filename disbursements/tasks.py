from celery import shared_task


@shared_task(name="disbursements.refresh_loan_arrears")
def refresh_loan_arrears() -> int:
    """Daily: loans with an instalment past due go into arrears, and out again once caught up."""
    from .services.loans import loans_refresh_arrears

    return loans_refresh_arrears()
