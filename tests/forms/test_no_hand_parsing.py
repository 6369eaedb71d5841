"""Pages read what they are given with the API's serializers (``portal.api_input.read_posted``) or with a
Django form, never by hand: a form and an API call give the same answer and the same message.

The page modules are read from the source (``ast``). In every function (or lambda) that reads the posted
form (``request.POST``, ``request.FILES`` or a ``post`` parameter), a call that parses a value by hand
is a failure: ``Decimal()``, ``int()``, ``float()``, the core parsers, ``date.fromisoformat``,
``strptime``, ``.isdigit()``; and so is a posted value handed straight to a service as a keyword
argument (``reason=post.get("reason")``), which skips the serializer's checks.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent

PAGE_MODULES = (
    "portal/views.py", "portal/document_views.py", "portal/finance_views.py", "portal/finance_actions.py",
    "portal/staff_views.py",
    "reporting/views.py", "calls/views.py", "dashboard/views.py", "donors/views.py",
    "organizations/views.py", "security/views.py",
)

HAND_PARSERS = {"Decimal", "int", "float", "parse_date", "parse_amount", "parse_number", "read_amount",
                "read_localised", "plain_number", "is_unreadable", "fromisoformat", "strptime", "isdigit",
                "isdecimal", "isnumeric"}

# Posted values that are no input of an action, each with why it may be read as it is.
ALLOWED = {
    # The report's steps: how many rows the form drew (a layout count, capped), and the step's values
    # gathered into the API's body; ``project_report_update`` validates that body with the API's
    # ``ReportFields``.
    ("reporting/views.py", "_rows"),
    ("reporting/views.py", "_number"),
    ("reporting/views.py", "_unreadable_numbers"),
    # The repayment form's idempotency key: the API's ``Idempotency-Key`` header, not a field.
    ("portal/finance_views.py", "loan_detail:idempotency_key"),
}


def _reads_post(node: ast.AST) -> bool:
    for child in ast.walk(node):
        if isinstance(child, ast.Attribute) and child.attr in ("POST", "FILES"):
            return True
        if isinstance(child, ast.arg) and child.arg == "post":
            return True
    return False


def _is_posted_value(node: ast.AST, posted_names: set[str] = frozenset()) -> bool:
    """``request.POST.get(...)``, ``post.get(...)``, ``request.POST[...]`` and the like, or a name that
    was given one (``kind = request.POST.get("kind")``)."""
    if isinstance(node, ast.Name):
        return node.id in posted_names
    target = node.func.value if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
        else node.value if isinstance(node, ast.Subscript) else None
    if target is None:
        return False
    return ((isinstance(target, ast.Attribute) and target.attr in ("POST", "FILES"))
            or (isinstance(target, ast.Name) and target.id == "post"))


def _called_name(call: ast.Call) -> str:
    return call.func.attr if isinstance(call.func, ast.Attribute) else getattr(call.func, "id", "")


def hand_parsing(source: str, path: str) -> list[str]:
    """Where the page module ``source`` parses posted values by hand, as ``path:line function: what``."""
    found = []
    tree = ast.parse(source)
    functions = [node for node in ast.walk(tree)
                 if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)]
    for function in functions:
        if not _reads_post(function):
            continue
        name = getattr(function, "name", "<lambda>")
        posted_names = {target.id for node in ast.walk(function) if isinstance(node, ast.Assign)
                        and _is_posted_value(node.value)
                        for target in node.targets if isinstance(target, ast.Name)}
        for call in (node for node in ast.walk(function) if isinstance(node, ast.Call)):
            called = _called_name(call)
            if called in HAND_PARSERS and (path, name) not in ALLOWED:
                found.append(f"{path}:{call.lineno} {name}: {called}()")
            for keyword in call.keywords:
                allowed = (path, f"{name}:{keyword.arg}") in ALLOWED
                if _is_posted_value(keyword.value, posted_names) and not allowed:
                    found.append(f"{path}:{call.lineno} {name}: {keyword.arg}= a posted value as it came")
    return sorted(set(found))


def test_no_page_parses_what_it_is_given_by_hand():
    found = []
    for path in PAGE_MODULES:
        if (ROOT / path).exists():
            found += hand_parsing((ROOT / path).read_text(), path)
    assert found == [], "read these with the API's serializer (portal.api_input.read_posted) or a form"


@pytest.mark.parametrize(("planted", "caught"), [
    ('def pay(request):\n    tranches.pay(paid_on=parse_date(request.POST.get("paid_on", "")))\n',
     "parse_date()"),
    ('def score(request):\n    raw = request.POST.get("score", "")\n'
     '    n = int(raw) if raw.isdigit() else None\n', "int()"),
    ('ACTIONS = {"reject": lambda a, by, post: services.reject(id=a.pk, reason=post.get("reason", ""))}\n',
     "reason= a posted value as it came"),
    ('def upload(request):\n    kind = request.POST.get("kind", "")\n    services.attach(kind=kind)\n',
     "kind= a posted value as it came"),
    ('def approve(application, by, post):\n    services.approve(amount=plain_number(post.get("amount")))\n',
     "plain_number()"),
    ('def amount(request):\n    return Decimal(request.POST["amount"])\n', "Decimal()"),
])
def test_the_guard_catches_hand_parsing(planted, caught):
    assert any(caught in line for line in hand_parsing(planted, "portal/views.py"))


def test_the_guard_leaves_reading_with_a_serializer_alone():
    source = ('def pay(request):\n'
              '    tranches.pay(**read_posted(PaySerializer, request.POST, numbers=("amount",)))\n'
              'def loans(request):\n    on = parse_date(request.GET["on"])\n')
    assert hand_parsing(source, "portal/views.py") == []
