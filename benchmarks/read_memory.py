"""Peak memory of reading a whole CSV file: ``python benchmarks/read_memory.py [ROWS]``.

Writes a generated wide CSV (ROWS city-years, default 100 000, every data item of the built-in
plugins: 149 columns) and reads it with ``read_input`` in a child process, so the figure is that
process's own peak resident set size, imports included (about 0.1 GB). docs/cli.md quotes it.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

CHILD = """
import resource, sys, time
from u4ssc.core.readers import read_input
start = time.perf_counter()
info, frame = read_input(sys.argv[1])
took = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2
print(f"{frame.shape[0]} rows x {frame.shape[1]} columns: {took:.1f} s, peak RSS {peak:.2f} GB")
"""


def main() -> None:
    sys.path.insert(0, str(Path(__file__).parent))
    from batch import synthetic_input

    from u4ssc.core import Engine

    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "wide.csv"
        synthetic_input(Engine.load(), rows).to_csv(path, index=False)
        print(f"{path.stat().st_size / 1e6:.0f} MB of CSV")
        subprocess.run([sys.executable, "-c", CHILD, str(path)], check=True)


if __name__ == "__main__":
    main()
