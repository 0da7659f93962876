"""Bounded, position-aware YAML loading.

PyYAML's ``safe_load`` throws away line numbers and silently keeps the last of
two duplicate keys. We compose the node graph with the safe loader instead and
build plain Python values ourselves, so that we can:

* reject duplicate keys (a duplicated ``priority:`` is almost always a bad merge);
* bound the input: only regular files, read no further than the size limit;
  nodes, aliases, nesting depth, items per list and keys per mapping counted
  from the event stream before anything is composed (a 600,000-item list stops
  at the first item over the bound); and the number of values produced after
  alias expansion, so a "billion laughs" document fails in milliseconds;
* remember where every value came from, so later stages can point at
  ``cluster.yaml:42:7`` for any field path.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path as FsPath
from typing import Any

import yaml

from aiinfra.errors import Diagnostic, Path, SpecError, dotted

MAX_FILE_BYTES = 16 * 1024 * 1024
MAX_DEPTH = 64
MAX_VALUES = 500_000
MAX_ALIASES = 10_000
MAX_LIST_ITEMS = 4_096
MAX_MAPPING_KEYS = 65_536


@dataclass(frozen=True, slots=True)
class Position:
    line: int
    column: int


class SourceMap:
    """Maps field paths to positions in one source file."""

    def __init__(self, file: str) -> None:
        self.file = file
        self._positions: dict[Path, Position] = {}

    def add(self, path: Path, mark: yaml.Mark) -> None:
        self._positions.setdefault(path, Position(mark.line + 1, mark.column + 1))

    def locate(self, path: Path) -> Position | None:
        """Position of ``path`` or of its nearest ancestor that exists in the file."""
        for cut in range(len(path), -1, -1):
            pos = self._positions.get(tuple(path[:cut]))
            if pos is not None:
                return pos
        return None

    def diagnostic(self, path: Path, message: str) -> Diagnostic:
        pos = self.locate(path)
        return Diagnostic(
            message=message,
            path=dotted(path),
            file=self.file,
            line=pos.line if pos else 0,
            column=pos.column if pos else 0,
        )


_SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's parser and composer when PyYAML has them: about seven times faster than pure Python."""


@dataclass(slots=True)
class _Open:
    """A collection being scanned: how many items it has so far, and where it is."""

    is_list: bool
    path: Path
    mark: Any  # yaml.Mark, or libyaml's own Mark class
    items: int = 0
    key: str | int | None = None
    expect_key: bool = True


def _prescan(text: str) -> None:
    """Count nodes, aliases, depth, list items and mapping keys from the event stream, in constant memory.

    This runs before any node graph exists, so a document that is small on disk but
    huge in nodes (``[1,1,1,...]`` in 16 MB is eight million of them) is refused at
    the first item over a bound, with the path of the collection that broke it.
    """
    stack: list[_Open] = []
    nodes = aliases = 0
    for event in yaml.parse(text, Loader=_SafeLoader):
        if isinstance(event, yaml.CollectionEndEvent):
            stack.pop()
            continue
        if not isinstance(event, yaml.NodeEvent):
            continue
        nodes += 1
        parent = stack[-1] if stack else None
        here: Path = parent.path if parent else ()
        if nodes > MAX_VALUES:
            raise _LoadLimit(
                f"the document has more than {MAX_VALUES:,} values; aiinfra refuses to load it", event.start_mark, here
            )
        if isinstance(event, yaml.AliasEvent):
            aliases += 1
            if aliases > MAX_ALIASES:
                raise _LoadLimit(f"more than {MAX_ALIASES} YAML aliases", event.start_mark, here)
        step: str | int | None = None
        if parent is not None and parent.is_list:
            if parent.items >= MAX_LIST_ITEMS:
                message = f"a list has more than {MAX_LIST_ITEMS:,} items; aiinfra refuses to load it"
                raise _LoadLimit(message, parent.mark, parent.path)
            step = parent.items
            parent.items += 1
        elif parent is not None and parent.expect_key:
            if parent.items >= MAX_MAPPING_KEYS:
                message = f"a mapping has more than {MAX_MAPPING_KEYS:,} keys; aiinfra refuses to load it"
                raise _LoadLimit(message, parent.mark, parent.path)
            parent.items += 1
            parent.expect_key = False
            parent.key = str(event.value) if isinstance(event, yaml.ScalarEvent) else "?"
        elif parent is not None:
            parent.expect_key = True
            step = parent.key
        if isinstance(event, yaml.CollectionStartEvent):
            if len(stack) >= MAX_DEPTH:
                raise _LoadLimit(f"nesting deeper than {MAX_DEPTH} levels", event.start_mark, here)
            path = here if step is None else (*here, step)
            stack.append(_Open(isinstance(event, yaml.SequenceStartEvent), path, event.start_mark))


