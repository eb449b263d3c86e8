"""The Pulumi program: stack config → catalog → one ComponentResource per service.

`__main__.py` calls `run()` under the real engine; the offline engine calls the same `run()` under mocks.
"""

from .run import run

__all__ = ["run"]
