"""References the NumPy network is verified against, over the checker (``nn_numpy.check``): the
report's case families (``cases``), its rows (``rows``, torch autograd and finite differences) and
its text (``report``)."""
