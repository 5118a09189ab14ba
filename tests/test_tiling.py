"""The tiling engine: seamless tiles, bounded model input, batching across images."""

from __future__ import annotations

import itertools

import pytest
import torch

from imgrestore.architectures import SizeRequirements, Tiling
from imgrestore.restorer import Restorer
from imgrestore.tiling import TileBox, restore_images, tile_grid


def _covered(boxes, height: int, width: int) -> torch.Tensor:
    covered = torch.zeros(height, width)
    for b in boxes:
        covered[b.y0:b.y1, b.x0:b.x1] += 1
    return covered


def test_grid_covers_every_pixel_with_as_few_tiles_as_the_tile_size_needs_and_no_larger_than_needed():
    """300 px at 96 px tiles with 16 px overlap needs 4 tiles a side; 4 tiles of 87 px cover it too, so no
    tile is 96 px: the grid computes 348 px a side instead of 384."""
    boxes = tile_grid(300, 410, tile=96, overlap=16)
    assert _covered(boxes, 300, 410).min() >= 1
    rows = sorted({(b.y0, b.y1) for b in boxes})
    cols = sorted({(b.x0, b.x1) for b in boxes})
    assert (len(rows), len(cols)) == (4, 5)
    assert {y1 - y0 for y0, y1 in rows} == {87} and max(x1 - x0 for x0, x1 in cols) <= 96
    for spans in (rows, cols):  # neighbours share at least the overlap, so feathering hides the seams
        assert all(previous[1] - following[0] >= 16 for previous, following in itertools.pairwise(spans))
    assert len({b.shape for b in boxes}) == 1  # one tile shape: tiles of one image batch together
    assert tile_grid(1024, 1024, tile=512, overlap=64) == [
        TileBox(0, y0, y1, x0, x1) for y0, y1 in ((0, 384), (320, 704), (640, 1024))
        for x0, x1 in ((0, 384), (320, 704), (640, 1024))]


def test_aligned_tiles_start_on_the_grid_and_still_blend_to_the_identity():
    """A JPEG model's tiles start at multiples of 16 (the 4:2:0 block grid); the last one grows by less
    than 16 px to reach the border, and an identity 'model' still gives back the image exactly."""
    boxes = tile_grid(300, 410, tile=96, overlap=16, align=16)
    for b in boxes:
        assert b.y0 % 16 == 0 and b.x0 % 16 == 0 and all(side < 96 + 16 for side in b.shape)
    assert _covered(boxes, 300, 410).min() >= 1
    assert tile_grid(300, 410, tile=96, overlap=16, align=1) == tile_grid(300, 410, tile=96, overlap=16)
    image = torch.rand(3, 300, 410, generator=torch.Generator().manual_seed(0))
    for scale in (1, 2):
        def enlarge(x, scale=scale):
            return x.repeat_interleave(scale, -2).repeat_interleave(scale, -1)
        out = restore_images([image], enlarge, tile=96, overlap=16, align=16, scale=scale)[0]
        torch.testing.assert_close(out, enlarge(image))


def test_tiled_equals_whole_image_with_a_real_model(tiny_model):
    restorer = Restorer.from_file(tiny_model)
    image = torch.rand(3, 150, 230, generator=torch.Generator().manual_seed(1))
    whole = restorer(image[None])[0]
    tiled = restore_images([image], restorer, tile=64, overlap=24, batch_size=3,
                           req=restorer.size_req, tiling=restorer.tiling)[0]
    assert (tiled - whole).abs().max().item() <= 1 / 255


def test_model_input_bounded_by_tile_and_batch_not_image_size():
    seen = []

    def probe(batch: torch.Tensor) -> torch.Tensor:
        seen.append(tuple(batch.shape))
        return batch

    for size in (200, 700):
        restore_images([torch.rand(3, size, size)], probe, tile=128, overlap=16, batch_size=4)
    assert max(s[0] for s in seen) <= 4
    assert max(max(s[2], s[3]) for s in seen) <= 128


