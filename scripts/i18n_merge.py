"""Merge every crm_extension/i18n/*.po with the template crm_extension.pot.

Existing translations are kept, new messages are added untranslated, messages the
template no longer has are dropped (no obsolete ``#~`` entries), no entry stays fuzzy.
Entries are sorted by msgid and the file is written by polib, as the .po check expects.

Usage: python scripts/i18n_merge.py [LANG.po ...]   (default: every .po beside the .pot)
"""

import sys
from pathlib import Path

import polib

I18N = Path(__file__).resolve().parent.parent / "crm_extension" / "i18n"
POT = I18N / "crm_extension.pot"


def _key(entry):
    return (entry.msgctxt or "", entry.msgid)


def merge(po_path, pot):
    """Rewrite ``po_path`` against ``pot``; return (translated, untranslated, dropped)."""
    po = polib.pofile(str(po_path), wrapwidth=78)
    old = {_key(e): e for e in po if not e.obsolete}
    merged = polib.POFile(wrapwidth=78)
    merged.header = po.header
    merged.metadata = dict(po.metadata)
    merged.metadata["POT-Creation-Date"] = pot.metadata.get(
        "POT-Creation-Date", merged.metadata.get("POT-Creation-Date", "")
    )
    for tmpl in sorted(pot, key=lambda e: (e.msgid, e.msgctxt or "")):
        if tmpl.obsolete:
            continue
        entry = polib.POEntry(
            msgid=tmpl.msgid,
            msgctxt=tmpl.msgctxt,
            msgid_plural=tmpl.msgid_plural,
            occurrences=list(tmpl.occurrences),
            comment=tmpl.comment,
            flags=[f for f in tmpl.flags if f != "fuzzy"],
        )
        previous = old.get(_key(tmpl))
        if previous is not None and "fuzzy" not in previous.flags:
            entry.msgstr = previous.msgstr
            entry.msgstr_plural = dict(previous.msgstr_plural)
            entry.tcomment = previous.tcomment
        merged.append(entry)
    dropped = len(po.obsolete_entries()) + len(set(old) - {_key(e) for e in pot})
    merged.save(str(po_path))
    untranslated = len(merged.untranslated_entries())
    return len(merged) - untranslated, untranslated, dropped


def main(argv):
    pot = polib.pofile(str(POT), wrapwidth=78)
    paths = [Path(p) for p in argv] or sorted(I18N.glob("*.po"))
    for path in paths:
        translated, untranslated, dropped = merge(path, pot)
        print(
            f"{path.name}: {translated} translated, {untranslated} untranslated, {dropped} dropped"
        )


if __name__ == "__main__":
    main(sys.argv[1:])
