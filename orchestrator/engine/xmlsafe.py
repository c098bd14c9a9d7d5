"""Hostile-input-safe XML parsing for BPMN, DMN and SOAP.

No entity resolution, no DTD loading, no network, no huge trees; a DOCTYPE is refused
outright because no legitimate BPMN/DMN file needs one.
"""

from __future__ import annotations

from lxml import etree

MAX_XML_BYTES = 10 * 1024 * 1024


class UnsafeXml(ValueError):
    """The document is not acceptable XML (malformed, too big, or with a DOCTYPE)."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        load_dtd=False,
        no_network=True,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=False,
        remove_pis=True,
    )


def parse_xml(content: bytes, *, max_bytes: int = MAX_XML_BYTES) -> etree._ElementTree:
    """Parse ``content`` safely; raise :class:`UnsafeXml` with a reason and line."""
    if len(content) > max_bytes:
        raise UnsafeXml(f"document is {len(content)} bytes, more than the {max_bytes} allowed")
    try:
        tree = etree.ElementTree(etree.fromstring(content, _parser()))
    except etree.XMLSyntaxError as exc:
        raise UnsafeXml(f"not well-formed XML: {exc.msg}", line=exc.lineno) from None
    if getattr(tree.docinfo, "doctype", None):
        raise UnsafeXml("documents with a DOCTYPE (DTD, entities) are not accepted", line=1)
    return tree
