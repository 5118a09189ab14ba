"""Image IO: bit depth, alpha, gray, EXIF orientation and metadata, damaged files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from factories import jpeg_bytes, smooth_image, write_exif_rotated_jpeg, write_png
from PIL import Image as PILImage

from imgrestore.errors import ImageReadError
from imgrestore.io.image import read_image, write_image


def test_16bit_png_round_trip_keeps_16_bits(tmp_path):
    pixels = smooth_image(20, 30, 3)
    src = write_png(tmp_path / "deep.png", pixels, bit_depth=16)
    image = read_image(src)
    assert image.bit_depth == 16 and image.channels == 3
    write_image(tmp_path / "out.png", image)
    back = read_image(tmp_path / "out.png")
    assert back.bit_depth == 16
    assert np.abs(back.pixels - image.pixels).max() <= 0.5 / 65535 + 1e-7
    # 16-bit precision really is there: values are not multiples of 1/255
    assert np.abs(back.pixels * 255 - np.round(back.pixels * 255)).max() > 0.01


def test_rgba_alpha_passes_through(tmp_path):
    pixels = np.concatenate([smooth_image(16, 16, 3), np.linspace(0, 1, 256).reshape(16, 16, 1)], axis=2)
    image = read_image(write_png(tmp_path / "a.png", pixels))
    assert image.channels == 3 and image.alpha is not None
    write_image(tmp_path / "b.png", image.with_pixels(1 - image.pixels))
    back = read_image(tmp_path / "b.png")
    np.testing.assert_array_equal(back.alpha, image.alpha)


def test_gray_jpeg_reads_as_one_channel(tmp_path):
    path = tmp_path / "g.jpg"
    PILImage.fromarray((smooth_image(24, 24, 1)[:, :, 0] * 255).astype(np.uint8), "L").save(path)
    image = read_image(path)
    assert image.channels == 1 and image.fmt == "JPEG"


def test_exif_orientation_applied_and_exif_kept(tmp_path):
    pixels = smooth_image(20, 40, 3)  # landscape on disk, portrait once rotated (orientation 6)
    image = read_image(write_exif_rotated_jpeg(tmp_path / "r.jpg", pixels, orientation=6))
    assert (image.height, image.width) == (40, 20)
    expected = np.rot90(pixels, -1)  # orientation 6: rotate 90 degrees clockwise
    assert np.abs(image.pixels - expected).mean() < 0.02
    write_image(tmp_path / "out.jpg", image)
    with PILImage.open(tmp_path / "out.jpg") as out:
        exif = out.getexif()
        assert exif.get(0x010F) == "imgrestore-test-camera"
        assert exif.get(0x0112, 1) == 1  # pixels already upright: no second rotation by viewers
        assert out.size == (20, 40)


def test_icc_profile_kept(tmp_path):
    from PIL import ImageCms

    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    path = tmp_path / "icc.png"
    PILImage.fromarray((smooth_image(8, 8) * 255).astype(np.uint8)).save(path, icc_profile=icc)
    image = read_image(path)
    assert image.icc == icc
    write_image(tmp_path / "o.png", image)
    assert read_image(tmp_path / "o.png").icc == icc


@pytest.mark.parametrize("data, message", [
    (b"", "empty file"),
    (b"this is not an image", "not an image"),
])
def test_bad_files_raise_image_read_error(tmp_path, data, message):
    path = tmp_path / "bad.png"
    path.write_bytes(data)
    with pytest.raises(ImageReadError, match=message):
        read_image(path)


def test_truncated_jpeg_is_detected(tmp_path):
    data = jpeg_bytes(smooth_image(64, 64))
    path = tmp_path / "cut.jpg"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(ImageReadError):
        read_image(path)


def test_write_is_atomic_no_partial_file_left(tmp_path, monkeypatch):
    image = read_image(write_png(tmp_path / "x.png", smooth_image(8, 8)))
    import imgrestore.io.image as image_module

    def boom(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(image_module.Path, "write_bytes", boom)
    with pytest.raises(KeyboardInterrupt):
        write_image(tmp_path / "out" / "y.png", image)
    assert list((tmp_path / "out").iterdir()) == []


def test_icc_and_exif_kept_in_16bit_png(tmp_path):
    from PIL import ImageCms

    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    image = read_image(write_png(tmp_path / "deep.png", smooth_image(12, 12), bit_depth=16))
    exif = PILImage.Exif()
    exif[0x010F] = "camera-16"
    tagged = type(image)(image.pixels, None, 16, exif.tobytes(), icc, "PNG")
    write_image(tmp_path / "out.png", tagged)
    back = read_image(tmp_path / "out.png")
    assert back.bit_depth == 16 and back.icc == icc
    with PILImage.open(tmp_path / "out.png") as pil:
        assert pil.getexif().get(0x010F) == "camera-16"


def test_outputs_get_the_usual_file_mode(tmp_path):
    import os

    image = read_image(write_png(tmp_path / "x.png", smooth_image(8, 8)))
    write_image(tmp_path / "y.png", image)
    mask = os.umask(0)
    os.umask(mask)
    assert (tmp_path / "y.png").stat().st_mode & 0o777 == 0o666 & ~mask


def test_temps_of_completed_outputs_are_removed_and_no_other_file(tmp_path):
    """A writer killed mid-write leaves its temp beside the output another writer then finished."""
    import tempfile

    from imgrestore.io.atomic import is_temp_name, remove_temps_of

    def temp_of(name: str, suffix: str) -> Path:  # as atomic_path names them
        return Path(tempfile.mkstemp(prefix=f".{name}.", suffix=f".part{suffix}", dir=tmp_path)[1])

    done = tmp_path / "a.b.png"
    done.write_bytes(b"final")
    left_by_a_killed_writer = temp_of("a.b", ".png")
    assert is_temp_name(left_by_a_killed_writer.name)
    keep = [temp_of("c", ".png"), temp_of("a.b", ".tif"), tmp_path / ".a.b.png", tmp_path / "a.b.part.png"]
    for path in keep[2:]:
        path.write_bytes(b"user file")
    assert remove_temps_of([done]) == [left_by_a_killed_writer]
    assert all(path.exists() for path in keep) and done.read_bytes() == b"final"


def test_pillows_pixel_limit_is_lifted_while_any_thread_reads_a_header_and_restored_after():
    import threading

    from PIL import Image as PILImage

    from imgrestore.io.limits import without_pillow_pixel_limit

    before = PILImage.MAX_IMAGE_PIXELS
    inside, release, seen = threading.Barrier(2), threading.Event(), []

    def opener() -> None:
        with without_pillow_pixel_limit():
            inside.wait()
            release.wait()  # still reading while the main thread's opener leaves
            seen.append(PILImage.MAX_IMAGE_PIXELS)

    thread = threading.Thread(target=opener)
    thread.start()
    with without_pillow_pixel_limit():
        inside.wait()
    assert PILImage.MAX_IMAGE_PIXELS is None  # the other opener is still in
    release.set()
    thread.join()
    assert seen == [None] and PILImage.MAX_IMAGE_PIXELS == before
