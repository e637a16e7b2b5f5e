"""``python -m nn_numpy.predict``: the program ``nn-numpy-predict`` (``nn_numpy.cli.predict``).

Imported in any other way (``import nn_numpy.predict``, as Sphinx, ``pkgutil.walk_packages`` and
doctest collection do), this module puts the function ``nn_numpy.network.predict`` in its own
``sys.modules`` entry: the import system binds that entry as the package attribute, so
``nn_numpy.predict`` stays the prediction function instead of becoming this module.
"""

import sys

if __name__ == "__main__":
    from nn_numpy.cli.predict import main

    sys.exit(main())
else:
    from nn_numpy.network import predict

    sys.modules[__name__] = predict  # type: ignore[assignment]
