"""`imgrestore restore`: run any restorer (named with --model) for a stated --task."""

from imgrestore.cli.restore_command import make_restore_command

restore = make_restore_command("restore", "auto", """Restore every image with --model and write the results under OUTPUT.

    The general form of denoise/inpaint/upscale: any bundled or installed model, or a .safetensors
    file, with runtime options as NAME:key=value (e.g. `-m ge-mnist:method=invertgan,steps=300`).
    --task names the damage; `--task upscale` enlarges inputs by --scale (default 4) first. Inputs are
    never overwritten and every write is atomic. Exit code: 0 all done, 1 some files failed, 2 usage error.
    """, with_task=True)
