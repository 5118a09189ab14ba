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

    def __post_init__(self) -> None:
        check(1 <= self.quality[0] <= self.quality[1] <= 100, self.name, "quality must be within 1..100")

    def sample(self, x: torch.Tensor, generator: torch.Generator) -> Params:
        return {"quality": torch.round(uniform(*self.quality, x.shape[0], generator))}

    def apply(self, x: torch.Tensor, params: Params, generator: torch.Generator) -> torch.Tensor:
        out = []
        for image, quality in zip(x, params["quality"].tolist()):
            out.append(torch.from_numpy(compress(image.detach().cpu().float().numpy(), int(quality))))
        return torch.stack(out).to(x)


def compress(image: np.ndarray, quality: int) -> np.ndarray:
    """JPEG round trip of one [C, H, W] 0..1 float image (C = 1 or 3)."""
    array = np.round(np.clip(image.transpose(1, 2, 0), 0, 1) * 255).astype(np.uint8)
    bgr = array[:, :, ::-1] if array.shape[2] == 3 else array[:, :, 0]
    ok, data = cv2.imencode(".jpg", np.ascontiguousarray(bgr), [cv2.IMWRITE_JPEG_QUALITY, quality])
    if not ok:
        raise RuntimeError("OpenCV could not encode JPEG")
    decoded = cv2.imdecode(data, cv2.IMREAD_UNCHANGED)
    decoded = decoded[:, :, ::-1] if decoded.ndim == 3 else decoded[:, :, None]
    return np.ascontiguousarray(decoded.transpose(2, 0, 1)).astype(np.float32) / 255
