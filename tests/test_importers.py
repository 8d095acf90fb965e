"""Importers: the imported network computes what the source library computes."""

import importlib.util

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier, MLPRegressor

from regionmath import RegionmathError
from regionmath.importers import from_numpy, from_sklearn, from_torch
from regionmath.network import Network

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


def _softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def _fit(cls, hidden, n0, outputs, seed, activation="relu"):
    rng = np.random.default_rng(seed)
    X = rng.random((80, n0))
    if cls is MLPClassifier:
        y = rng.integers(0, outputs, 80)
    else:
        y = rng.normal(size=(80, outputs)) if outputs > 1 else rng.normal(size=80)
    return cls(hidden_layer_sizes=hidden, activation=activation, max_iter=30, random_state=seed).fit(X, y), rng


@settings(max_examples=15, deadline=None)
@given(hidden=st.lists(st.integers(1, 6), min_size=1, max_size=3), n0=st.integers(1, 5),
       classes=st.integers(2, 4), seed=st.integers(0, 10_000))
def test_sklearn_classifier_matches_predict_proba(hidden, n0, classes, seed):
    model, rng = _fit(MLPClassifier, tuple(hidden), n0, classes, seed)
    net = from_sklearn(model, domain=(np.zeros(n0), np.ones(n0)))
    assert net.widths == tuple(hidden) and net.n0 == n0
    X = rng.uniform(-2, 3, (50, n0))
    logits = net.forward(X)
    if classes == 2:  # one logistic output
        p1 = 1 / (1 + np.exp(-logits[:, 0]))
        ours = np.column_stack([1 - p1, p1])
    else:
        ours = _softmax(logits)
    np.testing.assert_allclose(ours, model.predict_proba(X), rtol=1e-12, atol=1e-14)


@settings(max_examples=10, deadline=None)
@given(hidden=st.lists(st.integers(1, 6), min_size=1, max_size=3), n0=st.integers(1, 5),
       outputs=st.integers(1, 3), seed=st.integers(0, 10_000))
def test_sklearn_regressor_matches_predict(hidden, n0, outputs, seed):
    model, rng = _fit(MLPRegressor, tuple(hidden), n0, outputs, seed)
    net = from_sklearn(model, domain=(-2, 2))
    X = rng.uniform(-2, 2, (50, n0))
    out = net.forward(X)
    expected = model.predict(X)
    np.testing.assert_allclose(out if outputs > 1 else out[:, 0], expected, rtol=1e-12, atol=1e-12)


def test_sklearn_rejects_other_models():
    model, _ = _fit(MLPClassifier, (3,), 2, 2, 0, activation="tanh")
    with pytest.raises(RegionmathError, match="only relu"):
        from_sklearn(model)
    with pytest.raises(RegionmathError, match="not fitted"):
        from_sklearn(MLPClassifier((3,)))
    from sklearn.linear_model import LogisticRegression
    with pytest.raises(RegionmathError, match="MLPClassifier or MLPRegressor"):
        from_sklearn(LogisticRegression())


def test_import_survives_npz_round_trip(tmp_path):
    model, rng = _fit(MLPClassifier, (4, 3), 3, 3, 1)
    net = from_sklearn(model, domain=([0, 0, 0], [1, 1, 1]))
    net.save(tmp_path / "m.npz")
    back = Network.load(tmp_path / "m.npz")
    for a, b in zip(net.weights + net.biases + list(net.output), back.weights + back.biases + list(back.output)):
        assert np.array_equal(a, b)
    assert np.array_equal(back.box[0], [0, 0, 0]) and np.array_equal(back.box[1], [1, 1, 1])
    X = rng.random((20, 3))
    assert np.array_equal(net.forward(X), back.forward(X))


def test_from_numpy_checks_shapes():
    with pytest.raises(RegionmathError, match="columns"):
        from_numpy([np.ones((3, 2)), np.ones((2, 4))], [np.zeros(3), np.zeros(2)])
    with pytest.raises(RegionmathError, match="numeric"):
        from_numpy([[["a", "b"]]], [[0]])


# -- PyTorch (optional extra: pip install 'regionmath[torch]') --------------------------------------
requires_torch = pytest.mark.skipif(importlib.util.find_spec("torch") is None,
                                    reason="PyTorch is not installed (the optional extra 'torch')")


def _torch():
    import torch
    return torch


@requires_torch
@settings(max_examples=10, deadline=None)
@given(hidden=st.lists(st.integers(1, 7), min_size=1, max_size=3), n0=st.integers(1, 5),
       outputs=st.integers(0, 3), seed=st.integers(0, 10_000))
