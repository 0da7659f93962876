"""The Junos curly-brace syntax: text -> statement tree -> text, and queries over the tree.

A small structural parser of our own, as issue 3 allows for Junos: it turns
the text into statements (words plus either ``;`` or a ``{}`` block), keeping
quoted strings, ``[ a b ]`` lists and comments, and rejects unbalanced braces
and statements that do not end. ``dump`` writes the tree back in Junos' own
layout, so ``dump(parse(text)) == text`` proves the rendered file has exactly
the structure the parser saw. ``parser.py`` reads what the switch would do from
the tree; ``tests/validators/cli_xref_junos.py`` checks its references.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

INDENT = "    "


class JunosSyntaxError(ValueError):
    """The text is not well-formed Junos curly-brace configuration."""

    def __init__(self, message: str, line: int) -> None:
        super().__init__(f"line {line}: {message}")
        self.line = line


class Word(str):
    """A word of a statement; ``quoted`` remembers whether it was written in quotes."""

    quoted = False


class QuotedWord(Word):
    """A word that was written in double quotes, so ``dump`` quotes it again."""

    quoted = True


Words = list[Word | list[Word]]


@dataclass
class Comment:
    text: str  # the whole comment, delimiters included


@dataclass
class Statement:
    words: Words
    block: list[Statement | Comment] | None = None  # None: the statement ended with ';'
    offset: int = 0  # where the statement starts in the text

    @property
    def keys(self) -> list[str]:
        """The statement's plain words (lists left out), for path matching."""
        return [w for w in self.words if isinstance(w, str)]


Node = Statement | Comment


