"""What the folder engine (:mod:`imgrestore.batch`) does to each group of images: restore, deblur or corrupt."""

from imgrestore.jobs.corrupt import CorruptJob
from imgrestore.jobs.deblur import DeblurJob
from imgrestore.jobs.restore import RestoreJob

__all__ = ["CorruptJob", "DeblurJob", "RestoreJob"]
