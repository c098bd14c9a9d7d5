"""Parser for JUEL texts: splits literal text from ``${...}`` blocks and parses each block.

Blocks are parsed by recursive descent, with precedence climbing for the binary operators
so that one nesting level costs a handful of stack frames rather than one per precedence
level. Precedence follows the Unified EL specification, tightest first: ``[] .``, unary
``- ! not empty``, ``* / div % mod``, ``+ -``, ``< > <= >= lt gt le ge``,
``== != eq ne``, ``&& and``, ``|| or``, ``?:`` (right associative).
"""

from __future__ import annotations

from orchestrator.domain.errors import ExpressionSyntaxError
from orchestrator.engine.expressions.juel_ast import (
    MAX_DEPTH,
    MAX_EXPRESSION_LENGTH,
    Access,
    Binary,
    Conditional,
    Constant,
    MethodCall,
    Node,
    TemplatePart,
    Unary,
    Variable,
    tree_depth,
)
from orchestrator.engine.expressions.juel_lexer import Token, tokenize

#: Binding strength of the binary operators (canonical spelling); all left associative.
_BINARY_PRECEDENCE: dict[str, int] = {
    "||": 1,
    "&&": 2,
    "==": 3,
    "!=": 3,
    "<": 4,
    ">": 4,
    "<=": 4,
    ">=": 4,
    "+": 5,
    "-": 5,
    "*": 6,
    "/": 6,
    "%": 6,
}

_PREFIX_OPERATORS = frozenset({"-", "!", "empty"})

#: The only methods a diagram may call, with their number of arguments. Checked at parse
#: time so that a deployment with ``${x.getClass()}`` is refused before it ever runs.
ALLOWED_METHODS: dict[str, int] = {
    "size": 0,
    "isEmpty": 0,
    "length": 0,
    "trim": 0,
    "toLowerCase": 0,
    "toUpperCase": 0,
    "contains": 1,
    "startsWith": 1,
    "endsWith": 1,
}

_TOO_DEEP = f"expression is nested too deeply (more than {MAX_DEPTH} levels)"


def _describe(token: Token) -> str:
    return "end of expression" if token.kind == "end" else f"'{token.text}'"


