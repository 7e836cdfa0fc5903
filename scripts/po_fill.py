"""Fills German translations into a catalogue: `python scripts/po_fill.py PO_FILE MAPPING.json`.

MAPPING maps each English msgid to its German text (for plurals, to a list of two forms).
Prints the msgids still untranslated afterwards, so a run shows what is left to do."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po


def main(po_path: str, mapping_path: str) -> int:
    mapping = json.loads(Path(mapping_path).read_text(encoding="utf-8"))
    with open(po_path, "rb") as handle:
        catalogue = read_po(handle)
    for message in catalogue:
        if not message.id:
            continue
        key = message.id[0] if isinstance(message.id, tuple) else message.id
        if key in mapping:
            value = mapping[key]
            message.string = tuple(value) if isinstance(value, list) else value
            message.flags.discard("fuzzy")
    catalogue.fuzzy = False  # makemessages marks a new catalogue's header fuzzy
    with open(po_path, "wb") as handle:
        write_po(handle, catalogue, width=100)
    missing = [
        message.id
        for message in catalogue
        if message.id
        and (
            "fuzzy" in message.flags
            or not message.string
            or (isinstance(message.string, tuple) and not all(message.string))
        )
    ]
    for msgid in missing:
        print("untranslated:", msgid)  # noqa: T201 - a command-line report
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
