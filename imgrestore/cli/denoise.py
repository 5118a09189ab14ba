"""`imgrestore denoise`: remove noise from files, folders or globs into an output folder."""

from imgrestore.cli.restore_command import make_restore_command

denoise = make_restore_command("denoise", "auto", """Remove noise from every image and write the results under OUTPUT.

    The default model is picked per image: the gray or the colour photo denoiser. Inputs are never
    overwritten and every write is atomic. A file that cannot be read or written is reported and
    skipped while the rest go on. Exit code: 0 all done, 1 some files failed, 2 usage error.
    """)