_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
    | (?P<comment>/\*.*?\*/|\#[^\n]*)
    | (?P<open_comment>/\*)
    | (?P<string>"(?:[^"\\\n]|\\.)*")
    | (?P<open_string>")
    | (?P<punct>[{};\[\]])
    | (?P<word>[^\s{};\[\]"]+)
    """,
    re.S | re.X,
)

Token = tuple[str, str, int]  # kind (word | string | comment | { | } | ; | [ | ]), value, offset


def _unescape(raw: str) -> str:
    """Inside quotes Junos escapes with a backslash; ``\\n`` is a newline (banners)."""
    return re.sub(r"\\(.)", lambda m: "\n" if m.group(1) == "n" else m.group(1), raw)


def _escape(value: str) -> str:
    """The inverse of ``_unescape``, so quoted words round-trip."""
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def tokenize(text: str) -> list[Token]:
    """Tokens with their offset; line numbers are worked out only for an error message."""
    tokens: list[Token] = []
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup
        if kind == "ws":
            continue
        value, at = m.group(), m.start()
        if kind == "punct":
            tokens.append((value, value, at))
        elif kind == "string":
            tokens.append(("string", _unescape(value[1:-1]), at))
        elif kind == "open_comment":
            raise JunosSyntaxError("comment /* is never closed", _line(text, at))
        elif kind == "open_string":
            raise JunosSyntaxError("quoted string is never closed on its line", _line(text, at))
        else:
            tokens.append((str(kind), value, at))
    return tokens


def _line(text: str, offset: int) -> int:
    """1-based line of an offset, for error messages only."""
    return text.count("\n", 0, offset) + 1


def _word(token: Token) -> Word:
    """Keep whether the word was quoted so the round trip writes it the same way."""
    return QuotedWord(token[1]) if token[0] == "string" else Word(token[1])


def parse(text: str) -> list[Node]:
    """Text -> statement tree; raises JunosSyntaxError with the offending line."""
    tokens = tokenize(text)
    count = len(tokens)
    pos = 0

    def error(message: str, offset: int) -> JunosSyntaxError:
        return JunosSyntaxError(message, _line(text, offset))

    def block(depth: int, opened_at: int) -> list[Node]:
        """Statements up to the ``}`` that closes this depth (or the end, at depth 0)."""
        nonlocal pos
        nodes: list[Node] = []
        words: Words = []
        start = 0
        while pos < count:
            kind, value, at = tokens[pos]
            pos += 1
            if kind == "word" or kind == "string":
                if not words:
                    start = at
                words.append(_word(tokens[pos - 1]))
            elif kind == ";":
                if not words:
                    raise error("empty statement", at)
                nodes.append(Statement(words, None, start))
                words = []
            elif kind == "{":
                if not words:
                    raise error("block without a name", at)
                name, words = words, []
                nodes.append(Statement(name, block(depth + 1, at), start))
            elif kind == "}":
                if words:
                    raise error(f"statement {_said(words)!r} does not end with ;", at)
                if depth == 0:
                    raise error("} without a matching {", at)
                return nodes
            elif kind == "[":
                items: list[Word] = []
                while pos < count and tokens[pos][0] in ("word", "string"):
                    items.append(_word(tokens[pos]))
                    pos += 1
                if pos >= count or tokens[pos][0] != "]":
                    raise error("list [ is not closed by ]", at)
                pos += 1
                if not words:
                    raise error("list without a keyword", at)
                words.append(items)
            elif kind == "comment":
                if words:
                    raise error("comment inside a statement", at)
                nodes.append(Comment(value))
            else:
                raise error(f"unexpected {value!r}", at)
        if words:
            raise error(f"statement {_said(words)!r} does not end with ;", start)
        if depth:
            raise error("{ is never closed", opened_at)
        return nodes

    return block(0, 0)


def _said(words: Words) -> str:
    """A statement's words as written, for error messages."""
    return " ".join(_spell(w) for w in words)


def _spell(word: Word | list[Word]) -> str:
    """A word or ``[ ]`` list as Junos writes it, quotes restored."""
    if isinstance(word, list):
        return "[ " + " ".join(_spell(w) for w in word) + " ]"
    return f'"{_escape(word)}"' if word.quoted else str(word)


def dump(nodes: list[Node], depth: int = 0) -> str:
    """The tree in Junos' layout: four-space indents, one statement per line."""
    out = []
    pad = INDENT * depth
    for node in nodes:
        if isinstance(node, Comment):
            out.append(f"{pad}{node.text}\n")
            continue
        head = " ".join(_spell(w) for w in node.words)
        if node.block is None:
            out.append(f"{pad}{head};\n")
        else:
            out.append(f"{pad}{head} {{\n{dump(node.block, depth + 1)}{pad}}}\n")
    return "".join(out)


# --- queries -------------------------------------------------------------------


def statements(nodes: list[Node] | None) -> list[Statement]:
    """The statements of a block, comments left out; a missing block reads as empty."""
    return [n for n in nodes or [] if isinstance(n, Statement)]


def section(nodes: list[Node] | None, *path: str) -> list[Node] | None:
    """The block reached by ``path``; each level may consume several words (``unit 0``)."""
    current = nodes
    rest = list(path)
    while rest:
        for st in statements(current):
            keys = st.keys
            if st.block is not None and keys == rest[: len(keys)]:
                current, rest = st.block, rest[len(keys) :]
                break
        else:
            return None
    return current


def leaf(nodes: list[Node] | None, key: str) -> Words | None:
    """The words after ``key`` in the one ``key ...;`` statement of a block."""
    found = [st for st in statements(nodes) if st.block is None and st.words[0] == key]
    if len(found) > 1:
        raise ValueError(f"{key} appears {len(found)} times")
    return found[0].words[1:] if found else None


def flag(nodes: list[Node] | None, *words: str) -> bool:
    """Whether a block holds exactly the statement ``words`` (``disable``, ``priority strict-high``)."""
    return any(st.keys == list(words) for st in statements(nodes))


def named(nodes: list[Node] | None, key: str) -> dict[str, list[Node]]:
    """``key NAME { ... }`` blocks by NAME (``filter X``, ``group X``, ``dscp X``)."""
    return {
        str(st.words[1]): st.block
        for st in statements(nodes)
        if st.block is not None and len(st.words) == 2 and st.words[0] == key
    }


def values(words: Words | None) -> list[str]:
    """Flatten ``x;`` and ``[ x y ];`` alike."""
    out: list[str] = []
    for w in words or []:
        if isinstance(w, list):
            out.extend(str(v) for v in w)
        else:
            out.append(str(w))
    return out


def after(words: Words, key: str) -> Words:
    """The words that follow ``key`` in a statement (empty when it is absent)."""
    for i, w in enumerate(words):
        if isinstance(w, str) and w == key:
            return words[i + 1 :]
    return []


def names(nodes: list[Node] | None, key: str) -> list[str]:
    """``key X;`` leaves or a ``key { X; Y; }`` block, as a list of X."""
    out = values(leaf(nodes, key))
    out.extend(str(st.words[0]) for st in statements(section(nodes, key)))
    return out
