"""Tokenizer for FEEL simple expressions and unary tests (:mod:`.feel_parser` parses the
tokens): names (also the multi-word names of built-in functions), numbers, strings with
their escapes, operators; every failure an
:class:`~orchestrator.domain.errors.ExpressionSyntaxError` with a position.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from orchestrator.domain.errors import ExpressionSyntaxError
from orchestrator.engine.expressions.feel_functions import MULTI_WORD_FUNCTIONS

MAX_LENGTH = 20_000  # an input entry or output entry is a cell, not a program
MAX_DEPTH = 40  # nesting guard: keeps hostile input away from Python's recursion limit

KEYWORDS = frozenset(
    [
        "true",
        "false",
        "null",
        "and",
        "or",
        "if",
        "then",
        "else",
        "between",
        "in",
        "instance",
        "of",
        "for",
        "return",
        "some",
        "every",
        "satisfies",
        "function",
    ]
)
_SYMBOLS = (
    "..",
    "<=",
    ">=",
    "!=",
    "**",
    "<",
    ">",
    "=",
    "+",
    "-",
    "*",
    "/",
    "(",
    ")",
    "[",
    "]",
    ",",
    ".",
    "?",
)
_MULTI_WORD_RE = re.compile(
    "|".join(r"\s+".join(map(re.escape, name.split())) for name in MULTI_WORD_FUNCTIONS)
    + r"(?=\s*\()"
)
_ESCAPES = {'"': '"', "\\": "\\", "n": "\n", "t": "\t", "r": "\r", "'": "'"}
_DIGITS = "0123456789"


@dataclass(frozen=True)
class Token:
    """One lexical token with its offset in the text."""

    kind: str  # "num", "str", "name", "op", "at" (@"..." literal), "eof"
    value: str
    pos: int


def _is_name_start(char: str) -> bool:
    return char.isalpha() or char == "_"


def _is_name_char(char: str) -> bool:
    return char.isalnum() or char == "_"


def tokenize(text: str) -> list[Token]:
    """Split ``text`` into tokens; raise ExpressionSyntaxError on a bad character."""
    tokens: list[Token] = []
    pos = 0
    while pos < len(text):
        char = text[pos]
        if char.isspace():
            pos += 1
        elif char in _DIGITS or (char == "." and text[pos + 1 : pos + 2] in tuple(_DIGITS)):
            end = pos
            while end < len(text) and text[end] in _DIGITS:
                end += 1
            # "1..3" is a range: only take the dot when a digit follows it
            if text[end : end + 1] == "." and text[end + 1 : end + 2] in tuple(_DIGITS):
                end += 1
                while end < len(text) and text[end] in _DIGITS:
                    end += 1
            tokens.append(Token("num", text[pos:end], pos))
            pos = end
        elif char == '"' or (char == "@" and text[pos + 1 : pos + 2] == '"'):
            start = pos
            value, pos = _read_string(text, pos + (1 if char == "@" else 0))
            tokens.append(Token("at" if char == "@" else "str", value, start))
        elif _is_name_start(char):
            match = _MULTI_WORD_RE.match(text, pos)
            if match:
                tokens.append(Token("name", " ".join(match.group().split()), pos))
                pos = match.end()
                continue
            end = pos + 1
            while end < len(text) and _is_name_char(text[end]):
                end += 1
            tokens.append(Token("name", text[pos:end], pos))
            pos = end
        else:
            symbol = next((s for s in _SYMBOLS if text.startswith(s, pos)), None)
            if symbol is None:
                raise ExpressionSyntaxError(
                    f"unexpected character {char!r}", expression=text, position=pos
                )
            tokens.append(Token("op", symbol, pos))
            pos += len(symbol)
    tokens.append(Token("eof", "", len(text)))
    return tokens


def _read_string(text: str, pos: int) -> tuple[str, int]:
    # pos is at the opening quote
    out: list[str] = []
    index = pos + 1
    while index < len(text):
        char = text[index]
        if char == '"':
            return "".join(out), index + 1
        if char == "\\":
            code = text[index + 1 : index + 2]
            if code == "u" and re.fullmatch(r"[0-9a-fA-F]{4}", text[index + 2 : index + 6]):
                out.append(chr(int(text[index + 2 : index + 6], 16)))
                index += 6
                continue
            if code not in _ESCAPES:
                raise ExpressionSyntaxError(
                    "invalid escape in string", expression=text, position=index
                )
            out.append(_ESCAPES[code])
            index += 2
            continue
        out.append(char)
        index += 1
    raise ExpressionSyntaxError("unterminated string", expression=text, position=pos)
