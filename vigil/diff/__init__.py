"""`vigil diff`: what a change does to monitoring, between two revisions or from a real `pulumi preview --json`.

    compare.py    structural diff of two plan documents, by (type, logical name), field by field
    danger.py     deletions, replacements, log groups leaving the stack, protection removed
    facets.py     what a reviewer cares about in a resource (signal, severity, thresholds, recipients)
    summary.py    the reviewer's summary in words
    render.py     text, Markdown, JSON
    revisions.py  plan two git revisions with their own code (subprocess per side)
    preview.py    the same summary from `pulumi preview --json`
"""

from .compare import compare
from .model import Diff, FieldChange, ResourceChange
from .summary import Summary, summarise

__all__ = ["Diff", "FieldChange", "ResourceChange", "Summary", "compare", "summarise"]
