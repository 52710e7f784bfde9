"""A provider SDK's service packages (`pulumi_aws.cognito`, `pulumi_aws.cloudwatch`) loaded in
the program host one member module at a time, when the program first reads a member.

pulumi-language-python generates each service package's `__init__.py` as one
`from .<module> import *` line per resource and data source, so a program that declares one
CloudWatch alarm runs all 48 of CloudWatch's modules (event buses, internet monitors, metric
streams, ...) and every IAM module for one role. For prod's program that is most of the provider
SDK's cost: importing pulumi_aws and touching the 25 classes and functions prod uses took 0.39 s
with whole packages and 0.30 s this way (medians of 8 interleaved runs, where the floor,
`python -c "import pulumi_aws"`, took 0.25 s).

`install()` puts a finder in front of the import system. For a package of a `pulumi_*` SDK whose
`__init__.py` has exactly the generated lines (the header imports, the star imports,
`from . import outputs`), it runs the header and builds an index from each exported name to the
module that exports it, read from the `__all__` list at the top of each module's source (every
generated module has one) without running the module. The package then holds what the generated
file binds, as each member's module loads:
- a name exported by a module is bound when that module loads, whatever loads it (the program's
  first read of the name, or another module importing it), and a later module's export wins as
  with the star imports in order;
- each submodule is the package's attribute once loaded, as always (and loaded on first read);
- `from package import *` and `dir(package)` load every module first, so they see what the
  generated file would have bound.
Anything else (another line in `__init__.py`, a module without a literal `__all__`) runs as
written. `IDENTITY_GATE_WHOLE_PROVIDER_PACKAGES=1` turns it off. Only the program host installs it:
the registrations are the same either way (`tests/gate/test_provider_packages.py`), only when
each module's code runs changes.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import os
import re
import sys
import types
from collections.abc import Mapping, Sequence
from importlib.machinery import ModuleSpec
from typing import Any

OFF_VARIABLE = "IDENTITY_GATE_WHOLE_PROVIDER_PACKAGES"

_HEADER = (
    "import builtins as _builtins",
    "from .. import _utilities",
    "import typing",
)
_STAR_IMPORT = re.compile(r"from \.(\w+) import \*")
_SUBMODULE_IMPORT = re.compile(r"from \. import (\w+)")
_ALL_START = "\n__all__ = ["
_QUOTED_NAME = re.compile(r"'(\w+)'")
_LIST_SEPARATORS = re.compile(r"[\s,]*")
_STATEMENT_END = re.compile(r"[ \t]*(#[^\n]*)?\n")


class MemberIndex:
    """The generated `__init__.py` of one service package, read without running it."""

    def __init__(self, star_modules: Sequence[str], submodules: Sequence[str]) -> None:
        self.modules = (*star_modules, *submodules)
        """Every submodule the generated file imports, in its order."""
        self.exports: dict[str, dict[str, None]] = {}
        """Each star-imported module's exported names, in `__all__` order."""
        self.owner: dict[str, str] = {}
        """Each exported name's module: the last star import that exports it wins."""
        self._star_modules = star_modules

    def read_exports(self, folder: str) -> bool:
        """Fills the index from each star module's `__all__`; False when one has none to read."""
        for module in self._star_modules:
            names = _exported_names(os.path.join(folder, f"{module}.py"))
            if names is None:
                return False
            self.exports[module] = dict.fromkeys(names)
            for name in names:
                self.owner[name] = module
        return True


def parse_generated_init(source: str) -> MemberIndex | None:
    """The star-imported and plainly imported submodules of a generated `__init__.py`, or None
    when it has any other statement (that package then runs as written)."""
    star_modules: list[str] = []
    submodules: list[str] = []
    for line in source.splitlines():
        line = line.strip()
        if not line or line.startswith("#") or line in _HEADER:
            continue
        if star := _STAR_IMPORT.fullmatch(line):
            star_modules.append(star.group(1))
        elif plain := _SUBMODULE_IMPORT.fullmatch(line):
            submodules.append(plain.group(1))
        else:
            return None
    return MemberIndex(star_modules, submodules) if star_modules else None


def _exported_names(path: str) -> list[str] | None:
    """The names of a generated module's literal `__all__` list, read from its first lines;
    None when it has none or computes it (`__all__ = [...] + other`)."""
    try:
        with open(path, encoding="utf-8") as source:
            text = "\n" + source.read(8192)
            start = text.find(_ALL_START)
            if start < 0:
                return None
            while (end := _list_end(text, start)) is None:
                more = source.read(65536)
                if not more:
                    return None
                text += more
    except OSError:
        return None
    if end < 0:
        return None  # the statement goes on after the list: computed at run time
    body = text[start + len(_ALL_START) : end]
    if _LIST_SEPARATORS.fullmatch(_QUOTED_NAME.sub("", body)) is None:
        return None  # not a plain list of names: the module decides at run time
    return _QUOTED_NAME.findall(body)


