"""Recursive-descent parser for FEEL simple expressions and unary tests (the tokens come
from :mod:`.feel_lexer`).

Hand-written rather than generated so every failure is an
:class:`~orchestrator.domain.errors.ExpressionSyntaxError` with a position, and so the
accepted language is exactly what we evaluate (no silent fall-through to Python).
"""

from __future__ import annotations

from decimal import Decimal, DecimalException

from orchestrator.domain.errors import ExpressionSyntaxError
from orchestrator.engine.expressions import feel_ast as ast
from orchestrator.engine.expressions.feel_functions import (
    BUILTINS,
    parse_date,
    parse_date_time,
    parse_duration,
    parse_time,
)
from orchestrator.engine.expressions.feel_lexer import (
    KEYWORDS,
    MAX_DEPTH,
    MAX_LENGTH,
    Token,
    tokenize,
)
from orchestrator.engine.expressions.feel_values import FEEL_CONTEXT


class Parser:
    """Parses one text; ``allow_input`` enables ``?`` (only inside unary tests)."""

    def __init__(self, text: str, *, allow_input: bool) -> None:
        if len(text) > MAX_LENGTH:
            raise ExpressionSyntaxError(
                f"expression longer than {MAX_LENGTH} characters", expression=text[:80] + "..."
            )
        self.text = text
        self.tokens = tokenize(text)
        self.index = 0
        self.depth = 0
        self.allow_input = allow_input

    # --- helpers -------------------------------------------------------------------------

    @property
    def token(self) -> Token:
        return self.tokens[self.index]

    def error(self, reason: str, token: Token | None = None) -> ExpressionSyntaxError:
        where = token or self.token
        return ExpressionSyntaxError(reason, expression=self.text, position=where.pos)

    def at(self, kind: str, value: str | None = None) -> bool:
        token = self.token
        return token.kind == kind and (value is None or token.value == value)

    def at_op(self, *values: str) -> bool:
        return self.token.kind == "op" and self.token.value in values

    def advance(self) -> Token:
        token = self.token
        if token.kind != "eof":
            self.index += 1
        return token

    def expect_op(self, value: str) -> Token:
        if not self.at_op(value):
            found = self.token.value or "end of expression"
            raise self.error(f"expected '{value}' but found '{found}'")
        return self.advance()

    def expect_end(self) -> None:
        if not self.at("eof"):
            raise self.error(f"unexpected '{self.token.value}'")

    def enter(self) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.error("expression nested too deeply")

    # --- simple expressions --------------------------------------------------------------

    def expression(self) -> ast.Node:
        """Parse ``expression := if-expression | disjunction``."""
        self.enter()
        try:
            if self.at("name", "if"):
                self.advance()
                condition = self.expression()
                self._expect_keyword("then")
                then = self.expression()
                self._expect_keyword("else")
                return ast.If(condition, then, self.expression())
            return self.disjunction()
        finally:
            self.depth -= 1

    def _expect_keyword(self, word: str) -> None:
        if not self.at("name", word):
            raise self.error(f"expected '{word}'")
        self.advance()

    def disjunction(self) -> ast.Node:
        node = self.conjunction()
        while self.at("name", "or"):
            self.advance()
            node = ast.Logic("or", node, self.conjunction())
        return node

    def conjunction(self) -> ast.Node:
        node = self.comparison()
        while self.at("name", "and"):
            self.advance()
            node = ast.Logic("and", node, self.comparison())
        return node

    def comparison(self) -> ast.Node:
        node = self.additive()
        if self.at_op("=", "!=", "<", "<=", ">", ">="):
            op = self.advance().value
            node = ast.Compare(op, node, self.additive())
            if self.at_op("=", "!=", "<", "<=", ">", ">="):
                raise self.error("comparisons cannot be chained; use 'and'")
        return node

    def additive(self) -> ast.Node:
        node = self.multiplicative()
        while self.at_op("+", "-"):
            op = self.advance().value
            node = ast.Arith(op, node, self.multiplicative())
        return node

    def multiplicative(self) -> ast.Node:
        node = self.unary()
        while self.at_op("*", "/"):
            op = self.advance().value
            node = ast.Arith(op, node, self.unary())
        return node

    def unary(self) -> ast.Node:
        if self.at_op("-"):
            self.advance()
            self.enter()
            try:
                return ast.Negate(self.unary())
            finally:
                self.depth -= 1
        return self.power()

    def power(self) -> ast.Node:
        node = self.postfix()
        if self.at_op("**"):
            self.advance()
            node = ast.Arith("**", node, self.unary())
        return node

    def postfix(self) -> ast.Node:
        node = self.primary()
        while self.at_op("."):
            self.advance()
            if not self.at("name") or self.token.value in KEYWORDS:
                raise self.error("expected a name after '.'")
            node = ast.Path(node, self.advance().value)
        return node

    def primary(self) -> ast.Node:
        token = self.token
        if token.kind == "num":
            return ast.Literal(self._number(self.advance()))
        if token.kind == "str":
            return ast.Literal(self.advance().value)
        if token.kind == "at":
            return ast.Literal(self._at_literal(self.advance()))
        if token.kind == "name":
            return self._name_or_call()
        if self.at_op("("):
            self.advance()
            node = self.expression()
            self.expect_op(")")
            return node
        if self.at_op("["):
            return self._list()
        if self.at_op("?"):
            if not self.allow_input:
                raise self.error("'?' is only allowed in input entries")
            self.advance()
            return ast.InputRef()
        found = token.value or "end of expression"
        raise self.error(f"unexpected '{found}'")

    def _number(self, token: Token) -> object:
        try:
            return FEEL_CONTEXT.plus(Decimal(token.value))
        except DecimalException:
            raise self.error("number out of range", token) from None

    def _at_literal(self, token: Token) -> object:
        text = token.value
        for parse in (parse_date_time if "T" in text else parse_date, parse_time, parse_duration):
            value = parse(text)
            if value is not None:
                return value
        raise self.error(f"invalid temporal literal @{text!r}", token)

    def _name_or_call(self) -> ast.Node:
        token = self.advance()
        name = token.value
        if name == "true" or name == "false":
            return ast.Literal(name == "true")
        if name == "null":
            return ast.Literal(None)
        if self.at_op("("):
            return self._call(token)
        if name in KEYWORDS:
            raise self.error(f"unexpected keyword '{name}'", token)
        return ast.Name(name)

    def _call(self, token: Token) -> ast.Node:
        builtin = BUILTINS.get(token.value)
        if builtin is None:
            raise self.error(f"unknown function '{token.value}'", token)
        self.expect_op("(")
        args: list[ast.Node] = []
        if not self.at_op(")"):
            args.append(self.expression())
            while self.at_op(","):
                self.advance()
                args.append(self.expression())
        self.expect_op(")")
        too_many = builtin.max_args is not None and len(args) > builtin.max_args
        if len(args) < builtin.min_args or too_many:
            raise self.error(f"wrong number of arguments for '{builtin.name}'", token)
        call = ast.Call(builtin.name, tuple(args))
        self._check_literal(call, token)
        return call

    def _check_literal(self, call: ast.Call, token: Token) -> None:
        # date("2026-02-30") would silently be null at run time: refuse it at deploy time
        if (
            call.function in ("date", "date and time", "time", "duration")
            and all(
                isinstance(arg, ast.Literal) and isinstance(arg.value, str) for arg in call.args
            )
            and call.eval(ast.Env({})) is None
        ):
            raise self.error(f"invalid {call.function} literal", token)

    def _list(self) -> ast.Node:
        self.expect_op("[")
        items: list[ast.Node] = []
        if not self.at_op("]"):
            items.append(self.expression())
            while self.at_op(","):
                self.advance()
                items.append(self.expression())
        self.expect_op("]")
        return ast.ListNode(tuple(items))

    # --- unary tests ---------------------------------------------------------------------

    def unary_tests(self) -> ast.TestList:
        """Parse ``unary tests := '-' | 'not' '(' positive tests ')' | positive tests``."""
        if self.at("eof"):
            return ast.TestList((ast.AnyTest(),))
        if self.at_op("-") and self.tokens[self.index + 1].kind == "eof":
            return ast.TestList((ast.AnyTest(),))
        if self.at("name", "not") and self.tokens[self.index + 1].value == "(":
            start = self.index
            self.advance()
            self.advance()
            tests = self.positive_tests()
            if self.at_op(")") and self.tokens[self.index + 1].kind == "eof":
                self.advance()
                return ast.TestList(tests, negated=True)
            self.index = start  # e.g. "not(x) = y": an ordinary expression test
        tests = self.positive_tests()
        self.expect_end()
        return ast.TestList(tests)

    def positive_tests(self) -> tuple[ast.Test, ...]:
        tests = [self.positive_test()]
        while self.at_op(","):
            self.advance()
            tests.append(self.positive_test())
        return tuple(tests)

    def positive_test(self) -> ast.Test:
        if self.at_op("<", "<=", ">", ">=", "=", "!="):
            op = self.advance().value
            return ast.CompareTest(op, self.additive())
        if self.at_op("[", "]", "("):
            interval = self._try_interval()
            if interval is not None:
                return interval
        node = self.expression()
        if any(isinstance(sub, ast.InputRef) for sub in node.walk()):
            return ast.BooleanTest(node)
        return ast.ValueTest(node)

    def _try_interval(self) -> ast.Test | None:
        start_index = self.index
        opening = self.advance().value
        try:
            start = self.additive()
        except ExpressionSyntaxError:
            self.index = start_index
            return None
        if not self.at_op(".."):
            self.index = start_index  # "(1 + 2)" or "[1, 2]": not an interval
            return None
        self.advance()
        end = self.additive()
        if not self.at_op("]", ")", "["):
            raise self.error("expected ']', ')' or '[' to close the range")
        closing = self.advance().value
        return ast.RangeTest(start, end, opening == "[", closing == "]")


def parse_expression_tree(text: str) -> ast.Node:
    """Parse a FEEL simple expression into a tree."""
    parser = Parser(text, allow_input=False)
    if parser.at("eof"):
        raise parser.error("empty expression")
    node = parser.expression()
    parser.expect_end()
    return node


def parse_unary_tests_tree(text: str) -> ast.TestList:
    """Parse FEEL simple unary tests into a :class:`~.feel_ast.TestList`."""
    return Parser(text, allow_input=True).unary_tests()
