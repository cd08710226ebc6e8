"""Latest wins, in a real kernel: a burst of slider messages runs far fewer times, ending on the last setting.

A browser sends a comm message per slider release; here jupyter_client sends them the same way.
"""
import ast
import time

import pytest

jupyter_client = pytest.importorskip("jupyter_client.manager")

SETUP = """
import approx_utils as au
lab = au.scaling_explorer(n_train=64)
seen = []
_update = lab.update
def _recording_update():
    seen.append(lab.controls["init"].value)
    _update()
lab.update = _recording_update
print(lab.controls["init"].model_id, [v for _, v in lab.controls["init"].options])
"""


def _execute(kc, code, timeout=120):
    msg_id = kc.execute(code)
    out = []
    while True:
        msg = kc.get_iopub_msg(timeout=timeout)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        if msg["msg_type"] == "stream":
            out.append(msg["content"]["text"])
        if msg["msg_type"] == "error":
            raise AssertionError("\n".join(msg["content"]["traceback"]))
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            return "".join(out)


def test_a_burst_of_moves_runs_the_latest_setting_only():
    km, kc = jupyter_client.start_new_kernel(kernel_name="python3")
    try:
        model_id, grid = _execute(kc, SETUP).strip().split(" ", 1)
        grid = ast.literal_eval(grid)
        indices = list(range(6, 18))  # a log slider is a selection slider: the browser sends the index
        values = [grid[i] for i in indices]
        for i in indices:
            kc.shell_channel.send(kc.session.msg("comm_msg", {
                "comm_id": model_id, "data": {"method": "update", "state": {"index": i}, "buffer_paths": []}}))
            time.sleep(0.03)
        time.sleep(1.0)
        for _ in range(60):  # wait for the explorer to finish its last run
            if _execute(kc, "print(lab._task is None)").strip() == "True":
                break
            time.sleep(0.5)
        seen = ast.literal_eval(_execute(kc, "print(seen)").strip())
        shown = float(_execute(kc, "print(lab.result.config.init)").strip())
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    assert seen[-1] == values[-1] and shown == values[-1]
    assert len(seen) < len(values) / 2, seen


def test_the_kernels_interrupt_stops_a_live_run_after_the_chunk_under_way():
    """A kernel ignores SIGINT between cells, when a live run trains: the explorer takes it while it runs."""
    km, kc = jupyter_client.start_new_kernel(kernel_name="python3")
    try:
        _execute(kc, "import approx_utils as au\nlab = au.workbench(n_train=64)\nlab.controls['steps'].value = 5000")
        while _execute(kc, "print(lab._task is None)").strip() != "True":  # the move's own run first
            time.sleep(0.2)
        _execute(kc, "lab.toggle_live()")
        time.sleep(0.5)
        km.interrupt_kernel()
        for _ in range(20):  # 5 s at most; it stops after the chunk under way (100 steps)
            time.sleep(0.25)
            if _execute(kc, "print(lab._task is None)").strip() == "True":
                break
        done = _execute(kc, "print(lab._task is None, lab.result.run.steps_done, lab.play_button.description)")
        ok = _execute(kc, "print(1 + 1)").strip()  # the kernel lives on
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    stopped, steps, button = done.split(" ", 2)
    assert stopped == "True" and 0 < int(steps) < 5000 and "Train live" in button, done
    assert ok == "2"
