# The generative encoder's tasks as degradation specs (sourced by tune_ge.py's caller and ge_mnist.sh).
# name=spec, one per line: reconstruction (clean input), denoising, deblurring, 4x super-resolution, inpainting.
GE_TASKS="reconstruct=none
denoise=gaussian:sigma=51
deblur=gaussian-blur:sigma=1.5
upscale=downsample:factor=4,back=true
inpaint=mask:rect,x=0.3,y=0.3,w=0.4,h=0.4"
