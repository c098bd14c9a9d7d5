"""Reading a DMN document: a :class:`DmnReader` collects every problem instead of
stopping at the first, so a modeller fixes a file in one round trip."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from lxml import etree

from orchestrator.domain.errors import DeployProblem, ExpressionSyntaxError
from orchestrator.engine.dmn.model import SUPPORTED_TYPE_REFS

_T = TypeVar("_T")


class DmnReader:
    """Walks one document, remembering problems instead of stopping at the first."""

    def __init__(self, filename: str, namespace: str) -> None:
        self.filename = filename
        self.ns = namespace
        self.problems: list[DeployProblem] = []

    def problem(
        self,
        message: str,
        element: etree._Element | None,
        element_id: str | None = None,
        element_name: str | None = None,
    ) -> None:
        line = line_of(element) if element is not None else None
        self.problems.append(
            DeployProblem(
                message,
                file=self.filename,
                element_id=element_id,
                element_name=element_name,
                line=line,
            )
        )

    def children(self, element: etree._Element, local: str) -> list[etree._Element]:
        tag = f"{{{self.ns}}}{local}"
        return [child for child in element if child.tag == tag]

    def child(self, element: etree._Element, local: str) -> etree._Element | None:
        found = self.children(element, local)
        return found[0] if found else None

    def text_of(self, element: etree._Element | None) -> str | None:
        """Text of the ``<text>`` child; None when there is no such child."""
        if element is None:
            return None
        text = self.child(element, "text")
        return None if text is None else (text.text or "")

    def parse_cell(
        self,
        parse: Callable[[str], _T],
        text: str,
        where: str,
        element: etree._Element,
        element_id: str | None,
        element_name: str | None = None,
    ) -> _T | None:
        try:
            return parse(text)
        except ExpressionSyntaxError as exc:
            at = f" at position {exc.position}" if exc.position is not None else ""
            self.problem(
                f"{where}: {exc.reason}{at} in {text!r}", element, element_id, element_name
            )
            return None


def line_of(element: etree._Element) -> int | None:
    # lxml gives None for elements built in memory; the stubs type it loosely
    line: object = getattr(element, "sourceline", None)
    return line if isinstance(line, int) else None


def local_name(tag: object) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def type_ref_message(type_ref: str) -> str:
    supported = ", ".join(sorted(SUPPORTED_TYPE_REFS))
    return f"typeRef '{type_ref}' is not supported (use one of: {supported})"
