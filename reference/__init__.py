"""References the NumPy network is verified against: PyTorch autograd and finite differences."""