class _Parser:
    def __init__(self, text: str, tokens: list[Token]) -> None:
        self._text = text
        self._tokens = tokens
        self._index = 0
        self._depth = 0

    def _error(self, reason: str, position: int) -> ExpressionSyntaxError:
        return ExpressionSyntaxError(reason, expression=self._text, position=position)

    def _peek(self) -> Token:
        return self._tokens[self._index]

    def _advance(self) -> Token:
        token = self._tokens[self._index]
        # The final "end" token is never consumed past, so peeking stays in range.
        if token.kind != "end":
            self._index += 1
        return token

    def _at_op(self, op: str) -> bool:
        token = self._peek()
        return token.kind == "op" and token.value == op

    def _expect(self, op: str, context: str) -> None:
        token = self._peek()
        if not self._at_op(op):
            raise self._error(f"expected '{op}' {context}, found {_describe(token)}", token.pos)
        self._advance()

    def _enter(self) -> None:
        # Counted wherever the parser recurses, so the parser cannot overflow the stack.
        self._depth += 1
        if self._depth > MAX_DEPTH:
            raise self._error(_TOO_DEEP, self._peek().pos)

    def parse(self) -> Node:
        if self._peek().kind == "end":
            raise self._error("empty expression", self._peek().pos)
        node = self._expression()
        token = self._peek()
        if token.kind != "end":
            raise self._error(f"unexpected {_describe(token)}", token.pos)
        return node

    def _expression(self) -> Node:
        self._enter()
        test = self._binary(1)
        if self._at_op("?"):
            self._advance()
            when_true = self._expression()
            self._expect(":", "in 'condition ? a : b'")
            when_false = self._expression()
            test = Conditional(test, when_true, when_false)
        self._depth -= 1
        return test

    def _binary(self, min_precedence: int) -> Node:
        left = self._unary()
        while True:
            token = self._peek()
            precedence = _BINARY_PRECEDENCE.get(str(token.value)) if token.kind == "op" else None
            if precedence is None or precedence < min_precedence:
                return left
            self._advance()
            self._enter()
            right = self._binary(precedence + 1)
            self._depth -= 1
            left = Binary(str(token.value), left, right)

    def _unary(self) -> Node:
        token = self._peek()
        if token.kind == "op" and token.value in _PREFIX_OPERATORS:
            self._advance()
            self._enter()
            operand = self._unary()
            self._depth -= 1
            return Unary(str(token.value), operand)
        return self._postfix()

    def _postfix(self) -> Node:
        node = self._primary()
        while True:
            if self._at_op("."):
                self._advance()
                node = self._member(node)
            elif self._at_op("["):
                self._advance()
                key = self._expression()
                self._expect("]", "after index")
                node = Access(node, key)
            elif self._at_op("("):
                raise self._error(
                    "only methods can be called, e.g. x.size(); functions are not supported",
                    self._peek().pos,
                )
            else:
                return node

    def _member(self, target: Node) -> Node:
        token = self._advance()
        # Keywords are accepted as property names (a.empty, a.div): a modeller's field
        # names should not depend on our operator list.
        is_word = token.kind == "name" or (
            token.kind in ("op", "const") and token.text[:1].isalpha()
        )
        if not is_word:
            raise self._error(
                f"expected a property name after '.', found {_describe(token)}", token.pos
            )
        name = token.text
        if name.startswith("_"):
            raise self._error(f"property '{name}' is not accessible", token.pos)
        if not self._at_op("("):
            return Access(target, Constant(name))
        if name not in ALLOWED_METHODS:
            raise self._error(f"method '{name}' is not allowed", token.pos)
        self._advance()
        args: list[Node] = []
        if not self._at_op(")"):
            args.append(self._expression())
            while self._at_op(","):
                self._advance()
                args.append(self._expression())
        self._expect(")", f"to close the call of '{name}'")
        wanted = ALLOWED_METHODS[name]
        if len(args) != wanted:
            plural = "argument" if wanted == 1 else "arguments"
            raise self._error(
                f"method '{name}' takes {wanted} {plural}, got {len(args)}", token.pos
            )
        return MethodCall(target, name, tuple(args))

    def _primary(self) -> Node:
        token = self._advance()
        if token.kind in ("number", "string", "const"):
            return Constant(token.value)
        if token.kind == "name":
            return Variable(str(token.value))
        if token.kind == "op" and token.value == "(":
            inner = self._expression()
            self._expect(")", "to close '('")
            return inner
        if token.kind == "end":
            raise self._error("unexpected end of expression", token.pos)
        raise self._error(f"unexpected {_describe(token)}", token.pos)


def _parse_block(text: str, opened_at: int) -> tuple[Node, int]:
    tokens, after = tokenize(text, opened_at + 2, opened_at)
    node = _Parser(text, tokens).parse()
    # Left-associative chains (a+b+c+...) and postfix chains (a.b.c...) are built in
    # loops, so the parser's own depth count does not bound the tree depth; check it.
    if tree_depth(node) > MAX_DEPTH:
        raise ExpressionSyntaxError(_TOO_DEEP, expression=text, position=opened_at)
    return node, after


def parse_template(text: str) -> tuple[TemplatePart, ...]:
    """Split ``text`` into literal pieces and parsed ``${...}``/``#{...}`` blocks.

    Whitespace around the whole text is ignored. ``\\${`` and ``\\#{`` stand for a literal
    ``${`` / ``#{``. Empty literal pieces are left out, so ``"${a}"`` gives one node.

    Args:
        text: The text as written in the diagram.

    Returns:
        The parts in order: ``str`` for literal text, a node for each block.

    Raises:
        ExpressionSyntaxError: When the text is too long or a block does not parse.
    """
    if len(text) > MAX_EXPRESSION_LENGTH:
        raise ExpressionSyntaxError(
            f"expression is longer than {MAX_EXPRESSION_LENGTH} characters",
            # Repeating 10,000+ characters in every log line helps nobody.
            expression=text[:200] + "...",
        )
    end = len(text.rstrip())
    pos = len(text) - len(text.lstrip())
    parts: list[TemplatePart] = []
    literal: list[str] = []
    while pos < end:
        char = text[pos]
        opens_block = pos + 1 < end and text[pos + 1] == "{"
        if char == "\\" and text.startswith(("${", "#{"), pos + 1) and pos + 2 < end:
            literal.append(text[pos + 1 : pos + 3])
            pos += 3
        elif char in "$#" and opens_block:
            if literal:
                parts.append("".join(literal))
                literal = []
            node, pos = _parse_block(text, pos)
            parts.append(node)
        else:
            literal.append(char)
            pos += 1
    if literal:
        parts.append("".join(literal))
    return tuple(parts)
