"""`make bench`'s measurement: CPU time counts the whole process tree (a full synth runs a
second Python process and two Node.js runtimes), and a failing command stops the bench."""
from __future__ import annotations

import os
import sys

import pytest

from sparki import bench


def test_cpu_time_includes_the_grandchildren(tmp_path):
    report = tmp_path / "grandchild"
    inner = f"import time\nx = 0\nfor i in range(3_000_000):\n    x += i\nopen({str(report)!r}, 'w').write(str(time.process_time()))\n"
    outer = f"import subprocess, sys\nsubprocess.run([sys.executable, '-c', {inner!r}], check=True)\n"
    seconds, peak, cpu = bench.measure([sys.executable, "-c", outer], dict(os.environ))
    assert cpu >= float(report.read_text()) > 0
    assert peak > 0 and seconds > 0


def test_a_failing_command_stops_the_bench_with_its_error():
    with pytest.raises(SystemExit, match="bench: .* failed:\n.*no bench today"):
        bench.measure([sys.executable, "-c", "import sys; sys.exit('no bench today')"], dict(os.environ))
