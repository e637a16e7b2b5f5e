"""
Cost curves for three learning rates
====================================

J during full-batch gradient descent on the large dataset (standardized features, 5 ReLU units,
the same initial weights for every run), for the CLI's default learning rate 0.01 and two larger
ones. The cost is recorded by ``nn_numpy.training.fit``: J before the first step and then at
regular intervals.
"""

from matplotlib.figure import Figure

from nn_numpy import Trainer, init_params
from nn_numpy.io.data import Standardizer, load_table, split_xy, train_test_split
from nn_numpy.io.datasets import resolve_data_path
from nn_numpy.training import fit

X, Y = split_xy(load_table(resolve_data_path("large")))
X_train, Y_train, _, _ = train_test_split(X, Y, 0.2, 42)
inputs = Standardizer.fit(X_train).transform(X_train)

figure = Figure(figsize=(6.5, 4.2), layout="constrained")
ax = figure.subplots()
for learning_rate in (0.01, 0.1, 0.5):
    trainer = Trainer(inputs, Y_train, init_params(2, 5, seed=42), learning_rate)
    history = fit(trainer, 5000)
    ax.plot(history.epochs, history.costs, label=f"learning rate {learning_rate:g}")
    print(f"learning rate {learning_rate:g}: final cost {history.costs[-1]:.6f}")
ax.set_yscale("log")
ax.set_xlabel("epoch")
ax.set_ylabel("cost J")
ax.set_title("5 ReLU units, large_dataset.csv, 1600 training examples")
ax.legend()
