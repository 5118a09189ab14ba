"""Errors the CLI turns into one line and an exit code.

Every error a user can cause derives from :class:`ImgrestoreError`; its ``exit_code`` is what
``imgrestore`` returns, so scripts can tell a usage mistake (2) from a partly failed batch (1).
"""

from __future__ import annotations


class ImgrestoreError(Exception):
    """Base class of every error meant for the user, not for a traceback."""

    exit_code: int = 2
    prefix: str = "error: "  # how the CLI starts the line


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


class ReportWriteError(ImgrestoreError):
    """The report could not be written after the files were processed (checked before work too)."""

    exit_code = 1


class DomainMismatchError(ImgrestoreError):
    """An image is clearly not what the model was made for (a colour photo for a 28x28 digit model)."""

    exit_code = 1


class QualityUnknownError(ImgrestoreError):
    """A JPEG model met a file whose JPEG quality is unknown (not a JPEG, no --quality): that file fails."""

    exit_code = 1


class MaskError(ImgrestoreError):
    """An image's mask is missing, unreadable or not the image's size: that file fails, the batch goes on."""

    exit_code = 1


class ConfigTypeError(ImgrestoreError):
    """A config or metadata value has the wrong type (e.g. a list of sizes given as a string)."""


class SpecError(ImgrestoreError):
    """A degradation spec string cannot be parsed."""


class InterruptedRun(ImgrestoreError):
    """SIGINT/SIGTERM stopped a batch after it wrote its report; the message is the summary line."""

    prefix = ""

    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.exit_code = exit_code


class ReadWhole(Exception):  # a signal between the folder engine and a job, never shown to a user
    """Raised by a job restoring a large file a band at a time when the file turns out to need reading whole
    (found in the first pass, before anything is written): the folder engine reads it whole instead."""
