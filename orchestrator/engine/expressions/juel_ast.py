"""Syntax tree of the JUEL subset: small frozen dataclasses, no behaviour of their own.

The tree is produced by :mod:`juel_parser` and walked by :mod:`juel_eval`. Operators are
stored in their canonical symbolic spelling (``and`` becomes ``&&``, ``lt`` becomes ``<``)
so the evaluator has a single spelling per operator to deal with.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeAlias

#: Longest expression text we accept; longer text is refused before lexing so that
#: hostile diagrams cannot make the parser do unbounded work.
MAX_EXPRESSION_LENGTH = 10_000

#: Deepest syntax tree (and parser nesting) we accept. The evaluator recurses once per
#: level, so this keeps us far away from Python's recursion limit even when the caller
#: (the workflow engine) is itself deep in the stack.
MAX_DEPTH = 100


@dataclass(frozen=True, slots=True)
class Constant:
    """A literal: number, string, ``true``/``false`` or ``null``."""

    value: bool | int | float | str | None


@dataclass(frozen=True, slots=True)
class Variable:
    """A root identifier, looked up in the variables mapping."""

    name: str


@dataclass(frozen=True, slots=True)
class Access:
    """Property or index access: ``a.b`` (key is ``Constant('b')``) or ``a[expr]``."""

    target: Node
    key: Node


@dataclass(frozen=True, slots=True)
class MethodCall:
    """A call of one of the whitelisted methods, e.g. ``naam.startsWith('A')``."""

    target: Node
    name: str
    args: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Unary:
    """Prefix operator: ``-``, ``!`` (also ``not``) or ``empty``."""

    op: str
    operand: Node


@dataclass(frozen=True, slots=True)
class Binary:
    """Infix operator in canonical spelling (``&&``, ``||``, ``==``, ``<``, ``+``, ...)."""

    op: str
    left: Node
    right: Node


@dataclass(frozen=True, slots=True)
class Conditional:
    """The ``test ? when_true : when_false`` operator."""

    test: Node
    when_true: Node
    when_false: Node


Node: TypeAlias = Constant | Variable | Access | MethodCall | Unary | Binary | Conditional

#: A parsed text is a sequence of literal text pieces and expressions.
TemplatePart: TypeAlias = str | Node


def children(node: Node) -> tuple[Node, ...]:
    """Return the direct sub-expressions of ``node`` in evaluation order."""
    if isinstance(node, Access):
        return (node.target, node.key)
    if isinstance(node, MethodCall):
        return (node.target, *node.args)
    if isinstance(node, Unary):
        return (node.operand,)
    if isinstance(node, Binary):
        return (node.left, node.right)
    if isinstance(node, Conditional):
        return (node.test, node.when_true, node.when_false)
    return ()


def tree_depth(node: Node) -> int:
    """Return the depth of the tree below ``node`` (a leaf has depth 1).

    Iterative on purpose: it guards the recursive evaluator, so it must not itself be
    the thing that overflows the stack on a degenerate tree.
    """
    deepest = 0
    stack: list[tuple[Node, int]] = [(node, 1)]
    while stack:
        current, depth = stack.pop()
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in children(current))
    return deepest


def root_variables(node: Node) -> frozenset[str]:
    """Return the names of all root identifiers referenced below ``node``."""
    names: set[str] = set()
    stack: list[Node] = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, Variable):
            names.add(current.name)
        stack.extend(children(current))
    return frozenset(names)
