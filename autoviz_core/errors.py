"""Errors a person can read: each carries a one-line message and what to do next."""

from __future__ import annotations


class AutoVizError(Exception):
    """Base of every error AutoViz shows to a person instead of a traceback."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} {self.hint}".strip()


class ConfigError(AutoVizError):
    """config.yaml is missing, malformed, or names something that does not exist."""


class DataLoadError(AutoVizError):
    """An uploaded file cannot be turned into a table."""


class OutputPathError(AutoVizError):
    """A place the CLI was asked to write to (--json, --out) cannot take the file."""


class ModelUnavailableError(AutoVizError):
    """A backend cannot be used: library missing, model file missing/corrupt, server down."""


class BackendError(AutoVizError):
    """A backend call failed: HTTP error, timeout, or output that never validated."""


class ModelTimeout(BackendError):
    """A model call (all its attempts together) ran past its time limit and was stopped."""


class ModelCancelled(BackendError):
    """A model call was stopped because the caller cancelled it."""


class PlanValidationError(AutoVizError):
    """A plan (or an edit to it) cannot be made valid for this table."""
