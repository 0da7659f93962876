"""``aiinfra probe``: measure one GPU with PyTorch and write a calibration file for ``aiinfra size``."""
