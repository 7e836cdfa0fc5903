from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.pofile import read_po

import clusterbridge

PACKAGE = Path(clusterbridge.__file__).parent
# The core catalogue and one per app that keeps its own (see `make translations`).
CATALOGUES = sorted(PACKAGE.glob("**/locale/de/LC_MESSAGES/django.po"))


def test_every_app_catalogue_is_found() -> None:
    apps = {path.relative_to(PACKAGE).parts[0] for path in CATALOGUES}

    assert {"locale", "matching", "cooperation", "programme"} <= apps


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda path: str(path.relative_to(PACKAGE)))
def test_german_catalogue_is_complete(po: Path) -> None:
    with po.open("rb") as handle:
        catalogue = read_po(handle)

    missing = [
        message.id
        for message in catalogue
        if message.id
        and (
            message.fuzzy
            or not message.string
            or (isinstance(message.string, tuple) and not all(message.string))
        )
    ]

    assert missing == []