def test_torch_matches_module_forward(hidden, n0, outputs, seed):
    torch = _torch()
    torch.manual_seed(seed)
    layers, prev = [], n0
    for w in hidden:
        layers += [torch.nn.Linear(prev, w), torch.nn.ReLU()]
        prev = w
    if outputs:
        layers.append(torch.nn.Linear(prev, outputs))
    module = torch.nn.Sequential(*layers).eval()
    net = from_torch(module, domain=(-2, 2))
    assert net.widths == tuple(hidden) and (net.output is not None) == bool(outputs)
    X = np.random.default_rng(seed).uniform(-2, 2, (40, n0))
    with torch.no_grad():
        out32 = module(torch.tensor(X, dtype=torch.float32)).numpy()
        out64 = module.double()(torch.tensor(X, dtype=torch.float64)).numpy()
    # float32 weights are exact float64s: in double precision the two agree to rounding
    np.testing.assert_allclose(net.forward(X), out64, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(net.forward(X), out32, rtol=1e-4, atol=1e-4)


@requires_torch
def test_torch_without_bias_and_noops():
    torch = _torch()
    module = torch.nn.Sequential(torch.nn.Linear(2, 3, bias=False), torch.nn.ReLU(), torch.nn.Dropout(0.5),
                                 torch.nn.Linear(3, 2), torch.nn.ReLU(), torch.nn.Identity()).eval()
    net = from_torch(module, domain=([-1, -1], [1, 1]))
    assert net.widths == (3, 2) and net.output is None
    assert np.array_equal(net.biases[0], np.zeros(3))


@requires_torch
@pytest.mark.parametrize("build, word", [
    (lambda nn: nn.Sequential(nn.Linear(2, 3), nn.Tanh(), nn.Linear(3, 1)), "Tanh"),
    (lambda nn: nn.Sequential(nn.Linear(2, 3), nn.Linear(3, 3), nn.ReLU()), "right after a Linear"),
    (lambda nn: nn.Sequential(nn.ReLU(), nn.Linear(2, 3)), "without a Linear"),
    (lambda nn: nn.Sequential(nn.Linear(2, 3)), "no Linear\\+ReLU"),
    (lambda nn: nn.Linear(2, 3), "Sequential"),
    (lambda nn: nn.Sequential(nn.Conv1d(1, 1, 2), nn.ReLU()), "Conv1d"),
])
def test_torch_rejects_unsupported(build, word):
    torch = _torch()
    with pytest.raises(RegionmathError, match=word):
        from_torch(build(torch.nn))


@pytest.mark.parametrize("n0, hidden", [(2, (5, 4)), (3, (4, 3))])
def test_imported_and_npz_nets_have_the_same_count(tmp_path, n0, hidden):
    from regionmath.counting import count_regions
    model, _ = _fit(MLPClassifier, hidden, n0, 2, 7)
    net = from_sklearn(model, domain=(np.zeros(n0), np.ones(n0)))
    net.save(tmp_path / "m.npz")
    a = count_regions(net, time_limit=60)
    b = count_regions(Network.load(tmp_path / "m.npz"), time_limit=60)
    assert a.complete and b.complete and a.certified and b.certified
    assert a.count == b.count
    if n0 == 2:  # a second, independent count: the exact polygons
        from regionmath.pictures import region_polygons
        assert a.count == len(region_polygons(net))


# -- the domain of an imported model (issue 19, item 7) --------------------------------------
def test_sklearn_domain_is_stated_or_warned():
    from regionmath.errors import DomainWarning
    model, rng = _fit(MLPClassifier, (3,), 2, 2, 0)
    with pytest.warns(DomainWarning, match=r"no domain given.*\[-1, 1\]\^2.*domain="):
        net = from_sklearn(model)
    assert net.box[0].tolist() == [-1, -1] and net.box[1].tolist() == [1, 1]
    X = np.array([[0.25, -3.0], [0.75, 5.0], [0.5, 0.0]])
    with pytest.warns(DomainWarning, match=r"range of the training inputs.*\[0.25, 0.75\] x \[-3, 5\]"):
        net = from_sklearn(model, X=X)
    assert net.box[0].tolist() == [0.25, -3.0] and net.box[1].tolist() == [0.75, 5.0]
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("error")          # an explicit domain: no warning at all
        net = from_sklearn(model, domain=([0, 0], [2, 3]))
        assert net.box[1].tolist() == [2, 3]
        assert from_sklearn(model, box=(0, 1)).box[1].tolist() == [1, 1]   # the former name
    for kwargs, match in (({"domain": (0, 1), "X": X}, "not both"), ({"domain": (0, 1), "box": (0, 1)}, "once"),
                          ({"X": np.ones((4, 3))}, r"shape \(m, 2\)"), ({"X": [[0, 1], [0, 2]]}, "constant"),
                          ({"domain": (1, 0)}, "empty or flat")):
        with pytest.raises(RegionmathError, match=match):
            from_sklearn(model, **kwargs)


@requires_torch
def test_torch_domain_from_a_tensor_of_inputs():
    from regionmath.errors import DomainWarning
    torch = _torch()
    module = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.ReLU(), torch.nn.Linear(3, 1)).eval()
    X = torch.tensor([[0.0, 1.0], [2.0, -1.0]])
    with pytest.warns(DomainWarning, match="range of the training inputs"):
        net = from_torch(module, X=X)
    assert net.box[0].tolist() == [0, -1] and net.box[1].tolist() == [2, 1]
    with pytest.warns(DomainWarning, match="no domain given"):
        from_torch(module)


