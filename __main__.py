"""Pulumi entry point: the program lives in `program/` so the offline engine can run it too."""

from program import run

run()
