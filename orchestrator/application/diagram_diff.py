"""Which BPMN elements two versions of a diagram add, remove or change (for reviewers).

Pure: two XML texts in, a list of changes out. Diagram interchange (shapes, edges) is left
out, so moving a shape in the modeler is no change; an element counts as changed when its
attributes, its extension elements or its texts (conditions, timer expressions) differ.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

from lxml import etree

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"


@dataclass(frozen=True)
class ElementChange:
    """One element that differs between the versions."""

    change: str  # added | removed | changed
    element_id: str
    element_type: str
    name: str | None


def _parser() -> etree.XMLParser:
    # Same hardening as the engine's reader: no entities, no DTD, no network.
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def _elements(xml: str) -> dict[str, tuple[str, str | None, bytes]]:
    root = etree.fromstring(xml.encode("utf-8"), _parser())
    found: dict[str, tuple[str, str | None, bytes]] = {}
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        qname = etree.QName(element)
        element_id = element.get("id")
        if qname.namespace != BPMN_NS or element_id is None or qname.localname == "definitions":
            continue
        clone = copy.deepcopy(element)
        for child in list(clone):
            if isinstance(child.tag, str) and child.get("id") is not None:
                clone.remove(child)
        clone.tail = None
        found[element_id] = (
            qname.localname,
            element.get("name"),
            etree.tostring(clone, method="c14n"),
        )
    return found


def diff_diagrams(old: str, new: str) -> list[ElementChange]:
    """Elements added, removed and changed from ``old`` to ``new``, by element id.

    Raises:
        lxml.etree.XMLSyntaxError: a text is not well-formed XML (stored sources are).
    """
    before, after = _elements(old), _elements(new)
    changes = [
        ElementChange("added", i, after[i][0], after[i][1]) for i in after if i not in before
    ]
    changes += [
        ElementChange("removed", i, before[i][0], before[i][1]) for i in before if i not in after
    ]
    changes += [
        ElementChange("changed", i, after[i][0], after[i][1])
        for i in after
        if i in before and before[i] != after[i]
    ]
    return sorted(changes, key=lambda c: (c.change, c.element_id))
