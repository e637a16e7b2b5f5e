"""``python -m nn_numpy.train``: the program ``nn-numpy-train`` (``nn_numpy.cli.train``).

Imported in any other way (``import nn_numpy.train``, as Sphinx, ``pkgutil.walk_packages`` and
doctest collection do), this module puts the function ``nn_numpy.network.train`` in its own
``sys.modules`` entry: the import system binds that entry as the package attribute, so
``nn_numpy.train`` stays the training function instead of becoming this module.
"""

import sys

if __name__ == "__main__":
    from nn_numpy.cli.train import main

    sys.exit(main())
else:
    from nn_numpy.network import train

    sys.modules[__name__] = train  # type: ignore[assignment]
