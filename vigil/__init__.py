"""The command line (validate, plan, diff, docs, schema), the offline engine and the renderers."""
