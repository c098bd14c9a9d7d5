"""Safe XML parsing for partner messages: no entities, no DTD, no network, bounded size."""

from __future__ import annotations

from lxml import etree

#: a SOAP answer larger than this is refused (no partner message of ours comes close)
MAX_XML_BYTES = 2 * 1024 * 1024


class UnsafeXml(ValueError):
    """The document is malformed, too big, or carries a DOCTYPE."""


def parse_xml(content: bytes, *, max_bytes: int = MAX_XML_BYTES) -> etree._Element:
    """Parse ``content`` with entity resolution, DTD loading and network access off.

    Raises:
        UnsafeXml: not well-formed, larger than ``max_bytes``, or with a DOCTYPE.
    """
    if len(content) > max_bytes:
        raise UnsafeXml(f"document of {len(content)} bytes exceeds {max_bytes}")
    parser = etree.XMLParser(
        resolve_entities=False,
        load_dtd=False,
        no_network=True,
        dtd_validation=False,
        huge_tree=False,
        remove_pis=True,
    )
    try:
        root = etree.fromstring(content, parser)
    except etree.XMLSyntaxError as exc:
        raise UnsafeXml(f"not well-formed XML: {exc.msg}") from None
    if getattr(root.getroottree().docinfo, "doctype", None):
        raise UnsafeXml("documents with a DOCTYPE are not accepted")
    return root