def test_tiles_of_several_images_share_batches():
    seen = []
    images = [torch.rand(1, 40, 40) for _ in range(6)]
    out = restore_images(images, lambda b: seen.append(b.shape[0]) or b, tile=64, overlap=8, batch_size=4)
    assert seen == [4, 2]
    for a, b in zip(images, out):
        torch.testing.assert_close(a, b)


def test_fixed_size_models_are_never_tiled():
    seen = []
    restore_images([torch.rand(3, 300, 300)], lambda b: seen.append(tuple(b.shape)) or b, tile=64, overlap=8,
                   tiling=Tiling.FIXED_SIZE)
    assert seen == [(1, 3, 300, 300)]


def test_a_fixed_size_declares_the_tiling_once():
    from imgrestore.architectures import get_arch, list_archs

    for name in list_archs():
        spec = get_arch(name)
        config = spec.config()
        assert spec.tiling(config) is (Tiling.FIXED_SIZE if spec.size_req(config).fixed else Tiling.TILED), name


def test_tile_rounded_to_the_model_multiple():
    seen = []
    restore_images([torch.rand(3, 200, 200)], lambda b: seen.append(tuple(b.shape)) or b, tile=50, overlap=8,
                   req=SizeRequirements(multiple_of=16))
    assert all(s[2] % 16 == 0 and s[3] % 16 == 0 for s in seen)


def test_overlap_too_large_is_refused():
    with pytest.raises(ValueError, match="overlap"):
        restore_images([torch.rand(1, 100, 100)], lambda b: b, tile=64, overlap=40)


def _random_upscaler(scale: int) -> Restorer:
    """A tiny x``scale`` RLFN with every weight random (no zero-initialised upsampler), so each output
    pixel depends on its whole receptive field, attention branch included."""
    from imgrestore.architectures import get_arch
    from imgrestore.weights.format import WeightsMeta

    spec = get_arch("rlfn")
    config = spec.make_config({**spec.test_config, "scale": scale})
    torch.manual_seed(3)
    module = spec.build(config)
    for parameter in module.parameters():
        torch.nn.init.normal_(parameter, std=0.2)
    return Restorer(spec, config, module, WeightsMeta(arch="rlfn", config={}))


@pytest.mark.parametrize("scale", [2, 4])
def test_tiled_upscaling_equals_whole_image_upscaling(scale):
    """Input tiles with overlap, output tiles ``scale`` times larger, blended in output space."""
    restorer = _random_upscaler(scale)
    image = torch.rand(3, 150, 230, generator=torch.Generator().manual_seed(2))
    whole = restorer(image[None])[0]
    # the tiny model's receptive-field radius is 11 input pixels: the overlap is more than 4 times that
    tiled = restore_images([image], restorer, tile=100, overlap=48, batch_size=2,
                           req=restorer.size_req, tiling=restorer.tiling, scale=scale)[0]
    assert tiled.shape == (3, 150 * scale, 230 * scale)
    assert (tiled - whole).abs().max().item() <= 1 / 255


def test_a_tile_of_the_wrong_output_size_is_an_error():
    with pytest.raises(ValueError, match="not 2 times larger"):
        restore_images([torch.rand(1, 40, 40)], lambda b: b, tile=0, scale=2)


def test_out_of_memory_halves_the_batch_then_the_tile_and_retries(tiny_model):
    """A device out of memory (injected: this restorer refuses more than one 64 px tile at a time) makes the
    pass retry with half the batch, then half the tile, noting each retry; below 64 px the error stands."""
    import numpy as np

    from imgrestore.pipeline import RestoreOptions, restore_pixels

    class OutOfMemoryAbove64(Restorer):
        def __call__(self, x, noise_level=None):
            if x.shape[0] > 1 or max(x.shape[-2:]) > self.limit:
                raise torch.cuda.OutOfMemoryError("injected: CUDA out of memory")
            return super().__call__(x, noise_level)

    base = Restorer.from_file(tiny_model)
    small = OutOfMemoryAbove64(base.spec, base.config, base.module, base.meta, "cpu", "fp32", "tiny")
    small.limit = 64
    image = np.random.default_rng(1).random((150, 230, 3), dtype=np.float32)
    notes: list[str] = []
    out = restore_pixels([image], small, RestoreOptions(tile=128, overlap=16, batch_size=4), notes=notes)[0]
    whole = restore_pixels([image], base, RestoreOptions(tile=0))[0]
    assert np.abs(out - whole).max() <= 1 / 255
    assert notes == ["out of cpu memory: retried with 2 tile(s) of 128 px a pass",
                     "out of cpu memory: retried with 1 tile(s) of 128 px a pass",
                     "out of cpu memory: retried with 1 tile(s) of 64 px a pass"]
    small.limit = 16
    with pytest.raises(torch.cuda.OutOfMemoryError):
        restore_pixels([image], small, RestoreOptions(tile=128, overlap=16, batch_size=4))


