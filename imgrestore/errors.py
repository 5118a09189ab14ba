"""Errors the CLI turns into one line and an exit code.

Every error a user can cause derives from :class:`ImgrestoreError`; its ``exit_code`` is what
``imgrestore`` returns, so scripts can tell a usage mistake (2) from a partly failed batch (1).
"""

from __future__ import annotations


class ImgrestoreError(Exception):
    """Base class of every error meant for the user, not for a traceback."""

    exit_code: int = 2


class UsageError(ImgrestoreError):
    """The command line asks for something impossible (bad flag combination, unsafe output)."""


class UnknownModelError(ImgrestoreError):
    """A model name is neither bundled nor a readable file."""


class UnknownArchitectureError(ImgrestoreError):
    """Weights name an architecture that is not registered."""


class WeightsError(ImgrestoreError):
    """A weights file cannot be read or lacks imgrestore metadata."""


class WeightsMismatchError(WeightsError):
    """The tensors of a weights file do not fit the architecture they claim."""


class ImageReadError(ImgrestoreError):
    """An input file is missing, empty, truncated or not an image."""

    exit_code = 1


class ImageWriteError(ImgrestoreError):
    """An output file could not be written."""

    exit_code = 1


class SpecError(ImgrestoreError):
    """A degradation spec string cannot be parsed."""
