"""
Decision boundary on the large dataset
======================================

The network ``nn-numpy-train --data-path large`` trains, built from the Python API: the CLI's split
(seed 42, 20 % held out), features standardized with the train split's statistics, He
initialization, 5 ReLU units and 5000 full-batch steps of ``Trainer`` at learning rate 0.01. The
figure is the one ``--plot`` writes: P(y = 1 | x) over the plane with the boundary P = 0.5 in
black (dots: training points, triangles: test points), beside the cost J per epoch.
"""

from nn_numpy import Trainer, init_params, predict
from nn_numpy.io.data import Standardizer, load_table, split_xy, train_test_split
from nn_numpy.io.datasets import resolve_data_path
from nn_numpy.plot import training_figure
from nn_numpy.training import fit

X, Y = split_xy(load_table(resolve_data_path("large")))
X_train, Y_train, X_test, Y_test = train_test_split(X, Y, 0.2, 42)
scaler = Standardizer.fit(X_train)

trainer = Trainer(scaler.transform(X_train), Y_train, init_params(2, 5, seed=42), 0.01)
history = fit(trainer, 5000)
params = trainer.params

test_accuracy = (predict(params, scaler.transform(X_test)) == Y_test).mean()
print(f"final cost: {history.costs[-1]:.6f}, test accuracy: {100 * test_accuracy:.2f}%")

# %%
# The boundary is made of straight pieces: each ReLU unit switches on along a line, and between
# those lines the logit is affine in x.

figure = training_figure(
    params, scaler, X_train, Y_train, X_test, Y_test, history.epochs, history.costs
)
