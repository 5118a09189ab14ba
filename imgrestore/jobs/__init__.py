"""What the folder engine (:mod:`imgrestore.batch`) does to each group of images: restore, undo a known degradation, inpaint with masks or corrupt."""

from imgrestore.jobs.corrupt import CorruptJob
from imgrestore.jobs.inpaint import InpaintJob
from imgrestore.jobs.known import KnownDegradationJob
from imgrestore.jobs.restore import RestoreJob

__all__ = ["CorruptJob", "InpaintJob", "KnownDegradationJob", "RestoreJob"]
