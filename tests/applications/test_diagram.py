from pathlib import Path

from django.conf import settings

from applications.diagram import workflow_markdown


def test_the_documented_workflow_is_the_one_in_the_code():
    documented = (Path(settings.BASE_DIR) / "docs" / "workflow.md").read_text(encoding="utf-8")
    assert documented == workflow_markdown(), "Run: python manage.py workflow_diagram"
