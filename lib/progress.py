"""Progress for the long set-up steps of `make run` (installing, training the model, seeding):
each step says what it is doing, keeps saying it is alive, and how long it took.

    with step("Memuat data demo"):          # in Python
        ...
    python -m lib.progress "Melatih model analisis" -- python -m lib.analysis.train --if-missing
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

from lib.formatting import decimal

HEARTBEAT_SECONDS = 10.0


def _elapsed(seconds: float) -> str:
    if seconds < 60:
        return f"{decimal(seconds)} detik"
    return f"{int(seconds // 60)} menit {int(seconds % 60)} detik"


@contextmanager
def step(label: str, out: TextIO | None = None, every: float = HEARTBEAT_SECONDS) -> Iterator[None]:
    """Print "▶ label…" now, "… masih berjalan" every `every` seconds, "✓ label (N detik)" at the end
    (or "✗" when the step raises)."""
    out = out or sys.stdout
    started = time.monotonic()
    done = threading.Event()

    def beat() -> None:
        while not done.wait(every):
            print(f"  … {label}: masih berjalan ({_elapsed(time.monotonic() - started)})", file=out, flush=True)

    print(f"▶ {label}…", file=out, flush=True)
    ticker = threading.Thread(target=beat, daemon=True)
    ticker.start()
    try:
        yield
    except BaseException:
        done.set()
        print(f"✗ {label}: gagal setelah {_elapsed(time.monotonic() - started)}", file=out, flush=True)
        raise
    done.set()
    ticker.join()
    print(f"✓ {label} ({_elapsed(time.monotonic() - started)})", file=out, flush=True)


def main(argv: list[str] | None = None) -> int:
    """`python -m lib.progress LABEL -- COMMAND...`: run COMMAND (its output passes through) as a step."""
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) < 3 or args[1] != "--":
        print("pemakaian: python -m lib.progress LABEL -- PERINTAH [ARG...]", file=sys.stderr)
        return 2
    label, command = args[0], args[2:]
    try:
        with step(label):
            code = subprocess.call(command)
            if code:
                raise SystemExit(code)
    except SystemExit as exc:
        return int(exc.code or 1)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
