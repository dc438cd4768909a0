"""Staff and developer tools: the command line (`python -m bot`), the content check, the staff
report, the evaluation and the process helpers that start the servers for tests and benchmarks."""
