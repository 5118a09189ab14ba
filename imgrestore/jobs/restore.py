"""The restoring folder job: tiles of a group of images share forward passes, each image's report
record gets the model, noise level and notes it was restored with."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from imgrestore.grouping import group_by
from imgrestore.io.image import output_depth
from imgrestore.jobs.dejpeg import file_quality
from imgrestore.jobs.streamed import restore_streamed, streamable
from imgrestore.jpeg_quality import compression_level
from imgrestore.pipeline import (
    ModelSelector,
    RestoreOptions,
    check_domain,
    enlarge,
    noise_levels,
    restore_pixels,
    tile_count,
    tiles_per_pass,
    upscale_plan,
)
from imgrestore.report import FileResult
from imgrestore.restorer import Restorer
from imgrestore.tasks import Task


@dataclass
class RestoreJob:
    """The folder engine's restoring job: tiles of a group of images share forward passes."""

    models: ModelSelector
    options: RestoreOptions
    reads_samples: bool = True  # inputs as their 8/16-bit samples, outputs quantized a stripe at a time

    @property
    def group_limit(self) -> int:
        return tiles_per_pass(self.options, self.models.device)

    def cost(self, image) -> int:
        """Number of tiles ``image`` makes for its restorer; refuses an image clearly not of the model's domain."""
        restorer = self.models.restorer_for(image.pixels)
        if not self.options.allow_domain_mismatch:
            check_domain(restorer, image.pixels)
        if restorer.task is Task.DEJPEG:
            file_quality(image, self.options.quality)  # a file without a known quality fails now, alone
        factor, passes = upscale_plan(restorer, self.options.scale)
        height, width = image.height * factor, image.width * factor
        return sum(tile_count(restorer, height * restorer.scale ** k, width * restorer.scale ** k, self.options)
                   for k in range(passes))

    def streamable(self, source: Path, target: Path, megapixels: float, max_megapixels: float):
        """A large PNG this job restores a band of rows at a time: its header, else None (read it whole)."""
        return streamable(source, target, self.models, self.options, megapixels, max_megapixels)

    def stream(self, source: Path, result: FileResult, header, bit_depth: int | None, started: float) -> FileResult:
        """Restore a file :meth:`streamable` accepted, writing its output; raises
        :class:`imgrestore.errors.ReadWhole` if it must be read whole after all."""
        return restore_streamed(source, result, header, self.models, self.options, bit_depth, started)

    def process(self, group: list) -> list:
        outputs: list = [None] * len(group)
        for name, index in group_by(group, lambda pending: self.models.name_for(pending.image.pixels)).items():
            restored = self._restore([group[i] for i in index], self.models.load(name))
            for i, image in zip(index, restored):
                outputs[i] = image
        return outputs

    def _restore(self, group: list, restorer: Restorer) -> list:
        factor, passes = upscale_plan(restorer, self.options.scale)
        pixels = [g.image.pixels for g in group]
        if self.options.restore_first:  # at the low resolution, where camera noise and JPEG blocks are what they were
            cleaner = self.models.load(self.options.restore_first)
            pixels = restore_pixels(pixels, cleaner, replace(self.options, scale=1, tta=False, sharpen=False))
            for loaded in group:
                loaded.result.notes.append(f"restored with {cleaner.name} before upscaling")
        pixels = [enlarge(p, factor) for p in pixels]
        # the folder engine has already estimated each input's noise for the report: reuse it if unchanged
        unchanged = factor == 1 and not self.options.restore_first
        estimates = [g.result.noise_estimate for g in group] if unchanged else None
        if restorer.task is Task.DEJPEG:
            qualities = [file_quality(g.image, self.options.quality) for g in group]
            levels = [compression_level(quality) for quality, _ in qualities]
            for loaded, (quality, note) in zip(group, qualities):
                loaded.result.jpeg_quality = quality
                loaded.result.notes.append(note)
        else:
            levels = noise_levels(pixels, restorer, self.options, estimates)
        notes: list[str] = []
        depths = [output_depth(g.image, g.result.output) for g in group]
        outputs = restore_pixels(pixels, restorer, self.options, levels, notes=notes, depths=depths)
        fixed = restorer.size_req.fixed
        for index, loaded in enumerate(group):
            loaded.result.model = restorer.name
            loaded.result.notes += notes
            loaded.result.precision = restorer.precision
            if levels is not None and restorer.task is not Task.DEJPEG:
                loaded.result.noise_level = round(levels[index], 2)
            size = (loaded.image.height * factor, loaded.image.width * factor)
            if fixed is not None and size != fixed:  # the documented decision for fixed-size models
                loaded.result.notes.append(f"resized {size[1]}x{size[0]} to the model's {fixed[1]}x{fixed[0]} "
                                           "(area) and back (bicubic)")
            if passes > 1:
                loaded.result.notes.append(f"x{restorer.scale ** passes}: the x{restorer.scale} model ran {passes} times")
        return [g.image.with_pixels(pixels) for g, pixels in zip(group, outputs)]
