"""The Pulumi program: stack config → catalog → one ComponentResource per service.

`__main__.py` calls `run()` under the real engine; the offline engine calls the same `run()` under mocks.
`run` is imported on first use: the settings and the selection (program.settings, program.selection) are read
by tools that never declare a resource, without importing the providers' SDKs (seconds).
"""

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .run import run


def __getattr__(name: str) -> object:
    if name == "run":
        from .run import run as function

        globals()["run"] = function  # the function, not the submodule of the same name
        return function
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["run"]
