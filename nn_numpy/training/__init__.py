"""Training: the fused NumPy ``Trainer`` and the optional compiled backend (``fast_trainer``)."""
