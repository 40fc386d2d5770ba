"""Checks a DataCite record the way DataCite's own tools read it.

Usage: datacite_check.py RECORD.json RECORD.xml

The JSON record is validated against DataCite's JSON schema 4.5 as shipped by the `datacite`
package (PyPI); the package then writes its XML form, which must hold the same elements,
attributes and text as RECORD.xml (the order of the top-level elements is free in DataCite's
XML schema; the order inside each list is not). Prints every difference and exits 1 on any.
"""

import difflib
import json
import pprint
import sys

from datacite import schema45
from lxml import etree


def canonical(el):
    """(tag, sorted attributes, text, children) with namespaces kept."""
    attrs = tuple(sorted(el.attrib.items()))
    text = (el.text or "").strip()
    children = [canonical(c) for c in el if isinstance(c.tag, str)]
    return (el.tag, attrs, text, children)


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        record = json.load(f)
    failed = False
    for error in sorted(schema45.validator.iter_errors(record), key=str):
        print("schema 4.5:", "/".join(map(str, error.path)), error.message)
        failed = True
    ours = canonical(etree.parse(sys.argv[2]).getroot())
    theirs = canonical(etree.fromstring(schema45.tostring(record).encode("utf-8")))
    ours = ours[:3] + (sorted(ours[3], key=lambda c: c[0]),)
    theirs = theirs[:3] + (sorted(theirs[3], key=lambda c: c[0]),)
    if ours != theirs:
        diff = difflib.unified_diff(
            pprint.pformat(theirs, width=100).splitlines(),
            pprint.pformat(ours, width=100).splitlines(),
            "written by the datacite package from the JSON",
            "written by sesh",
            lineterm="",
        )
        print("\n".join(diff))
        failed = True
    if failed:
        sys.exit(1)
    print("ok: valid DataCite 4.5 JSON, and the same record as the XML")


if __name__ == "__main__":
    main()
