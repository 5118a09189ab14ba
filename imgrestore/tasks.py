"""What a model does: one word for the architectures, the weights' metadata and the CLI's ``--task``."""

from __future__ import annotations

import enum


class Task(str, enum.Enum):
    """A model's job. The restoring tasks are what ``restore --task`` accepts and what the weights'
    ``task_options`` are keyed by; a classifier and a generator serve other models (``eval --classifier``,
    the generative encoder's generator) and never restore a file."""

    DENOISE = "denoise"
    DEBLUR = "deblur"
    UPSCALE = "upscale"
    INPAINT = "inpaint"
    DEJPEG = "dejpeg"
    RECONSTRUCT = "reconstruct"
    RESTORE = "restore"  # several kinds of damage, with per-task settings (the generative encoder)
    CLASSIFY = "classify"
    GENERATE = "generate"

    @property
    def restores(self) -> bool:
        """True for image-in, image-out models: the ones the folder commands run."""
        return self not in (Task.CLASSIFY, Task.GENERATE)

    @classmethod
    def parse(cls, text: str) -> Task:
        """The task a metadata string names (including the names older weights files wrote)."""
        return cls(_RENAMED.get(text, text))


_RENAMED = {"restore-coarse": "upscale"}  # ResGAN's files before the task enum

DAMAGE = tuple(task for task in Task if task.restores and task is not Task.RESTORE)  # `restore --task` choices
