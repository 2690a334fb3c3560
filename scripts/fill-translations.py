"""Fill empty msgstr entries of a catalogue from a Python dict file (`T = {...}`).

.venv/bin/python scripts/fill-translations.py locale/es/LC_MESSAGES/django.po my_es.py
"""

from __future__ import annotations

import runpy
import sys

import polib


def main(po_path: str, table_path: str) -> None:
    table = runpy.run_path(table_path)["T"]
    po = polib.pofile(po_path)
    filled = missing = 0
    for entry in po:
        if entry.msgid in table and (not entry.msgstr or "fuzzy" in entry.flags):
            entry.msgstr = table[entry.msgid]
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
            filled += 1
        elif not entry.msgstr and not entry.msgid_plural:
            missing += 1
    po.save(po_path)
    print(f"filled {filled}, still missing {missing}")


if __name__ == "__main__":
    main(*sys.argv[1:3])
