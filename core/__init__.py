"""What every app shares and nothing of the project: errors, money, parsing and HTTP helpers.

``core`` imports only Django, Django REST framework, Babel and the standard library; every app may import
it, and it imports no app (``tests/test_architecture.py`` holds it to that).
"""