def test_a_gpu_batch_is_sized_from_the_free_memory():
    from imgrestore.pipeline import MAX_GPU_BATCH, batch_for_memory

    gib = 1 << 30
    assert batch_for_memory(8 * gib, gib) == 4  # 60 % of 8 GiB at 1 GiB a tile
    assert batch_for_memory(gib // 4, gib) == 1  # never below one tile
    assert batch_for_memory(80 * gib, 1 << 20) == MAX_GPU_BATCH


@pytest.mark.parametrize("scale", [1, 2])
def test_a_last_tile_shifted_far_inward_is_not_feathered_at_the_image_border(scale):
    """200 px with 192 px tiles: the second tile starts at 8 and shares 184 px with the first. Its bottom
    edge is the image's, where it sees what the whole image sees; feathering it there would hand those rows
    to the first tile's own padded edge."""
    blur = torch.nn.AvgPool2d(9, stride=1, padding=4, count_include_pad=True)  # zero padding: a border effect

    def model(batch):
        return torch.nn.functional.interpolate(blur(batch), scale_factor=scale, mode="nearest")

    image = torch.rand(1, 200, 150, generator=torch.Generator().manual_seed(4))
    whole = model(image[None])[0]
    for overlap in (16, 48):
        tiled = restore_images([image], model, tile=192, overlap=overlap, batch_size=4, scale=scale)[0]
        assert (tiled - whole).abs().max().item() <= 1e-3, overlap  # the 1e-3 floor of a ramp leaks a little


@pytest.mark.parametrize("depth,top", [(8, 255), (16, 65535)])
def test_samples_in_and_quantized_stripes_out_equal_the_float_path_exactly(depth, top):
    """8/16-bit samples cut into tiles and the output quantized a finished stripe at a time give the very
    samples of converting the whole image to float, restoring it and quantizing the result: the folder engine
    holds neither image as float32 and writes the same bytes. The grid has several rows of tiles, narrower
    last tiles (align 16) batched out of order, and an upscaler's larger output."""
    import numpy as np

    from imgrestore.io.samples import quantize, sample_dtype, unit_float

    rng = np.random.default_rng(0)
    samples = rng.integers(0, top + 1, (181, 203, 3)).astype(sample_dtype(depth))

    def model(batch: torch.Tensor) -> torch.Tensor:  # a nonlinear, position-dependent stand-in
        return torch.nn.functional.interpolate(torch.sigmoid(3 * batch - 1.2), scale_factor=2, mode="nearest")

    for scale, fn in [(1, lambda b: torch.sigmoid(3 * b - 1.2)), (2, model)]:
        as_float = torch.from_numpy(unit_float(samples)).permute(2, 0, 1)
        expected = restore_images([as_float], fn, tile=64, overlap=12, batch_size=3, align=16, scale=scale)[0]
        expected = quantize(expected.permute(1, 2, 0).numpy(), depth)
        got = restore_images([torch.from_numpy(samples).permute(2, 0, 1)], fn, tile=64, overlap=12, batch_size=3,
                             align=16, scale=scale, depths=[depth])[0]
        assert got.dtype == torch.from_numpy(expected).dtype
        assert np.array_equal(got.permute(1, 2, 0).numpy(), expected)
