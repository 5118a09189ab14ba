"""`imgrestore dejpeg`: remove JPEG artifacts, at the quality each file's own tables give."""

from imgrestore.cli.restore_command import make_restore_command

dejpeg = make_restore_command("dejpeg", "auto", """Remove JPEG blocks, ringing and colour bleeding from every image and write the results under OUTPUT.

    A JPEG file carries the quantization tables it was saved with: the quality they correspond to is
    read from each file (the IJG scaling of the standard tables, or the nearest quality to other
    tables) and given to the model, so no guess is made; --quality N overrides it, and an input that is
    not a JPEG needs it (it fails alone otherwise). The default model is picked per image: dejpeg-gray
    or dejpeg-color. Outputs are PNG (lossless) unless --format says otherwise. For camera photos
    with noise as well as JPEG artifacts use `imgrestore denoise -m resunet-real`. Inputs are never
    overwritten and every write is atomic. Exit code: 0 all done, 1 some files failed, 2 usage error.
    """)
