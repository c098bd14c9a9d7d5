"""SOAP 1.1 envelopes (document/literal) for the UWV services, built and read with lxml.

The style follows Suwinet-Inlezen: a WS-Addressing header (``MessageID`` is the job's
idempotency key, so UWV can recognise a repeated request), a WS-Security UsernameToken,
and one body element per operation whose children are simple values. Faults carry a
``Fout/Code`` in their detail (``PersoonOnbekend``); ``soap:Server`` faults are UWV's own
trouble and worth a retry, ``soap:Client`` faults are answers about the request.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from adapters.common.xml import UnsafeXml, parse_xml

SOAP_NS = "http://schemas.xmlsoap.org/soap/envelope/"
WSA_NS = "http://www.w3.org/2005/08/addressing"
WSSE_NS = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"
#: the namespace of the (simulated) Ketenregie-UWV service contract
UWV_NS = "urn:nl:ketenregie:suwi:uwv:v1"
NSMAP = {"soap": SOAP_NS, "wsa": WSA_NS, "wsse": WSSE_NS, "uwv": UWV_NS}

#: the SOAP operations of the UWV service
OPERATIONS = ("WwUitkeringOpvragen", "WerkzoekendeRegistreren", "SwIndicatieAanvragen")


class SoapError(ValueError):
    """The message is not a SOAP envelope we understand."""


class SoapFault(Exception):
    """A SOAP fault: ``faultcode`` (``Client``/``Server``), text and the detail's code."""

    def __init__(self, faultcode: str, faultstring: str, code: str | None) -> None:
        super().__init__(f"{faultcode}: {code or faultstring}")
        self.faultcode = faultcode
        self.faultstring = faultstring
        self.code = code

    @property
    def is_server(self) -> bool:
        """True for ``soap:Server`` faults (the service's own trouble)."""
        return self.faultcode.split(":")[-1] == "Server"


@dataclass(frozen=True)
class SoapMessage:
    """A parsed request or response: operation, header values and the body's fields."""

    operation: str
    message_id: str | None
    username: str | None
    password: str | None
    fields: dict[str, str]


def _q(ns: str, name: str) -> str:
    return f"{{{ns}}}{name}"


def envelope(
    operation: str,
    fields: dict[str, str],
    *,
    message_id: str | None = None,
    to: str | None = None,
    username: str | None = None,
    password: str | None = None,
) -> bytes:
    """A SOAP 1.1 envelope with ``<uwv:{operation}>`` holding ``fields`` in order."""
    env = etree.Element(_q(SOAP_NS, "Envelope"), nsmap=NSMAP)
    header = etree.SubElement(env, _q(SOAP_NS, "Header"))
    if message_id is not None:
        etree.SubElement(header, _q(WSA_NS, "MessageID")).text = message_id
        etree.SubElement(header, _q(WSA_NS, "Action")).text = f"{UWV_NS}/{operation}"
    if to is not None:
        etree.SubElement(header, _q(WSA_NS, "To")).text = to
    if username is not None:
        security = etree.SubElement(header, _q(WSSE_NS, "Security"))
        token = etree.SubElement(security, _q(WSSE_NS, "UsernameToken"))
        etree.SubElement(token, _q(WSSE_NS, "Username")).text = username
        etree.SubElement(token, _q(WSSE_NS, "Password")).text = password or ""
    body = etree.SubElement(env, _q(SOAP_NS, "Body"))
    element = etree.SubElement(body, _q(UWV_NS, operation))
    for name, value in fields.items():
        etree.SubElement(element, _q(UWV_NS, name)).text = value
    return bytes(etree.tostring(env, xml_declaration=True, encoding="utf-8"))


def fault(faultcode: str, faultstring: str, code: str | None = None) -> bytes:
    """A SOAP 1.1 fault envelope (``faultcode`` ``Client`` or ``Server``)."""
    env = etree.Element(_q(SOAP_NS, "Envelope"), nsmap=NSMAP)
    body = etree.SubElement(env, _q(SOAP_NS, "Body"))
    element = etree.SubElement(body, _q(SOAP_NS, "Fault"))
    etree.SubElement(element, "faultcode").text = f"soap:{faultcode}"
    etree.SubElement(element, "faultstring").text = faultstring
    if code is not None:
        detail = etree.SubElement(element, "detail")
        fout = etree.SubElement(detail, _q(UWV_NS, "Fout"))
        etree.SubElement(fout, _q(UWV_NS, "Code")).text = code
        etree.SubElement(fout, _q(UWV_NS, "Omschrijving")).text = faultstring
    return bytes(etree.tostring(env, xml_declaration=True, encoding="utf-8"))


def _text(parent: etree._Element, path: str) -> str | None:
    found = parent.find(path, NSMAP)
    return found.text if found is not None and found.text is not None else None


def parse(content: bytes) -> SoapMessage:
    """Read an envelope.

    Raises:
        SoapFault: the body is a fault.
        SoapError: not XML, not a SOAP 1.1 envelope, or no operation element.
    """
    try:
        root = parse_xml(content)
    except UnsafeXml as exc:
        raise SoapError(str(exc)) from None
    if root.tag != _q(SOAP_NS, "Envelope"):
        raise SoapError("not a SOAP 1.1 envelope")
    body = root.find("soap:Body", NSMAP)
    if body is None or len(body) == 0:
        raise SoapError("envelope without body content")
    element = body[0]
    if element.tag == _q(SOAP_NS, "Fault"):
        raise SoapFault(
            faultcode=element.findtext("faultcode") or "soap:Server",
            faultstring=element.findtext("faultstring") or "",
            code=_text(element, "detail/uwv:Fout/uwv:Code"),
        )
    if not isinstance(element.tag, str) or not element.tag.startswith(f"{{{UWV_NS}}}"):
        raise SoapError("body element outside the UWV namespace")
    fields = {
        etree.QName(child).localname: (child.text or "")
        for child in element
        if isinstance(child.tag, str)
    }
    header = root.find("soap:Header", NSMAP)
    base = header if header is not None else root
    return SoapMessage(
        operation=etree.QName(element).localname,
        message_id=_text(base, "wsa:MessageID"),
        username=_text(base, "wsse:Security/wsse:UsernameToken/wsse:Username"),
        password=_text(base, "wsse:Security/wsse:UsernameToken/wsse:Password"),
        fields=fields,
    )
