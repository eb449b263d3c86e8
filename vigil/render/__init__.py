"""Renderers of a plan: JSON for machines, a table for people, Markdown for pull requests."""