# -- the classmethods Network.from_sklearn / Network.from_torch (issue 20) ----------------------
def _same_network(a, b):
    """Every array of two networks equal, element for element."""
    assert a.widths == b.widths and a.n0 == b.n0 and a.conv == b.conv
    for x, y in zip(a.weights + a.biases + list(a.box), b.weights + b.biases + list(b.box)):
        assert np.array_equal(x, y)
    assert (a.output is None) == (b.output is None)
    if a.output is not None:
        assert all(np.array_equal(x, y) for x, y in zip(a.output, b.output))


def test_network_from_sklearn_is_the_importer():
    model, rng = _fit(MLPClassifier, (3, 2), 2, 3, 4)
    net = Network.from_sklearn(model, domain=([0, 0], [1, 1]))
    assert type(net) is Network and net.widths == (3, 2)
    _same_network(net, from_sklearn(model, domain=([0, 0], [1, 1])))
    x = rng.random((10, 2))
    np.testing.assert_allclose(_softmax(net.forward(x)), model.predict_proba(x), rtol=1e-12, atol=1e-14)
    # the same refusals, word for word
    tanh, _ = _fit(MLPClassifier, (3,), 2, 2, 0, activation="tanh")
    from sklearn.linear_model import LogisticRegression
    for bad, kwargs in ((tanh, {}), (MLPClassifier((3,)), {}), (LogisticRegression(), {}),
                        (model, {"domain": (0, 1), "X": x}), (model, {"X": [[0, 1], [0, 2]]})):
        with pytest.raises(RegionmathError) as via_class:
            Network.from_sklearn(bad, **kwargs)
        with pytest.raises(RegionmathError) as via_function:
            from_sklearn(bad, **kwargs)
        assert str(via_class.value) == str(via_function.value)


def test_network_from_sklearn_warns_at_the_callers_line():
    from regionmath.errors import DomainWarning
    model, _ = _fit(MLPRegressor, (3,), 2, 1, 1)
    for f in (Network.from_sklearn, from_sklearn):
        with pytest.warns(DomainWarning, match="no domain given") as record:
            net = f(model)
        assert record[0].filename == __file__         # the warning points at this call, not inside regionmath
        assert net.box[0].tolist() == [-1, -1]


class _Subclass(Network):
    pass


def test_network_classmethods_build_the_calling_class():
    model, _ = _fit(MLPRegressor, (2,), 1, 1, 2)
    assert type(_Subclass.from_sklearn(model, domain=(0, 1))) is _Subclass


@requires_torch
def test_network_from_torch_is_the_importer():
    from regionmath.errors import DomainWarning
    torch = _torch()
    nn = torch.nn
    torch.manual_seed(3)
    module = nn.Sequential(nn.Conv2d(1, 2, 2), nn.ReLU(), nn.Flatten(), nn.Linear(8, 3), nn.ReLU(),
                           nn.Linear(3, 1)).eval()
    net = Network.from_torch(module, input_shape=(1, 3, 3), domain=(0, 1))
    assert net.widths == (8, 3) and net.conv[0] is not None and net.conv[1] is None
    _same_network(net, from_torch(module, input_shape=(1, 3, 3), domain=(0, 1)))
    x = torch.rand(5, 1, 3, 3, dtype=torch.float64)
    np.testing.assert_allclose(net.forward(x.reshape(5, -1).numpy()), module.double()(x).detach().numpy(),
                               rtol=0, atol=1e-12)
    with pytest.warns(DomainWarning, match="range of the training inputs") as record:
        Network.from_torch(module, input_shape=(1, 3, 3), X=x)
    assert record[0].filename == __file__
    for bad, kwargs, word in ((nn.Sequential(nn.Conv2d(1, 2, 2), nn.ReLU()), {"domain": (0, 1)}, "input_shape"),
                              (nn.Sequential(nn.Conv2d(1, 2, 2), nn.ReLU(), nn.MaxPool2d(2)),
                               {"input_shape": (1, 3, 3), "domain": (0, 1)}, "MaxPool2d"),
                              (nn.Linear(2, 3), {}, "Sequential")):
        with pytest.raises(RegionmathError, match=word) as via_class:
            Network.from_torch(bad, **kwargs)
        with pytest.raises(RegionmathError) as via_function:
            from_torch(bad, **kwargs)
        assert str(via_class.value) == str(via_function.value)
