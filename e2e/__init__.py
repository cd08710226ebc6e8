"""Browser tests (`make e2e`) and the JupyterLab driver `e2e.browser_lab` that `benchmarks.bench_browser` uses."""