def _list_end(text: str, start: int) -> int | None:
    """Where the list begun at `start` closes; -1 when the statement goes on after it, None
    when the text read so far does not tell yet."""
    end = text.find("]", start)
    if end < 0 or "\n" not in text[end:]:
        return None
    return end if _STATEMENT_END.match(text, end + 1) else -1


_indexes: dict[str, MemberIndex] = {}
"""Each indexed package's index, by the package's name (kept out of the package's namespace,
which holds only what the generated file binds)."""


def _index_for(package: types.ModuleType) -> MemberIndex | None:
    return _indexes.get(package.__dict__.get("__name__", ""))


class ServicePackage(types.ModuleType):
    """A generated service package whose member modules load when first read."""

    def __getattr__(self, name: str) -> Any:
        index = _index_for(self)
        if index is None:
            raise AttributeError(f"module {self.__name__!r} has no attribute {name!r}")
        if name == "__all__":
            # `from package import *` asks first; the generated file defines none, so Python
            # falls back to every public name, which must all be there by then.
            self._load_all(index)
            raise AttributeError(name)
        module = index.owner.get(name) or (name if name in index.modules else None)
        if module is None:
            raise AttributeError(f"module {self.__name__!r} has no attribute {name!r}")
        importlib.import_module(f"{self.__name__}.{module}")
        try:
            return self.__dict__[name]
        except KeyError:  # read while that module is still running (a circular import)
            raise AttributeError(
                f"partially initialized module {self.__name__!r} has no attribute {name!r}"
            ) from None

    def __setattr__(self, name: str, value: Any) -> None:
        """The import system sets each loaded submodule on its package; that is when the
        submodule's exports are bound, as its star import would have bound them."""
        super().__setattr__(name, value)
        index = _index_for(self)
        if index is not None and isinstance(value, types.ModuleType) and name in index.exports:
            self._bind_exports(index, name, value)

    def __dir__(self) -> list[str]:
        index = _index_for(self)
        if index is not None:
            self._load_all(index)
        return sorted(self.__dict__)

    def _bind_exports(self, index: MemberIndex, module_name: str, module: types.ModuleType) -> None:
        namespace = self.__dict__
        for name in index.exports[module_name]:
            if index.owner[name] == module_name:
                namespace[name] = getattr(module, name)

    def _load_all(self, index: MemberIndex) -> None:
        for module in index.modules:
            importlib.import_module(f"{self.__name__}.{module}")


class _ServicePackageLoader(importlib.abc.Loader):
    """Runs a generated service package's header and indexes its members; any other package
    through the loader the import system found for it."""

    def __init__(self, found: importlib.abc.Loader) -> None:
        self._found = found

    def create_module(self, spec: ModuleSpec) -> types.ModuleType | None:
        return self._found.create_module(spec)

    def exec_module(self, module: types.ModuleType) -> None:
        origin = module.__spec__.origin if module.__spec__ else None
        index = _index_of(origin) if origin else None
        if index is None:
            self._found.exec_module(module)
            return
        exec("\n".join(_HEADER), module.__dict__)  # what the generated file binds first
        _indexes[module.__name__] = index
        module.__class__ = ServicePackage

    def __getattr__(self, name: str) -> Any:
        # get_source, get_filename, ... for tracebacks and tools, from the real loader.
        return getattr(self._found, name)


def _index_of(init_path: str) -> MemberIndex | None:
    try:
        with open(init_path, encoding="utf-8") as init:
            index = parse_generated_init(init.read())
    except OSError:
        return None
    if index is None or not index.read_exports(os.path.dirname(init_path)):
        return None
    return index


class _ServicePackageFinder(importlib.abc.MetaPathFinder):
    """Finds packages below a `pulumi_*` SDK as the path finder does, with the loader above."""

    def find_spec(
        self,
        fullname: str,
        path: Sequence[str] | None,
        target: types.ModuleType | None = None,  # noqa: ARG002  # the finder protocol's
    ) -> ModuleSpec | None:
        if not fullname.startswith("pulumi_") or "." not in fullname:
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if (
            spec is None
            or spec.loader is None
            or spec.submodule_search_locations is None
            or not (spec.origin or "").endswith("__init__.py")
        ):
            return spec
        spec.loader = _ServicePackageLoader(spec.loader)
        return spec


def install(environ: Mapping[str, str] = os.environ) -> bool:
    """Puts the finder first on `sys.meta_path` (once); False when the variable turns it off."""
    if environ.get(OFF_VARIABLE, "").strip().lower() in ("1", "true", "yes", "on"):
        return False
    if not any(isinstance(finder, _ServicePackageFinder) for finder in sys.meta_path):
        sys.meta_path.insert(0, _ServicePackageFinder())
    return True
