"""The one error of the replay: something the evaluator does not understand, named after the resource holding it."""

from __future__ import annotations

from typing import Optional


class ReplayError(ValueError):
    """An expression, option or reference the evaluators do not understand (never a silent pass), or vendor data
    that does not fit. `resource` is the plan's logical name when a resource is at fault."""

    def __init__(self, message: str, resource: Optional[str] = None) -> None:
        self.resource = resource
        self.detail = message
        super().__init__(f"{resource}: {message}" if resource else message)

    def about(self, resource: str) -> ReplayError:
        """The same problem, named after `resource` (when it was found below the resource level)."""
        return self if self.resource else ReplayError(self.detail, resource)


class ReplayErrors(ReplayError):
    """Every problem found in a plan at once, one per line."""

    def __init__(self, errors: list[ReplayError]) -> None:
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))
