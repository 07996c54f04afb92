"""Model, member and manager classes named by import path (``"package.module:Class"``).

A scenario or experiment file may name an :class:`~alliancesim.model.AllianceModel`
subclass (``model_class``), a :class:`~alliancesim.model.MemberOrganization` subclass
(``member_class``) or an :class:`~alliancesim.model.AllianceManager` subclass
(``manager_class``). Importing a module runs its code, so a file never makes that happen by
itself: the class is imported only when the user opts in (``--allow-import`` on the command
line, ``allow_import=True`` in Python). Reading the file checks the path's form only.
"""

from __future__ import annotations

import importlib
import re
import sys
from pathlib import Path
from typing import Any

# package.module:Class, or package.module:Outer.Inner
IMPORT_PATH = re.compile(r"^[A-Za-z_]\w*(\.[A-Za-z_]\w*)*:[A-Za-z_]\w*(\.[A-Za-z_]\w*)*$")
PATH_FORM = "an import path like 'my_models:MentoredAlliance' (package.module:Class)"
ROLES = {"model_class": ("AllianceModel", "alliancesim.model"),
         "member_class": ("MemberOrganization", "alliancesim.model"),
         "manager_class": ("AllianceManager", "alliancesim.model")}


class ClassImportError(ValueError):
    """A class named by import path cannot be used: not allowed, not found, or not a
    subclass of what it must extend. Names the file and the field."""

    def __init__(self, source: str, field: str, message: str) -> None:
        super().__init__(f"{source}: field {field!r}: {message}")
        self.source, self.field, self.message = source, field, message

    def __reduce__(self) -> tuple[type, tuple[str, str, str]]:
        return (type(self), (self.source, self.field, self.message))


def classes_by_role(holder: Any) -> dict[str, type | None]:
    """The class of every role (:data:`ROLES`) an object holds as attributes of those names
    (a scenario arm, a chunk task), None for those it lacks."""
    return {role: getattr(holder, role, None) for role in ROLES}


def check_import_path(value: str) -> str | None:
    """Why ``value`` is not of the form ``package.module:Class`` (None when it is)."""
    if not IMPORT_PATH.match(value):
        return f"{value!r} is not {PATH_FORM}"
    return None


def class_path(cls: type | None) -> str | None:
    """``module:QualName`` of ``cls`` (what a manifest records), or None."""
    if cls is None:
        return None
    return f"{cls.__module__}:{cls.__qualname__}"


def resolve_class(spec: str | type | None, field: str, *, source: str = "<python>",
                  allow_import: bool = False, search: Path | None = None) -> type | None:
    """The class ``spec`` names, checked to extend the class its ``field`` requires.

    ``spec`` may be a class (used as given) or an import path, imported only with
    ``allow_import``. ``search`` (the folder of the file that names it) is added to the end
    of ``sys.path`` so that a module next to the file is found; worker processes started
    afterwards inherit it.
    """
    if spec is None:
        return None
    cls = _import(spec, field, source, allow_import, search) if isinstance(spec, str) else spec
    base_name, module = ROLES[field]
    base = getattr(importlib.import_module(module), base_name)
    if not (isinstance(cls, type) and issubclass(cls, base)):
        raise ClassImportError(source, field, f"{_shown(spec)} is not a subclass of "
                               f"{base_name}; allowed: {base_name} or a subclass of it")
    return cls


def _import(spec: str, field: str, source: str, allow_import: bool,
            search: Path | None) -> Any:
    problem = check_import_path(spec)
    if problem:
        raise ClassImportError(source, field, f"{problem}")
    if not allow_import:
        raise ClassImportError(
            source, field, f"names the class {spec!r}, which runs code when it is imported; "
            "alliancesim imports it only when asked: add --allow-import to the command (in "
            "Python: allow_import=True, or pass the class itself as model_class=...)")
    if search is not None and str(search) not in sys.path:
        sys.path.append(str(search))
    module_name, _, qualname = spec.partition(":")
    try:
        target: Any = importlib.import_module(module_name)
    except ImportError as exc:
        raise ClassImportError(source, field, f"cannot import module {module_name!r} "
                               f"({exc}); allowed: a module on the Python path or in the "
                               "folder of the file") from None
    except Exception as exc:  # the module's own code failed: say so in one line
        raise ClassImportError(source, field, f"importing module {module_name!r} raised "
                               f"{type(exc).__name__}: {exc}") from None
    for part in qualname.split("."):
        if not hasattr(target, part):
            raise ClassImportError(source, field, f"module {module_name!r} has no "
                                   f"{qualname!r}")
        target = getattr(target, part)
    return target


def _shown(spec: str | type) -> str:
    return repr(spec) if isinstance(spec, str) else repr(getattr(spec, "__qualname__", spec))
