"""Nokia SR Linux 25.3.1's own YANG models as the judge of every rendered SR Linux config.

The models (``shared/schemas/srlinux-yang-25.3.1``, README there) are loaded the way the
README prescribes for ``yanglint``: every folder holding ``.yang`` files on the search path,
``srl_nokia-features`` first, then every ``srl_nokia`` file that is a ``module`` (the rest are
submodules), with imported modules implemented (``-i``: OpenConfig identities are needed).
Loading takes 15-70 s, so one libyang context serves every file of a process.

Feature set: the 7220 IXR-H5 (Tomahawk 5) platform's, as far as the models let us derive it
without Nokia's per-platform mapping files (left out of the copy). Every feature is on except
the other platforms' ``platform-*`` features (``PLATFORMS`` stay on), chassis features, the other
chip families (``OTHER_CHIPS``), ``future-0-0`` (unreleased nodes), features whose description
names DNX platforms only, the DNX queueing model (``OTHER_QUEUEING``) and features whose own
``if-feature`` is then off. "Every feature" would be wrong, not just loose: SR Linux hides nodes
with ``if-feature "not platform-imgmt"`` and the like, so NTP and DNS would vanish.

XPath restatements, generated and complete (``boolean_deviations``, one deviation module
built from the loaded models, so the list cannot go stale):

- ``X = false()`` / ``X != true()`` (the README's swap-src-dst-mac catch, and about 50 more):
  XPath 1.0 converts a node-set compared with a boolean to "the node exists", so a leaf set
  or defaulted to false fails ``. = false()``. Restated as a comparison with the value
  (``. = 'false'``); a function call or bracket on the left is a real boolean and is kept.
- ``PATH != 'literal'`` / ``PATH != ../leaf``: false in XPath 1.0 when PATH is absent
  (mgmt0.0 and system0.0 take no subinterface type, a weighted scheduler has no priority, a
  forwarding class need not name a multicast queue). Restated as ``not(PATH = ...)``.
- ``afi-safi-name='ipv4-unicast'``: an identity named without its module never equals the
  leaf's value in libyang 2.1; restated with ``srl_nokia-common:``.
- a must carrying Nokia's ``srl_nokia-ext:if-feature`` applies only where that feature
  expression holds; libyang ignores the extension, so such a must is deleted where the
  expression is false for this feature set (BFD's 1 s floor exists on the virtual SR Linux only).

Each restated must keeps its error message; nothing else is changed or skipped. A file is
parsed as complete configuration data (``strict``: a member the models do not know is an
error) and validated as one datastore, so ``mandatory``, ``must``, ``when``, ``leafref`` and
``unique`` all apply; libyang stops at a file's first error. Secrets are Ansible expressions
in the rendered file; the models judge a sample value in their place (``VAULT_SAMPLE``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from functools import cache
from pathlib import Path
from typing import Any

import libyang
from _libyang import ffi, lib  # the binding's cffi module: libyang's C API for the context options
from libyang.util import ly_array_iter

SCHEMAS = Path(__file__).resolve().parents[3] / "shared" / "schemas" / "srlinux-yang-25.3.1"
FEATURES_MODULE = "srl_nokia-features"
# The OSFP 7220 IXR-H5-64O is only declared in the 25.3.1 models: every statement that tells the
# 64x800G Tomahawk 5 H5 apart names its QSFP-DD twin, platform-7220-h5-64d (LAG member speeds,
# for one, would otherwise have no valid value and the models would not compile). Both are on.
PLATFORMS = frozenset({"platform-7220-h5-64o", "platform-7220-h5-64d", "platform-hash-polynomial-visibility"})
CHIP = "tomahawk5"
OTHER_CHIPS = frozenset(
    {"jericho2", "jericho2cp", "jericho3", "qumran2cp", "tomahawk3", "tomahawk4", "trident3", "trident4", "fpcx"}
)
OTHER = frozenset({"future-0-0", "chassis", "chassis-vertical-orientation", "ixr-dnx", "platform-mdb-profile"})
# Queueing families: a Tomahawk port has separate unicast and multicast queues (queue-index 0..11,
# 8 unicast + 4 multicast), so a forwarding class names a unicast-queue (qos-unicast-queue), not the
# one multi-traffic queue of the DNX systems.
OTHER_QUEUEING = frozenset({"qos-multi-traffic-queue"})
EXCEPTIONS: dict[str, str] = {}  # feature -> why it stays off beyond the rules above (none: see BOOLEAN)
# A comparison of a leaf with an XPath boolean: ``. = false()``, ``../x != true()``, ``true() = ../x``.
BOOLEAN = re.compile(r"(!?=)\s*(true|false)\(\)")
# ``../type != 'bridged'``: a relative leaf compared unequal with a literal. For an absent leaf
# (mgmt0.0 and system0.0 take no subinterface type; a weighted scheduler has no priority) XPath 1.0
# gives false, which refuses what the model means to allow; not(leaf = literal) is true there.
UNEQUAL = re.compile(r"\s*!=\s*('[^']*'|\"[^\"]*\"|(?:\.\./)+[\w:-]+(?:/[\w:-]+)*)")
# ``afi-safi-name='ipv4-unicast'``: an identityref compared with an identity named without its
# module; libyang 2.1 compares the leaf's value (``srl_nokia-common:ipv4-unicast``) with the bare
# name and never matches, so every BGP group fails "One of the address families must be enabled".
# The BGP address-family identities are srl_nokia-common's.
COMMON = "srl_nokia-common"
IDENTITY = re.compile(r"(afi-safi-name\s*=\s*)'([\w-]+)'")
PREFIX = re.compile(r"(?<![\w.-])([A-Za-z_][\w.-]*):(?=[A-Za-z_])")
BOOLEAN_LEFT = re.compile(r"(true|false)\(\)\s*(!?=)\s*(?=[./A-Za-z])(?!boolean\(|not\()")
ANSIBLE_EXPRESSION = re.compile(r"\{\{.*?\}\}")
VAULT_SAMPLE = "Vault0Secret1"
SUFFIX = ".srl"


def _features() -> list[tuple[str, str, tuple[str, ...]]]:
    """(name, description, features it depends on) of every feature srl_nokia-features declares."""
    text = (SCHEMAS / "srl_nokia" / "models" / "common" / f"{FEATURES_MODULE}.yang").read_text()
    out = []
    for m in re.finditer(r"^\s*feature\s+([\w-]+)\s*(;|\{(.*?)\n\s*\})", text, re.M | re.S):
        body = m.group(3) or ""
        out.append((m.group(1), " ".join(body.split()), tuple(re.findall(r'if-feature\s+"([\w-]+)"', body))))
    return out


def dnx_only(description: str) -> bool:
    """A feature whose description names DNX (7250/7730) platforms and not XGS ones."""
    return "DNX" in description and "XGS" not in description


@cache
def enabled_features() -> tuple[str, ...]:
    """The feature set the models are compiled with (module docstring)."""
    out = []
    for name, description, needs in _features():
        if name.startswith("platform-") and name not in PLATFORMS:
            continue
        if name in OTHER_CHIPS | OTHER | OTHER_QUEUEING or name in EXCEPTIONS or dnx_only(description):
            continue
        if any(n not in out for n in needs):  # a feature whose if-feature is off stays off
            continue
        out.append(name)
    return tuple(out)


def module_names() -> list[str]:
    """Every srl_nokia file that is a module (not a submodule), features first."""
    names = []
    for path in sorted((SCHEMAS / "srl_nokia").rglob("*.yang")):
        if re.match(r"\s*module\s", path.read_text()) and path.stem != FEATURES_MODULE:
            names.append(path.stem)
    return [FEATURES_MODULE, *names]


def restate(expr: str) -> str:
    """``expr`` with each comparison of a leaf with ``true()``/``false()`` compared with the leaf's
    value instead (``. = false()`` -> ``. = 'false'``): in XPath 1.0 a node-set compared with a
    boolean is converted to a boolean (non-empty: true), so the original compares the leaf's
    existence, not its value, and ``. = false()`` fails for a leaf that is set (or defaulted)
    to false. A comparison whose left side is a function call or a bracketed expression
    (``boolean(../x) = false()``) is a real boolean comparison and is kept."""

    def right(m: re.Match[str]) -> str:
        before = expr[: m.start()].rstrip()
        if before.endswith(")") and not before.endswith("current()"):
            return m.group(0)
        return f"{m.group(1)} '{m.group(2)}'"

    out = IDENTITY.sub(lambda m: f"{m.group(1)}'{COMMON}:{m.group(2)}'", expr)
    out = BOOLEAN.sub(right, out)
    out = BOOLEAN_LEFT.sub(lambda m: f"'{m.group(1)}' {m.group(2)} ", out)
    return _restate_unequal(out)


def _restate_unequal(expr: str) -> str:
    """``PATH != X`` -> ``not(PATH = X)`` where PATH is a location path and X a literal or a
    relative path: for an absent PATH, XPath 1.0 makes the original false, refusing what the
    model allows (mgmt0.0 and system0.0 take no subinterface type; a weighted scheduler has no
    priority; a forwarding class need not name a multicast queue)."""
    out = expr
    for m in reversed(list(UNEQUAL.finditer(expr))):
        start, depth = m.start(), 0
        while start > 0:
            ch = out[start - 1]
            if ch == "]":
                depth += 1
            elif ch == "[":
                if depth == 0:
                    break
                depth -= 1
            elif depth == 0 and (ch.isspace() or ch in "(=!<>,"):
                break
            start -= 1
        if out[:start].endswith("current(") and out[start : start + 1] == ")":
            start -= len("current(")
        left = out[start : m.start()].rstrip()
        if not (left[:1] in (".", "/") or left.startswith("current()/")) or left.endswith(")"):
            continue
        out = f"{out[:start]}not({left} = {m.group(1)}){out[m.end() :]}"
    return out


@cache
def _prefixes() -> dict[str, frozenset[str]]:
    """Prefix -> the modules the SR Linux files bind it to (a module's own prefix, and imports)."""
    out: dict[str, set[str]] = {}
    for path in SCHEMAS.rglob("*.yang"):
        text = path.read_text()
        head = re.match(r"\s*(sub)?module\s+([\w-]+)", text)
        if head is None:
            continue
        if head.group(1) is None:
            own = re.search(r"^\s*prefix\s+\"?([\w.-]+)\"?\s*;", text, re.M)
            if own:
                out.setdefault(own.group(1), set()).add(head.group(2))
        else:
            bp = re.search(r"belongs-to\s+([\w-]+)\s*\{\s*prefix\s+\"?([\w.-]+)", text)
            if bp:
                out.setdefault(bp.group(2), set()).add(bp.group(1))
        for m in re.finditer(r"import\s+([\w-]+)\s*\{[^}]*?prefix\s+\"?([\w.-]+)\"?", text):
            out.setdefault(m.group(2), set()).add(m.group(1))
    return {k: frozenset(v) for k, v in out.items()}


def _alias(prefix: str, imports: set[str]) -> str:
    """The module ``prefix`` names in a restated must; the deviation module imports it under its name."""
    modules = _prefixes().get(prefix, frozenset())
    if prefix == COMMON:  # already a module name (IDENTITY)
        modules = frozenset({COMMON})
    if len(modules) != 1:
        raise ValueError(f"prefix {prefix!r} binds {sorted(modules) or 'no module'}: cannot restate its must")
    (module,) = modules
    imports.add(module)
    return module


EXT_MUST = re.compile(r"must\s+(?:'([^']*)'|\"([^\"]*)\")\s*\{[^{}]*?srl_nokia-ext:if-feature\s+\"([^\"]+)\"", re.S)


@cache
def feature_gated_musts() -> dict[str, str]:
    """must expression -> the feature expression of its ``srl_nokia-ext:if-feature`` substatement.

    Nokia's extension makes a must apply only where a feature holds (``. >= 1000000`` on BFD
    intervals only on the virtual SR Linux); libyang does not know the extension and would apply
    every such must everywhere."""
    out: dict[str, str] = {}
    for path in (SCHEMAS / "srl_nokia").rglob("*.yang"):
        for m in EXT_MUST.finditer(path.read_text()):
            out[m.group(1) if m.group(1) is not None else m.group(2)] = m.group(3)
    return out


def feature_holds(expression: str) -> bool:
    """A YANG if-feature expression (``not a:x``, ``a:x or a:y``) over ``enabled_features``."""
    on = set(enabled_features())
    words = re.findall(r"\(|\)|[\w:.-]+", expression)
    text = " ".join(w if w in ("(", ")", "not", "and", "or") else str(w.split(":")[-1] in on) for w in words)
    if not re.fullmatch(r"[()\s]*(?:(?:True|False|not|and|or)[()\s]*)*", text):
        raise ValueError(f"cannot read the if-feature expression {expression!r}")
    return bool(eval(text, {"__builtins__": {}}))  # only True, False, not, and, or and brackets are left


def _quoted(text: str) -> str:
    """A one-line YANG double-quoted string of ``text`` (escapes keep its exact value: a multi-line
    literal would lose the indentation YANG strips from continuation lines)."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
    return f'"{escaped}"'


def _subtree(node: Any) -> Iterator[Any]:
    """``node`` (a ``struct lysc_node *``) and every compiled node under it, choices and cases included."""
    yield node
    child = lib.lysc_node_child(node)
    while child != ffi.NULL:
        yield from _subtree(child)
        child = child.next


def _nodeid(node: Any) -> tuple[str, set[str]]:
    """The absolute schema-nodeid of ``node``, every step prefixed with its module's name."""
    steps, modules = [], set()
    while node != ffi.NULL:
        module = ffi.string(node.module.name).decode()
        modules.add(module)
        steps.append(f"{module}:{ffi.string(node.name).decode()}")
        node = node.parent
    return "/" + "/".join(reversed(steps)), modules


def boolean_deviations(ctx: libyang.Context) -> str:
    """A deviation module restating (``restate``) every srl_nokia ``must`` that compares a leaf with
    an XPath boolean: the README's swap-src-dst-mac catch is one of them. Generated from the loaded
    models, so no such ``must`` is left in its strict-XPath reading and none is dropped."""
    body, imports = [], set()
    for module in ctx:
        if not module.implemented() or not module.name().startswith("srl_nokia"):
            continue
        for top in (n for t in module.children() for n in _subtree(t.cdata)):
            musts = lib.lysc_node_musts(top)
            if musts == ffi.NULL:
                continue
            changed: list[tuple[str, str | None, str]] = []
            for must in ly_array_iter(musts):
                expr = ffi.string(lib.lyxp_get_expr(must.cond)).decode()
                gate = feature_gated_musts().get(expr)
                if gate is not None and not feature_holds(gate):
                    changed.append((expr, None, ""))  # not on this platform: deleted, nothing added
                    continue
                new = restate(expr)
                if new == expr:
                    continue
                if COMMON + ":" in new:
                    imports.add(COMMON)
                # each prefix becomes its module's name, the prefix this module imports it under
                new = PREFIX.sub(lambda m, seen=imports: _alias(m.group(1), seen) + ":", new)
                message = ffi.string(must.emsg).decode() if must.emsg != ffi.NULL else ""
                changed.append((expr, new, message))
            if not changed:
                continue
            nodeid, modules = _nodeid(top)
            imports |= modules
            body.append(f"  deviation {_quoted(nodeid)} {{")
            for expr, _, _ in changed:
                body.append(f"    deviate delete {{ must {_quoted(expr)}; }}")
            for _, new, message in changed:
                if new is None:
                    continue
                emsg = f" {{ error-message {_quoted(message)}; }}" if message else ";"
                body.append(f"    deviate add {{ must {_quoted(new)}{emsg} }}")
            body.append("  }")
    head = [
        "module aiinfra-srl-boolean-deviations {",
        "  yang-version 1.1;",
        '  namespace "urn:aiinfra:srl-boolean-deviations";',
        "  prefix aiinfra-srl-bool;",
    ]
    head += [f"  import {m} {{ prefix {m}; }}" for m in sorted(imports)]
    return "\n".join([*head, *body, "}"]) + "\n"


# The context's C handle, kept alive for the process (libyang.Context only casts it).
_OWNED: list[Any] = []


@cache
def context() -> libyang.Context:
    """One context with every SR Linux 25.3.1 module, imports implemented (yanglint -i)."""
    folders = sorted({str(p.parent) for p in SCHEMAS.rglob("*.yang")})
    if not folders:
        raise FileNotFoundError(f"no SR Linux YANG models under {SCHEMAS}")
    handle = ffi.new("struct ly_ctx **")
    options = lib.LY_CTX_ALL_IMPLEMENTED | lib.LY_CTX_DISABLE_SEARCHDIR_CWD | lib.LY_CTX_SET_PRIV_PARSED
    if lib.ly_ctx_new(ffi.NULL, options, handle) != lib.LY_SUCCESS:
        raise RuntimeError("libyang: cannot create a context")
    owned = ffi.gc(handle[0], lib.ly_ctx_destroy)
    _OWNED.append(owned)
    ctx = libyang.Context(cdata=owned)
    for folder in folders:
        if lib.ly_ctx_set_searchdir(owned, folder.encode()) != lib.LY_SUCCESS:
            raise ctx.error(f"cannot add {folder} to the search path")
    names = [ffi.new("char[]", n.encode()) for n in enabled_features()]
    features = ffi.new(f"char *[{len(names) + 1}]", [*names, ffi.NULL])
    if lib.ly_ctx_load_module(owned, FEATURES_MODULE.encode(), ffi.NULL, features) == ffi.NULL:
        raise ctx.error(f"cannot load {FEATURES_MODULE}")
    for name in module_names()[1:]:
        ctx.load_module(name)
    ctx.parse_module_str(boolean_deviations(ctx))
    return ctx


def _samples(value: Any) -> Any:
    """The data with every Ansible expression replaced by the sample secret."""
    if isinstance(value, dict):
        return {k: _samples(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_samples(v) for v in value]
    if isinstance(value, str):
        return ANSIBLE_EXPRESSION.sub(VAULT_SAMPLE, value)
    return value


def _error(exc: libyang.LibyangError) -> str:
    return " ".join(str(exc).split())


def validate(data: Any) -> list[str]:
    """Every problem the 25.3.1 models find in one parsed SR Linux config (empty: accepted)."""
    if not isinstance(data, dict) or not data:
        return ["an SR Linux config is a non-empty JSON object of module-qualified top-level nodes"]
    ctx = context()
    try:
        root = ctx.parse_data_mem(json.dumps(_samples(data)), "json", no_state=True, strict=True)
    except libyang.LibyangError as exc:
        return [_error(exc)]
    if root is not None:
        root.first_sibling().free()
    return []


def srl_files(files: Mapping[str, bytes]) -> Iterator[tuple[str, bytes]]:
    """The SR Linux config files among ``files``: configs/*.srl (capabilities.yaml config_file)."""
    for path, body in sorted(files.items()):
        if path.startswith("configs/") and path.endswith(SUFFIX) and "/" not in path[len("configs/") :]:
            yield path, body


def problems(files: Mapping[str, bytes]) -> list[str]:
    """``path: message`` for everything the SR Linux 25.3.1 models refuse in ``files``."""
    out: list[str] = []
    for path, body in srl_files(files):
        try:
            data = json.loads(body)
        except ValueError as exc:
            out.append(f"{path}: not JSON: {exc}")
            continue
        out += [f"{path}: {m}" for m in validate(data)]
    return out
