"""The application workflow as a Mermaid state diagram and a table, drawn from the workflow table."""

from django.utils.translation import override

from .workflow import TRANSITIONS, Status


def workflow_markdown() -> str:
    with override("en"):
        lines = [
            "# The life of an application",
            "",
            "Drawn from `applications/workflow.py` by `python manage.py workflow_diagram`; a test fails",
            "when this file and the workflow table disagree.",
            "",
            "```mermaid",
            "stateDiagram-v2",
            "    [*] --> draft",
        ]
        for spec in TRANSITIONS.values():
            targets = [spec.target] if spec.target else [Status.SCREENING, Status.COMMITTEE_REVIEW]
            for source in spec.sources:
                for target in targets:
                    if spec.target is None and target != source:
                        lines.append(f"    {source} --> {target}: {spec.name} (back to where it came from)")
                    elif spec.target is not None:
                        lines.append(f"    {source} --> {target}: {spec.name}")
        lines += [f"    {state} --> [*]" for state in ("rejected", "withdrawn", "expired", "closed")]
        lines += ["```", "", "| transition | from | to | who |", "|---|---|---|---|"]
        for spec in TRANSITIONS.values():
            who = "; ".join(
                f"{source}: {', '.join(sorted(actors))}" for source, actors in spec.actors_by_source
            ) or ", ".join(sorted(spec.actors))
            target = spec.target or "the state it came from"
            lines.append(f"| `{spec.name}` | {', '.join(spec.sources)} | {target} | {who} |")
        lines += ["", "States: " + ", ".join(f"`{value}` ({label})" for value, label in Status.choices), ""]
    return "\n".join(lines)
