"""`imgrestore inpaint`: fill missing regions (the CNN-LSTM digit restorer by default)."""

from imgrestore.cli.restore_command import make_restore_command

inpaint = make_restore_command("inpaint", "cnn-lstm-mnist", """Fill in missing or corrupted parts of every image and write the results under OUTPUT.

    The default model, cnn-lstm-mnist, restores 28x28 handwritten digits whose lower half is blank
    and whose pixels carry salt-and-pepper or Gaussian noise (train your own with `imgrestore train`
    for other images). Models made for one input size take other sizes by resizing: area-reduced to
    the model's size, restored, then brought back with bicubic interpolation to the file's size.
    Inputs are never overwritten and every write is atomic. Exit code: 0 all done, 1 some files
    failed, 2 usage error.
    """)
