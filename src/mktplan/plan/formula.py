"""The small formula grammar of computed KPIs. Parsed into a tree, evaluated by walking it;
never ``eval``.

    expr   := term (("+" | "-") term)*
    term   := factor (("*" | "/") factor)*
    factor := NUMBER | NAME | "(" expr ")" | "-" factor
    NAME   := ident ("." ident)?          ident := [A-Za-z_][A-Za-z0-9_]*

``×``, ``÷`` and ``−`` are accepted for ``*``, ``/`` and ``-``. ``spend`` and ``revenue`` are
names like any other; what they mean is the evaluator's business.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from mktplan.errors import InvalidValue
from mktplan.i18n import Msg, msg

MAX_LENGTH = 500
MAX_DEPTH = 40

_TOKEN = re.compile(
    r"\s*(?:(?P<number>\d+(?:\.\d+)?)|(?P<name>[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)"
    r"|(?P<op>[-+*/()×÷−]))"
)


class FormulaError(InvalidValue):
    """A formula that does not fit the grammar; `position` is a 0-based offset, ``text`` the
    catalogue sentence saying why."""

    def __init__(self, text: Msg, position: int, hint: Msg | None = None) -> None:
        super().__init__(text)
        self.position = position
        self.hint = hint  # how to fix it, when the grammar's own hint does not say


@dataclass(frozen=True)
class Number:
    value: Decimal


@dataclass(frozen=True)
class Name:
    name: str


@dataclass(frozen=True)
class Negate:
    operand: Node


@dataclass(frozen=True)
class Binary:
    op: str  # one of + - * /
    left: Node
    right: Node


Node = Number | Name | Negate | Binary


def _tokens(text: str) -> list[tuple[str, str, int]]:
    out: list[tuple[str, str, int]] = []
    pos = 0
    while pos < len(text):
        if text[pos].isspace():
            pos += 1
            continue
        match = _TOKEN.match(text, pos)
        if not match:
            char = text[pos]
            raise FormulaError(
                msg("formula.string_not_allowed", position=pos + 1)
                if char in "'\""
                else msg("formula.char_not_allowed", char=char, position=pos + 1),
                pos,
            )
        kind = match.lastgroup or ""
        value = match.group(kind)
        start = match.start(kind)
        if kind == "op":
            value = {"×": "*", "÷": "/", "−": "-"}.get(value, value)
        if kind == "name":
            if value.count(".") > 1:
                raise FormulaError(msg("formula.attribute", name=value), start)
            if any(part.startswith("__") for part in value.split(".")):
                raise FormulaError(msg("formula.dunder", name=value), start)
        out.append((kind, value, start))
        pos = match.end()
    return out


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = _tokens(text)
        self.i = 0
        self.depth = 0

    def peek(self) -> tuple[str, str, int] | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self) -> tuple[str, str, int]:
        token = self.tokens[self.i]
        self.i += 1
        return token

    def expr(self) -> Node:
        node = self.term()
        while (tok := self.peek()) and tok[1] in "+-" and tok[0] == "op":
            self.take()
            node = Binary(tok[1], node, self.term())
        return node

    def term(self) -> Node:
        node = self.factor()
        while (tok := self.peek()) and tok[0] == "op" and tok[1] in "*/":
            self.take()
            if (nxt := self.peek()) and nxt[1] in "*/" and nxt[0] == "op":
                raise FormulaError(msg("formula.not_operator", op=f"{tok[1]}{nxt[1]}"), nxt[2])
            at = nxt[2] if nxt else len(self.text)
            right = self.factor()
            # x / 0, x / -0 and x / (1 - 1): a divisor of numbers alone that makes 0
            if tok[1] == "/" and not names(right) and evaluate(right, _no_names) == 0:
                raise FormulaError(
                    msg("formula.divide_by_zero"), at, msg("formula.divide_by_zero.hint")
                )
            node = Binary(tok[1], node, right)
        return node

    def factor(self) -> Node:
        tok = self.peek()
        if tok is None:
            raise FormulaError(msg("formula.ends_early"), len(self.text))
        kind, value, pos = self.take()
        if kind == "number":
            return Number(Decimal(value))
        if kind == "name":
            nxt = self.peek()
            if nxt and nxt[1] == "(":
                raise FormulaError(msg("formula.call", name=value), pos)
            return Name(value)
        if value == "-":
            return Negate(self.factor())
        if value == "(":
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise FormulaError(msg("formula.too_deep", depth=MAX_DEPTH), pos)
            node = self.expr()
            close = self.peek()
            if close is None or close[1] != ")":
                where = close[2] if close else len(self.text)
                raise FormulaError(msg("formula.unclosed"), where)
            self.take()
            self.depth -= 1
            return node
        raise FormulaError(msg("formula.unexpected", token=value, position=pos + 1), pos)


def parse(text: str) -> Node:
    """Parse a formula; raise :class:`FormulaError` on anything outside the grammar."""
    if len(text) > MAX_LENGTH:
        raise FormulaError(msg("formula.too_long", length=MAX_LENGTH), MAX_LENGTH)
    if not text.strip():
        raise FormulaError(msg("formula.empty"), 0)
    parser = _Parser(text)
    node = parser.expr()
    rest = parser.peek()
    if rest is not None:
        raise FormulaError(msg("formula.unexpected", token=rest[1], position=rest[2] + 1), rest[2])
    return node


def _no_names(name: str) -> None:
    """The resolver of an expression without names (never called)."""


def names(node: Node) -> list[str]:
    """The names a formula refers to, in order of first appearance."""
    found: list[str] = []

    def walk(n: Node) -> None:
        if isinstance(n, Name):
            if n.name not in found:
                found.append(n.name)
        elif isinstance(n, Negate):
            walk(n.operand)
        elif isinstance(n, Binary):
            walk(n.left)
            walk(n.right)

    walk(node)
    return found


def is_sum(node: Node) -> bool:
    """Whether a formula only adds names up (`online.sales + offline.sales`)."""
    if isinstance(node, Name):
        return True
    return isinstance(node, Binary) and node.op == "+" and is_sum(node.left) and is_sum(node.right)


def summands(node: Node) -> list[tuple[int, Node]]:
    """The terms a formula adds, each with its sign (1 or -1): `a - (b - c)` is (1, a),
    (-1, b), (1, c); a formula that adds nothing is its one term."""
    if isinstance(node, Negate):
        return [(-sign, term) for sign, term in summands(node.operand)]
    if isinstance(node, Binary) and node.op in "+-":
        flip = 1 if node.op == "+" else -1
        right = [(flip * sign, term) for sign, term in summands(node.right)]
        return [*summands(node.left), *right]
    return [(1, node)]


def constant_factor(node: Node) -> Fraction | None:
    """The number a formula's names are multiplied by, exactly: 100 for `orders / (visits /
    100)`, `orders * 10 * 10 / visits` and `orders / visits / 0.01`; the common factor of
    terms added up (`(a + b) * 100`); None when the terms differ (`a + 2 * b`), a bare number
    is added (`a + 1`), or the formula names nothing."""
    if isinstance(node, Number):
        return None  # a number alone: no names to scale
    if isinstance(node, Name):
        return Fraction(1)
    if isinstance(node, Negate):
        inner = constant_factor(node.operand)
        return None if inner is None else -inner
    if node.op in "+-":
        left, right = constant_factor(node.left), constant_factor(node.right)
        if left is None or right is None or abs(left) != abs(right):
            return None
        return abs(left)
    if not names(node):
        return None
    sides: list[Fraction] = []
    for side in (node.left, node.right):
        # a part without names is its value (`x * (10 * 10)`), else its own factor
        found = evaluate(side, _no_names) if not names(side) else constant_factor(side)
        if found is None:
            return None
        sides.append(found)
    if node.op == "*":
        return sides[0] * sides[1]
    return None if sides[1] == 0 else sides[0] / sides[1]


def evaluate(node: Node, resolve: Callable[[str], Decimal | Fraction | None]) -> Fraction | None:
    """The exact value of a formula, a fraction (3 × (1 ÷ 3) is 1, not 0.999…), or None when
    an input is unknown or a divisor is zero. Inputs are taken exactly as given."""
    if isinstance(node, Number):
        return Fraction(node.value)
    if isinstance(node, Name):
        value = resolve(node.name)
        return None if value is None else Fraction(value)
    if isinstance(node, Negate):
        inner = evaluate(node.operand, resolve)
        return None if inner is None else -inner
    left = evaluate(node.left, resolve)
    right = evaluate(node.right, resolve)
    if left is None or right is None:
        return None
    if node.op == "+":
        return left + right
    if node.op == "-":
        return left - right
    if node.op == "*":
        return left * right
    if right == 0:
        return None
    return left / right
