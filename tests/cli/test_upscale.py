"""`upscale` (and `restore --task upscale`): inputs enlarged before the model, alpha follows."""

from __future__ import annotations

import json

import numpy as np
from factories import smooth_image, write_png

from imgrestore.cli.app import main
from imgrestore.io.image import read_image

from helpers import run


def test_upscale_enlarges_pixels_and_alpha(tiny_model, tmp_path, capsys):
    rgba = np.concatenate([smooth_image(10, 12, 3), np.linspace(0, 1, 120).reshape(10, 12, 1)], axis=2)
    write_png(tmp_path / "in" / "a.png", rgba)
    code, _, err = run(main, capsys, "upscale", str(tmp_path / "in"), "-o", str(tmp_path / "x3"), "-m", str(tiny_model),
                       "--scale", "3", "--report", str(tmp_path / "r.json"), "-q")
    assert code == 0, err
    out = read_image(tmp_path / "x3" / "a.png")
    assert out.pixels.shape == (30, 36, 3) and out.alpha.shape == (30, 36)
    assert abs(float(out.alpha.mean()) - float(rgba[:, :, 3].mean())) < 0.02
    assert json.loads((tmp_path / "r.json").read_text())["command"]["scale"] == 3


def test_restore_task_upscale_defaults_to_4x_and_tasks_are_checked(tiny_model, tmp_path, capsys):
    write_png(tmp_path / "in" / "a.png", smooth_image(8, 8, 3))
    code, _, err = run(main, capsys, "restore", str(tmp_path / "in"), "-o", str(tmp_path / "o"), "-m", str(tiny_model),
                       "--task", "upscale", "-q")
    assert code == 0, err
    assert read_image(tmp_path / "o" / "a.png").pixels.shape == (32, 32, 3)
    code, _, err = run(main, capsys, "restore", str(tmp_path / "in"), "-o", str(tmp_path / "p"), "-m", str(tiny_model),
                       "--task", "colourise")
    assert code == 2 and "--task colourise" in err
    code, _, err = run(main, capsys, "restore", str(tmp_path / "in"), "-o", str(tmp_path / "q"), "--task", "deblur")
    assert code == 2 and "--task deblur needs the blur: --kernel" in err
    code, _, err = run(main, capsys, "restore", str(tmp_path / "in"), "-o", str(tmp_path / "q"), "--task", "reconstruct")
    assert code == 2 and "no automatic model" in err


def _tiny_upscaler(path, scale: int = 2):
    """An untrained x``scale`` RLFN of the architecture's test size (the engine's contract, not a result)."""
    import dataclasses

    import torch

    from imgrestore.architectures import get_arch
    from imgrestore.weights.format import WeightsMeta, save

    spec = get_arch("rlfn")
    config = spec.make_config({**spec.test_config, "scale": scale})
    torch.manual_seed(0)
    module = spec.build(config)
    save(path, module.state_dict(), WeightsMeta(arch="rlfn", config=dataclasses.asdict(config), task="upscale"))
    return path


def test_an_upscaler_enlarges_by_its_own_scale_keeping_depth_gray_and_alpha(tmp_path, capsys):
    model = _tiny_upscaler(tmp_path / "x2.safetensors")
    rgba = np.concatenate([smooth_image(20, 24, 3), np.linspace(0, 1, 480).reshape(20, 24, 1)], axis=2)
    write_png(tmp_path / "in" / "deep.png", rgba, bit_depth=16)
    write_png(tmp_path / "in" / "gray.png", smooth_image(20, 24, 1))
    code, _, err = run(main, capsys, "upscale", str(tmp_path / "in"), "-o", str(tmp_path / "out"), "-m", str(model),
                       "--scale", "2", "-q")
    assert code == 0, err
    deep, gray = read_image(tmp_path / "out" / "deep.png"), read_image(tmp_path / "out" / "gray.png")
    assert deep.pixels.shape == (40, 48, 3) and deep.alpha.shape == (40, 48) and deep.bit_depth == 16
    assert gray.pixels.shape == (40, 48, 1) and gray.bit_depth == 8


def test_a_x2_upscaler_runs_twice_for_x4_and_says_so(tmp_path, capsys):
    model = _tiny_upscaler(tmp_path / "x2.safetensors")
    write_png(tmp_path / "in" / "a.png", smooth_image(20, 24, 3))
    code, _, err = run(main, capsys, "upscale", str(tmp_path / "in"), "-o", str(tmp_path / "out"), "-m", str(model),
                       "--scale", "4", "--report", str(tmp_path / "r.json"), "-q")
    assert code == 0, err
    assert read_image(tmp_path / "out" / "a.png").pixels.shape == (80, 96, 3)
    assert "the x2 model ran 2 times" in " ".join(json.loads((tmp_path / "r.json").read_text())["files"][0]["notes"])


