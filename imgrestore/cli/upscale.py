"""`imgrestore upscale`: enlarge photographs (our RLFN models) or coarse digits (ResGAN)."""

from imgrestore.cli.restore_command import make_restore_command

upscale = make_restore_command("upscale", "auto", """Enlarge every image --scale times (default 4) and write the results under OUTPUT.

    With the default --model auto each image gets the bundled upscaler made for it: photographs the
    sr-photo models (sr-photo-x2, sr-photo-x4; a scale without its own model is reached by running a
    smaller one repeatedly, noted in the report), small gray images
    that fit a 28x28 digit once enlarged resgan-mnist, which rebuilds handwritten digits from 7x7
    ones (their input is enlarged with bicubic interpolation first). Any restorer can be named with
    -m; one that keeps the size is given a bicubic enlargement. Inputs are never overwritten and every
    write is atomic. Exit code: 0 all done, 1 some files failed, 2 usage error.
    """, default_scale=4)
