"""`imgrestore inpaint`: fill missing regions: photos given masks, or the lower half of 28x28 digits."""

from imgrestore.cli.restore_command import make_restore_command

inpaint = make_restore_command("inpaint", "auto", """Fill in missing or corrupted parts of every image and write the results under OUTPUT.

    With --mask (white = missing) every pixel outside the mask is kept exactly and the holes are
    filled by -m: by default the bundled inpaint-photo (our colour denoiser fine-tuned to correct a
    smooth classical fill inside the mask), or resunet-color-fast / resunet-gray-fast by plug-and-play
    iterations with the denoiser as the prior, or any mask-aware model trained by `imgrestore train`
    (resunet with mask_input=true, gated-unet). A missing mask or one of the wrong size fails that
    file alone.

    Without --mask the default model, cnn-lstm-mnist, restores 28x28 handwritten digits whose lower half is blank
    and whose pixels carry salt-and-pepper or Gaussian noise (train your own with `imgrestore train`
    for other images). Models made for one input size take other sizes by resizing: area-reduced to
    the model's size, restored, then brought back with bicubic interpolation to the file's size.
    Inputs are never overwritten and every write is atomic. Exit code: 0 all done, 1 some files
    failed, 2 usage error.
    """)