def test_an_upscaler_is_refused_where_its_scale_cannot_be_met(tmp_path, capsys):
    model = _tiny_upscaler(tmp_path / "x2.safetensors")
    write_png(tmp_path / "in" / "a.png", smooth_image(20, 24, 3))
    code, _, err = run(main, capsys, "denoise", str(tmp_path / "in"), "-o", str(tmp_path / "d"), "-m", str(model))
    assert code == 2 and "enlarges images x2" in err and "imgrestore upscale" in err
    code, _, err = run(main, capsys, "upscale", str(tmp_path / "in"), "-o", str(tmp_path / "u"), "-m", str(model),
                       "--scale", "3")
    assert code == 2 and "not a power of 2" in err
    assert not (tmp_path / "d").exists() or not list((tmp_path / "d").iterdir())


def test_the_exif_size_of_an_upscaled_photo_is_its_new_size(tmp_path, capsys):
    from PIL import Image as PILImage

    model = _tiny_upscaler(tmp_path / "x2.safetensors")
    exif = PILImage.Exif()
    exif[0x010F] = "camera maker"
    exif.get_ifd(0x8769).update({0xA002: 24, 0xA003: 20})
    (tmp_path / "in").mkdir()
    PILImage.fromarray((smooth_image(20, 24, 3) * 255).astype(np.uint8)).save(tmp_path / "in" / "a.jpg", exif=exif)
    code, _, err = run(main, capsys, "upscale", str(tmp_path / "in"), "-o", str(tmp_path / "out"), "-m", str(model),
                       "--scale", "2", "-q")
    assert code == 0, err
    with PILImage.open(tmp_path / "out" / "a.jpg") as out:
        written = out.getexif()
        assert out.size == (48, 40) and written[0x010F] == "camera maker"
        assert (written.get_ifd(0x8769)[0xA002], written.get_ifd(0x8769)[0xA003]) == (48, 40)


def test_a_community_pth_runs_directly_with_m(tmp_path, capsys):
    """`-m file.pth`: recognised and converted in memory by the same path as `weights-tools convert`."""
    import torch

    from imgrestore.architectures import get_arch

    spec = get_arch("srvgg")
    torch.manual_seed(0)
    torch.save({"params_ema": spec.build(spec.make_config(spec.test_config)).state_dict()}, tmp_path / "general-x4.pth")
    write_png(tmp_path / "in" / "a.png", smooth_image(20, 24, 3))
    code, _, err = run(main, capsys, "upscale", str(tmp_path / "in"), "-o", str(tmp_path / "out"), "-m",
                       str(tmp_path / "general-x4.pth"), "--scale", "4", "-q")
    assert code == 0, err
    assert read_image(tmp_path / "out" / "a.png").pixels.shape == (80, 96, 3)


def test_restore_first_cleans_at_the_low_resolution_then_upscales(tmp_path, capsys):
    model = _tiny_upscaler(tmp_path / "x2.safetensors")
    write_png(tmp_path / "in" / "a.png", smooth_image(24, 32, 3))
    code, _, err = run(main, capsys, "upscale", str(tmp_path / "in"), "-o", str(tmp_path / "out"), "-m", str(model),
                       "--scale", "2", "--restore-first", "--report", str(tmp_path / "r.json"), "-q")
    assert code == 0, err
    assert read_image(tmp_path / "out" / "a.png").pixels.shape == (48, 64, 3)
    report = json.loads((tmp_path / "r.json").read_text())
    assert "restored with resunet-real before upscaling" in report["files"][0]["notes"]
    assert report["command"]["restore_first"] == "resunet-real"


def test_a_community_pth_runs_through_restore_task_upscale_too(tmp_path, capsys):
    """`restore --task upscale -m file.pth`: a .pth has no task options to read; it is not mistaken for one of ours."""
    import torch

    from imgrestore.architectures import get_arch

    spec = get_arch("srvgg")
    torch.manual_seed(0)
    torch.save({"params_ema": spec.build(spec.make_config(spec.test_config)).state_dict()}, tmp_path / "x4.pth")
    write_png(tmp_path / "in" / "a.png", smooth_image(20, 24, 3))
    code, _, err = run(main, capsys, "restore", str(tmp_path / "in"), "-o", str(tmp_path / "out"), "-m",
                       str(tmp_path / "x4.pth"), "--task", "upscale", "-q")
    assert code == 0, err
    assert read_image(tmp_path / "out" / "a.png").pixels.shape == (80, 96, 3)