class _LoadLimit(Exception):
    def __init__(self, message: str, mark: Any, path: Path = ()) -> None:
        super().__init__(message)
        self.message = message
        self.mark = mark
        self.path = path


_DEFAULT_TAGS: dict[type[yaml.Node], str] = {
    yaml.MappingNode: "tag:yaml.org,2002:map",
    yaml.SequenceNode: "tag:yaml.org,2002:seq",
}


class _Builder:
    """Turns a composed node graph into plain Python, within bounds."""

    def __init__(self, source: SourceMap, constructor: yaml.constructor.SafeConstructor) -> None:
        self.source = source
        self.constructor = constructor
        self.values = 0
        self.errors: list[Diagnostic] = []

    def build(self, node: yaml.Node, path: Path, depth: int) -> Any:
        self.values += 1
        if self.values > MAX_VALUES:
            raise _LoadLimit(
                f"the document expands to more than {MAX_VALUES:,} values "
                "(alias expansion bomb?); aiinfra refuses to load it",
                node.start_mark,
            )
        if depth > MAX_DEPTH:
            raise _LoadLimit(f"nesting deeper than {MAX_DEPTH} levels", node.start_mark, path)
        self.source.add(path, node.start_mark)
        expected = _DEFAULT_TAGS.get(type(node))
        if expected is not None and node.tag != expected:
            raise _LoadLimit(f"YAML tag {node.tag!r} is not allowed; aiinfra reads plain YAML only", node.start_mark)
        if isinstance(node, yaml.MappingNode):
            self.constructor.flatten_mapping(node)
            out: dict[Any, Any] = {}
            seen: dict[Any, yaml.Node] = {}
            for key_node, value_node in node.value:
                key = self.constructor.construct_object(key_node, deep=True)
                if not isinstance(key, str | int | float | bool) and key is not None:
                    self.errors.append(self.source.diagnostic(path, "mapping keys must be plain scalars"))
                    continue
                if key in seen:
                    first = seen[key].start_mark.line + 1
                    self.source.add((*path, str(key)), key_node.start_mark)
                    pos = key_node.start_mark
                    self.errors.append(
                        Diagnostic(
                            message=f"duplicate key {key!r} (first defined on line {first}); remove one of them",
                            path=dotted((*path, str(key))),
                            file=self.source.file,
                            line=pos.line + 1,
                            column=pos.column + 1,
                        )
                    )
                    continue
                seen[key] = key_node
                child = (*path, str(key))
                self.source.add(child, key_node.start_mark)
                out[key] = self.build(value_node, child, depth + 1)
            return out
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*path, i), depth + 1) for i, item in enumerate(node.value)]
        return self.constructor.construct_object(node)


