"""What an organisation's change announces to the apps built on organisations.

Apps register a handler in their ``AppConfig.ready()`` (applications refresh their search text when an
organisation's changes), so that organisations never import the apps that build on them.
"""

from collections.abc import Callable

SearchTextHandler = Callable[..., object]
_search_text_handlers: list[SearchTextHandler] = []


def on_search_text_changed(handler: SearchTextHandler) -> SearchTextHandler:
    if handler not in _search_text_handlers:
        _search_text_handlers.append(handler)
    return handler


def search_text_changed(*, organization_id: int) -> None:
    for handler in _search_text_handlers:
        handler(organization_id=organization_id)
