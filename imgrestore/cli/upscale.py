"""`imgrestore upscale`: enlarge coarse images, then let a restorer put back the detail (ResGAN)."""

from imgrestore.cli.restore_command import make_restore_command

upscale = make_restore_command("upscale", "resgan-mnist", """Enlarge every image --scale times and restore the detail; results go under OUTPUT.

    Each image is enlarged with bicubic interpolation (default 4x), then restored by the model:
    by default resgan-mnist, which rebuilds 28x28 handwritten digits from 7x7 ones. Inputs are
    never overwritten and every write is atomic. Exit code: 0 all done, 1 some files failed, 2 usage error.
    """, default_scale=4)