def _expanded_size(node: yaml.Node, memo: dict[int, int], depth: int) -> int:
    """Values the node expands to once aliases are followed, without expanding them.

    Aliased nodes are shared in the composed graph, so memoising on identity makes
    this linear in the document's size while a billion-laughs graph reports its
    true, exponential expansion.
    """
    key = id(node)
    if key in memo:
        return memo[key]
    if depth > MAX_DEPTH:
        raise _LoadLimit(f"nesting deeper than {MAX_DEPTH} levels", node.start_mark)
    if isinstance(node, yaml.MappingNode):
        total = 1 + sum(_expanded_size(k, memo, depth + 1) + _expanded_size(v, memo, depth + 1) for k, v in node.value)
    elif isinstance(node, yaml.SequenceNode):
        total = 1 + sum(_expanded_size(item, memo, depth + 1) for item in node.value)
    else:
        total = 1
    memo[key] = min(total, MAX_VALUES + 1)
    return memo[key]


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def read_bounded(file: FsPath | str, name: str, *, encoding: str = "utf-8") -> str:
    """The text of a regular file of at most ``MAX_FILE_BYTES``; SpecError otherwise.

    The file is opened non-blocking (a FIFO would otherwise wait for a writer
    forever), checked with ``fstat`` on the open descriptor (so a symlink is
    judged by what it points at, and nothing can be swapped in between), and
    read no further than one byte past the limit (``/dev/zero`` never ends).
    """
    try:
        fd = os.open(file, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise SpecError([Diagnostic(f"cannot read file: {exc.strerror}", file=name)]) from None
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            message = f"{_kind(mode)}, not a regular file; aiinfra reads regular files only"
            raise SpecError([Diagnostic(message, file=name)])
        chunks: list[bytes] = []
        size = 0
        while size <= MAX_FILE_BYTES:
            chunk = os.read(fd, min(1 << 20, MAX_FILE_BYTES + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as exc:
        raise SpecError([Diagnostic(f"cannot read file: {exc.strerror}", file=name)]) from None
    finally:
        os.close(fd)
    if size > MAX_FILE_BYTES:
        message = f"file is over {MAX_FILE_BYTES:,} bytes; the limit is {MAX_FILE_BYTES:,}"
        raise SpecError([Diagnostic(message, file=name)])
    try:
        return b"".join(chunks).decode(encoding)
    except UnicodeDecodeError as exc:
        raise SpecError([Diagnostic(f"cannot read file as UTF-8: {exc}", file=name)]) from None


def load_yaml(file: FsPath | str, *, display_name: str | None = None) -> tuple[Any, SourceMap]:
    """Load one YAML document with positions. Raises :class:`SpecError` on any problem."""
    name = display_name or str(file)
    return _load(read_bounded(file, name), name)


def _load(text: str, name: str) -> tuple[Any, SourceMap]:
    source = SourceMap(name)
    loader: yaml.SafeLoader | None = None
    try:
        _prescan(text)
        loader = _SafeLoader(text)
        root = loader.get_single_node()
        if root is None:
            raise SpecError([Diagnostic("the file is empty", file=name, line=1, column=1)])
        size = _expanded_size(root, {}, 0)
        if size > MAX_VALUES:
            raise _LoadLimit(
                f"the document expands to more than {MAX_VALUES:,} values (alias expansion bomb?); "
                "aiinfra refuses to load it",
                root.start_mark,
            )
        builder = _Builder(source, loader)
        data = builder.build(root, (), 0)
    except _LoadLimit as exc:
        mark = exc.mark
        raise SpecError(
            [
                Diagnostic(
                    exc.message,
                    path=dotted(exc.path),
                    file=name,
                    line=mark.line + 1 if mark else 0,
                    column=mark.column + 1 if mark else 0,
                )
            ]
        ) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or "invalid YAML"
        if exc.context:
            problem = f"{exc.context}: {problem}"
        raise SpecError(
            [
                Diagnostic(
                    f"YAML syntax error: {problem}",
                    file=name,
                    line=mark.line + 1 if mark else 0,
                    column=mark.column + 1 if mark else 0,
                )
            ]
        ) from None
    except yaml.YAMLError as exc:
        raise SpecError([Diagnostic(f"YAML error: {exc}", file=name)]) from None
    except RecursionError:
        raise SpecError([Diagnostic("the document is nested too deeply", file=name)]) from None
    except UnicodeError as exc:
        raise SpecError([Diagnostic(f"the text is not valid Unicode: {exc}", file=name)]) from None
    finally:
        if loader is not None:
            loader.dispose()
    if builder.errors:
        raise SpecError(builder.errors)
    return data, source


def load_yaml_text(text: str, name: str = "<string>") -> Any:
    """Load YAML text with the same bounds; positions are discarded."""
    return _load(text, name)[0]
