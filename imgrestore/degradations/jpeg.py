"""JPEG compression artefacts at a chosen quality."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
import torch

from imgrestore.degradations.base import Operator, Params, check, operator, setting, uniform


@operator
@dataclass(frozen=True)
class JpegCompression(Operator):
    """Encode and decode as 8-bit JPEG at ``quality`` (1..100, a range is drawn per image)."""

    name = "jpeg"
    quality: tuple[float, float] = setting((75.0, 75.0), "JPEG quality 1..100, or a range drawn per image")
    subsampling: str = setting("420", "chroma subsampling of colour images: 420 (OpenCV's and most cameras' "
                                      "default), 444, or both (drawn per image, half each)")

    def __post_init__(self) -> None:
        check(1 <= self.quality[0] <= self.quality[1] <= 100, self.name, "quality must be within 1..100")
        check(self.subsampling in _SUBSAMPLING, self.name, f"subsampling is one of {', '.join(_SUBSAMPLING)}")

    def sample(self, x: torch.Tensor, generator: torch.Generator) -> Params:
        quality = torch.round(uniform(*self.quality, x.shape[0], generator))
        if self.subsampling == "both":
            subsampled = (torch.rand(x.shape[0], generator=generator, dtype=torch.float64) < 0.5).double()
        else:
            subsampled = torch.full((x.shape[0],), float(self.subsampling == "420"), dtype=torch.float64)
        return {"quality": quality, "subsampled": subsampled}

    def apply(self, x: torch.Tensor, params: Params, generator: torch.Generator) -> torch.Tensor:
        out = []
        # manifests written before the setting existed record no draw: those files were subsampled
        subsampled = params.get("subsampled", torch.ones_like(params["quality"])).tolist()
        for image, quality, sub in zip(x, params["quality"].tolist(), subsampled):
            out.append(torch.from_numpy(compress(image.detach().cpu().float().numpy(), int(quality), bool(sub))))
        return torch.stack(out).to(x)


_SUBSAMPLING = ("420", "444", "both")


def compress(image: np.ndarray, quality: int, subsampled: bool = True) -> np.ndarray:
    """JPEG round trip of one [C, H, W] 0..1 float image (C = 1 or 3), chroma 4:2:0 or 4:4:4."""
    array = np.round(np.clip(image.transpose(1, 2, 0), 0, 1) * 255).astype(np.uint8)
    bgr = array[:, :, ::-1] if array.shape[2] == 3 else array[:, :, 0]
    factor = cv2.IMWRITE_JPEG_SAMPLING_FACTOR_420 if subsampled else cv2.IMWRITE_JPEG_SAMPLING_FACTOR_444
    ok, data = cv2.imencode(".jpg", np.ascontiguousarray(bgr), [cv2.IMWRITE_JPEG_QUALITY, quality,
                                                                 cv2.IMWRITE_JPEG_SAMPLING_FACTOR, factor])
    if not ok:
        raise RuntimeError("OpenCV could not encode JPEG")
    decoded = cv2.imdecode(data, cv2.IMREAD_UNCHANGED)
    decoded = decoded[:, :, ::-1] if decoded.ndim == 3 else decoded[:, :, None]
    return np.ascontiguousarray(decoded.transpose(2, 0, 1)).astype(np.float32) / 255
