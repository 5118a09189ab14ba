"""What a training run validates on: the standard protocol where the spec allows, else its own chains."""

from imgrestore.training.validation import validation_chains


def test_alternatives_of_one_standard_range_validate_on_the_standard_protocol():
    weighted = validation_chains("jpeg:quality=5..95,subsampling=both | jpeg:quality=25..60,subsampling=both")
    assert list(weighted) == ["psnr_q10", "psnr_q20", "psnr_q30", "psnr_q40"]
    assert list(weighted) == list(validation_chains("jpeg:quality=5..95"))
    assert list(validation_chains("gaussian:sigma=0..50 | gaussian:sigma=5..20")) == [
        "psnr_sigma15", "psnr_sigma25", "psnr_sigma50"]


def test_alternatives_of_different_kinds_validate_each_on_its_own():
    assert list(validation_chains("gaussian:sigma=0..50 | jpeg:quality=25..60")) == ["psnr_1", "psnr_2"]
    assert list(validation_chains("mask:scratches | mask:holes")) == ["psnr_1", "psnr_2"]
