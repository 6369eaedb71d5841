"""Every change to disbursements, loans and repayments happens in this package, one function per action,
one room per thing:

- ``disbursements``: the award's tranches, from creation to payment, failure or cancellation;
- ``schedules``: a loan's repayment schedule (terms, writing, replacing, previewing);
- ``loans``: a loan's life (creation, the money paid out, rescheduling, state, arrears);
- ``repayments``: money paid back, reversals and refunds of overpayments;
- ``write_offs``: write-offs and the recoveries after them.

Each service locks the row it changes, checks who acts and the state, moves the state through
django-fsm and posts the money to the fund's ledger, all in one transaction. Ledger entries are never
edited: a correction (a reversed repayment, a reallocation) is a new reversing transaction.
"""
