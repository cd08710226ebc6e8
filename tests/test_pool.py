"""Models are pooled, but a model lent to a run is never lent to another run meanwhile."""
import numpy as np

import approx_utils as au
from approx_utils.pool import ModelPool

SMALL = dict(target="sine", x_scale="standardize", hidden=(8, 8), n_train=64, steps=60, lr=1e-2)


def test_a_live_run_interleaved_with_another_of_the_same_architecture_ends_as_it_does_alone():
    """'Train live' in one explorer while another explorer (or a cell) runs the same architecture."""
    alone = au.run_experiment(**SMALL, seed=0)
    live = au.iterate_experiment(**SMALL, seed=0, every=20)
    first = next(live)
    other = au.run_experiment(**{**SMALL, "init": 0.5, "lr": 0.1}, seed=1)  # between the chunks
    *_, last = live
    assert first.run.steps_done == 20 and last.run.steps_done == 60
    assert last.r2 == alone.r2 and np.array_equal(last.run.loss, alone.run.loss)
    assert all(np.array_equal(a, b) for a, b in zip(last.weights, alone.weights))
    assert other.r2 != alone.r2


def test_two_live_runs_of_one_architecture_each_end_as_alone():
    alone = [au.run_experiment(**SMALL, seed=s) for s in (0, 1)]
    runs = [au.iterate_experiment(**SMALL, seed=s, every=20) for s in (0, 1)]
    ends = [None, None]
    for _ in range(3):  # alternate chunk by chunk
        for k, run in enumerate(runs):
            ends[k] = next(run)
    assert [e.r2 for e in ends] == [a.r2 for a in alone]


def test_the_pool_is_bounded_and_does_not_lend_a_model_twice():
    pool = ModelPool(size=2)
    config = au.Config(hidden=(3,))
    with pool.borrow(config) as a, pool.borrow(config) as b:
        assert a is not b
    with pool.borrow(config) as c:
        assert c in (a, b)  # an idle one is reused
    for width in (4, 5, 6):
        with pool.borrow(au.Config(hidden=(width,))):
            pass
    assert len(pool) == 2


def test_a_model_is_lent_at_its_starting_weights_unless_the_caller_sets_them():
    pool = ModelPool(size=1)
    config = au.Config(hidden=(3,), init=0.5, seed=2)
    start = au.build_mlp((3,), init=0.5, seed=2).get_weights()
    with pool.borrow(config) as model:
        model.set_weights([w + 1 for w in start])
    with pool.borrow(config) as model:  # reinitialized
        assert all(np.array_equal(a, b) for a, b in zip(model.get_weights(), start))
        model.set_weights([w + 1 for w in start])
    with pool.borrow(config, fresh=False) as model:  # as it was left, for a caller that sets the weights itself
        assert all(np.array_equal(a, b + 1) for a, b in zip(model.get_weights(), start))
