"""Background work the letters' services ask for once their transaction commits.

The services send these signals; ``letters.tasks`` receives them and hands the work to Celery. The
services never import the tasks (which import the services), so the two stay one-way.
"""

from django.db import transaction
from django.dispatch import Signal

# Each is sent with ``pk``: the letter's or the schedule document's.
letter_render_wanted = Signal()
letter_email_wanted = Signal()
schedule_document_render_wanted = Signal()


def after_commit(signal: Signal, sender, pk: int) -> None:
    """Send ``signal`` once the current transaction commits. Robust: a broker hiccup after the change
    committed must not undo nor hide it; the row stays pending, and staff or the sweep retry it."""
    transaction.on_commit(lambda: signal.send(sender=sender, pk=pk), robust=True)
