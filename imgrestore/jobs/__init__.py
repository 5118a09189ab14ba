"""What the folder engine (:mod:`imgrestore.batch`) does to each group of images: restore or corrupt."""

from imgrestore.jobs.corrupt import CorruptJob
from imgrestore.jobs.restore import RestoreJob

__all__ = ["CorruptJob", "RestoreJob"]
