"""Tokenizer for the inside of one ``${...}`` / ``#{...}`` block.

Lexing starts right after the opening brace and stops at the first ``}`` outside a string
literal; the language has no braces of its own, so that brace closes the block. Token
positions are offsets into the whole text so that syntax errors point at the right spot.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from orchestrator.domain.errors import ExpressionSyntaxError

TokenKind = Literal["number", "string", "name", "const", "op", "end"]

#: Word operators and their canonical symbolic spelling.
WORD_OPERATORS: dict[str, str] = {
    "and": "&&",
    "or": "||",
    "not": "!",
    "div": "/",
    "mod": "%",
    "eq": "==",
    "ne": "!=",
    "lt": "<",
    "gt": ">",
    "le": "<=",
    "ge": ">=",
    "empty": "empty",
}

WORD_CONSTANTS: dict[str, bool | None] = {"true": True, "false": False, "null": None}

_TWO_CHAR_OPERATORS = frozenset({"==", "!=", "<=", ">=", "&&", "||"})
_ONE_CHAR_OPERATORS = frozenset("+-*/%<>!?:.,()[]")
_DIGITS = frozenset("0123456789")
_STRING_ESCAPES = frozenset("\\'\"")

#: Characters that are a mistake for a real operator; a hint beats "unexpected '&'".
_HINTS = {
    "=": "unexpected '=', did you mean '=='?",
    "&": "unexpected '&', did you mean '&&'?",
    "|": "unexpected '|', did you mean '||'?",
    "{": "unexpected '{'",
}


@dataclass(frozen=True, slots=True)
class Token:
    """One token; ``value`` is the literal value, the name, or the canonical operator."""

    kind: TokenKind
    text: str
    pos: int
    value: bool | int | float | str | None = None


def _is_name_start(char: str) -> bool:
    return char.isalpha() or char in "_$"


def _is_name_part(char: str) -> bool:
    return char.isalnum() or char in "_$"


class _Lexer:
    def __init__(self, text: str, start: int, opened_at: int) -> None:
        self._text = text
        self._pos = start
        self._opened_at = opened_at
        self.tokens: list[Token] = []

    def _error(self, reason: str, position: int) -> ExpressionSyntaxError:
        return ExpressionSyntaxError(reason, expression=self._text, position=position)

    def run(self) -> int:
        """Lex up to the closing brace; return the offset just after it."""
        text = self._text
        while self._pos < len(text):
            char = text[self._pos]
            if char.isspace():
                self._pos += 1
            elif char == "}":
                self.tokens.append(Token("end", "}", self._pos))
                return self._pos + 1
            elif char in _DIGITS or (
                char == "." and self._peek_char(1) in _DIGITS and not self._after_value()
            ):
                self._number()
            elif char in "'\"":
                self._string(char)
            elif char in "$#" and self._peek_char(1) == "{":
                raise self._error(f"'{char}{{' cannot be nested inside an expression", self._pos)
            elif _is_name_start(char):
                self._word()
            else:
                self._operator(char)
        raise self._error("expression is not closed with '}'", self._opened_at)

    def _after_value(self) -> bool:
        # After a value, ".5" is property access (a.5 is then refused by the parser with a
        # clear message) rather than the number 0.5 glued to the value.
        if not self.tokens:
            return False
        last = self.tokens[-1]
        return last.kind in ("name", "const", "string", "number") or last.text in (")", "]")

    def _peek_char(self, ahead: int) -> str:
        index = self._pos + ahead
        return self._text[index] if index < len(self._text) else ""

    def _number(self) -> None:
        text, start = self._text, self._pos
        end = start
        while end < len(text) and text[end] in _DIGITS:
            end += 1
        is_float = False
        # A dot only belongs to the number when a digit follows; "1." stays an error
        # rather than silently meaning 1.0 (EL allows it, nobody writes it on purpose).
        if end + 1 < len(text) and text[end] == "." and text[end + 1] in _DIGITS:
            is_float = True
            end += 1
            while end < len(text) and text[end] in _DIGITS:
                end += 1
        if end < len(text) and text[end] in "eE":
            exp = end + 1
            if exp < len(text) and text[exp] in "+-":
                exp += 1
            if exp < len(text) and text[exp] in _DIGITS:
                is_float = True
                end = exp
                while end < len(text) and text[end] in _DIGITS:
                    end += 1
        if end < len(text) and _is_name_part(text[end]):
            raise self._error(f"invalid number '{text[start : end + 1]}'", start)
        literal = text[start:end]
        try:
            value: int | float = float(literal) if is_float else int(literal)
        except ValueError:
            # int() refuses more digits than sys.get_int_max_str_digits() allows.
            raise self._error("number literal is too long", start) from None
        self.tokens.append(Token("number", literal, start, value))
        self._pos = end

    def _string(self, quote: str) -> None:
        text, start = self._text, self._pos
        pos = start + 1
        chars: list[str] = []
        while pos < len(text):
            char = text[pos]
            if char == quote:
                self.tokens.append(Token("string", text[start : pos + 1], start, "".join(chars)))
                self._pos = pos + 1
                return
            if char == "\\":
                escaped = text[pos + 1] if pos + 1 < len(text) else ""
                if escaped not in _STRING_ESCAPES:  # also true at end of text ("")
                    raise self._error(
                        "invalid escape in string: only \\\\, \\' and \\\" are allowed", pos
                    )
                chars.append(escaped)
                pos += 2
                continue
            chars.append(char)
            pos += 1
        raise self._error("string is not closed", start)

    def _word(self) -> None:
        text, start = self._text, self._pos
        end = start + 1
        while end < len(text) and _is_name_part(text[end]):
            end += 1
        word = text[start:end]
        if word in WORD_OPERATORS:
            self.tokens.append(Token("op", word, start, WORD_OPERATORS[word]))
        elif word in WORD_CONSTANTS:
            self.tokens.append(Token("const", word, start, WORD_CONSTANTS[word]))
        elif word == "instanceof":
            raise self._error("'instanceof' is not supported", start)
        else:
            self.tokens.append(Token("name", word, start, word))
        self._pos = end

    def _operator(self, char: str) -> None:
        start = self._pos
        pair = self._text[start : start + 2]
        if pair in _TWO_CHAR_OPERATORS:
            self.tokens.append(Token("op", pair, start, pair))
            self._pos += 2
        elif char in _ONE_CHAR_OPERATORS:
            self.tokens.append(Token("op", char, start, char))
            self._pos += 1
        else:
            raise self._error(_HINTS.get(char, f"unexpected character {char!r}"), start)


def tokenize(text: str, start: int, opened_at: int) -> tuple[list[Token], int]:
    """Tokenize the expression block that starts at ``start`` in ``text``.

    Args:
        text: The whole expression text (positions are offsets into it).
        start: Offset just after the opening ``${`` or ``#{``.
        opened_at: Offset of the ``$``/``#`` that opened the block, for error messages.

    Returns:
        The tokens, ending with an ``end`` token at the closing brace, and the offset just
        after that brace.

    Raises:
        ExpressionSyntaxError: On an invalid character, number or string, or a missing
            closing brace.
    """
    lexer = _Lexer(text, start, opened_at)
    after = lexer.run()
    return lexer.tokens, after
