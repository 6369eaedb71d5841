"""Separate processes acting on the test database at the same moment.

Each child is a fresh interpreter (multiprocessing's "spawn"): it sets up Django against the test
database the parent's pytest-django created, waits at a barrier with its connection open, then runs one
service. Nothing Django is imported at module level, so a child can import this module before
``django.setup()``.
"""

from __future__ import annotations

import multiprocessing
import os
import queue as queue_module

BARRIER_SECONDS = 60
CHILD_SECONDS = 120


def children_database_url() -> str:
    """The URL of the database this pytest-django test runs on (its test name, not the configured one)."""
    from django.db import connection

    settings = connection.settings_dict
    user = settings.get("USER") or "postgres"
    password = f":{settings['PASSWORD']}" if settings.get("PASSWORD") else ""
    host = settings.get("HOST") or "127.0.0.1"
    port = settings.get("PORT") or "5432"
    return f"postgres://{user}{password}@{host}:{port}/{settings['NAME']}"


def _setup(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    import django

    django.setup()


def _approve(application_id: int, by_id: int, amount: str):
    from applications import services
    from organizations.models import User

    by = User.objects.get(pk=by_id)
    return lambda: services.application_approve(
        application_id=application_id, by=by, amount=amount, reason="Cumple los criterios."
    )


def _submit(application_id: int, by_id: int):
    from applications import services
    from organizations.models import User

    by = User.objects.get(pk=by_id)
    return lambda: services.application_submit(application_id=application_id, by=by)


ACTIONS = {"approve": _approve, "submit": _submit}


def child(database_url: str, action: str, args: tuple, barrier, results) -> None:
    """Run in the child: prepare, meet the others at the barrier, act, report the outcome's name."""
    _setup(database_url)
    from django.db import connection

    run = ACTIONS[action](*args)  # reads what it needs first, so only the service runs after the barrier
    connection.ensure_connection()
    try:
        barrier.wait(BARRIER_SECONDS)
        run()
        outcome = "ok"
    except Exception as exc:  # noqa: BLE001 - the outcome is what the parent inspects
        outcome = type(exc).__name__
    finally:
        connection.close()
    results.put((os.getpid(), outcome))


def race(*calls: tuple[str, tuple]) -> list[str]:
    """Start one process per ``(action, args)``; they act together; return their outcomes, sorted.

    Every child is killed if it is still alive when the wait is over."""
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(len(calls))
    results = context.Queue()
    url = children_database_url()
    processes = [context.Process(target=child, args=(url, action, args, barrier, results), daemon=True)
                 for action, args in calls]
    outcomes = []
    try:
        for process in processes:
            process.start()
        for _ in processes:
            try:
                outcomes.append(results.get(timeout=CHILD_SECONDS)[1])
            except queue_module.Empty:
                outcomes.append("timeout")
        for process in processes:
            process.join(10)
    finally:
        for process in processes:
            if process.is_alive():
                process.kill()
                process.join(5)
    return sorted(outcomes)
