from __future__ import annotations

from pathlib import Path

from babel.messages.pofile import read_po

import clusterbridge

PO = Path(clusterbridge.__file__).parent / "locale" / "de" / "LC_MESSAGES" / "django.po"


def test_german_catalogue_is_complete() -> None:
    with PO.open("rb") as handle:
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
