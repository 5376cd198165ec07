"""Read a big CSV file in a second process while this one does other work.

Python runs one thread of Python code at a time per process. A 100k-order Taobao import
reads two reports and stores them, and reading the order report needs nothing from the
item report until the two are joined: a worker process reads it (cells cleaned, statuses
mapped) on the other core while this process reads the item report, and the results come
back in pickled frames that this process unpickles as it joins them.

    with read_in_worker(order_rows, table) as outcomes:  # the worker starts now
        ...                                             # other work meanwhile
        for outcome in outcomes: ...                    # order_rows(table)'s items

`read` must be a module-level function (it is sent by name) taking a Table and yielding
picklable items. Small files and XLSX are read in this process, and so is a file whose
worker cannot start or stops before sending anything (a frozen app, a broken install),
with the same results. A UserError in the worker is raised here with its message;
anything else that stops it ends in WorkerError, a UserError that says to import the
file again. Leaving the block stops the worker.

The worker imports exactly what this process imports (it gets this sys.path, and runs
isolated from the current directory and PYTHON* variables), and its output is only
taken for frames once it has said who it is, so the frames unpickled here are our own.
"""

from __future__ import annotations

import gc
import logging
import os
import pickle
import queue
import subprocess
import sys
import tempfile
import threading
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any, BinaryIO, TypeVar

from packstation.errors import UserError
from packstation.importers.reading import Table, csv_table

T = TypeVar("T")
log = logging.getLogger(__name__)

# Below this many rows, starting Python (about 0.1 s) costs more than reading the file.
MIN_ROWS = 20_000
FRAME_ITEMS = 2000  # items per frame: small enough that the first arrive early
_HELLO = b"packstation-import-worker/1\n"  # the worker's first bytes
_LENGTH = 8  # bytes of the length that precedes each frame
_MAX_FRAME = 1 << 30
# `-I` leaves out the current directory and PYTHON* variables; the worker then takes
# this process's sys.path from its arguments, so it imports the same package.
_START = (
    "import sys; sys.path[:] = sys.argv[1:]; from packstation.importers.worker import main; main()"
)


class WorkerError(UserError):
    """The worker stopped on something that is not the file's fault (a bug, or killed).

    Nothing of the file is stored (its transaction rolls back), so the user is told to
    import it again; `details` (the worker's traceback or last words) is for a report."""

    def __init__(self, name: str, details: str) -> None:
        self.details = details
        last = details.strip().splitlines()[-1][:200] if details.strip() else "?"
        super().__init__(
            f"读取 {name} 的后台进程意外停止（{last}），此文件未导入任何内容。"
            "请重新导入；如仍失败，请把这条信息告诉技术支持。",
            f"The background process reading {name} stopped unexpectedly ({last}); nothing "
            "of this file was imported. Import it again; if it fails again, report this "
            "message.",
        )


@contextmanager
def read_in_worker(read: Callable[[Table], Iterator[T]], table: Table) -> Iterator[Iterator[T]]:
    """`read(table)`'s items, read by a worker process started now (see module doc)."""
    text = None
    if table.estimated_rows >= MIN_ROWS and not getattr(sys, "frozen", False):
        text = table.csv_text()
    if text is None:
        yield read(table)
        return
    try:
        worker = _Worker(read, table, text)
    except OSError as error:  # no worker can start here: read it in this process
        log.warning("cannot start the import worker (%s); reading %s here", error, table.name)
        yield read(table)
        return
    del text  # sent: not kept here while the import goes on
    try:
        yield worker.items()
    finally:
        worker.stop()


class _Worker:
    """One worker process, and the thread that takes its frames off the pipe as they come
    (otherwise it would stop at a full pipe, 64 kB, until this process asks for items)."""

    def __init__(self, read: Callable[[Table], Iterator[Any]], table: Table, text: str) -> None:
        if not sys.executable:  # None or "" when Python cannot tell where it is
            raise FileNotFoundError("no Python executable (sys.executable is empty)")
        self._read, self._table = read, table
        request = (read, table.name, table.encoding, text, FRAME_ITEMS)
        self._request = pickle.dumps(request, protocol=pickle.HIGHEST_PROTOCOL)
        self._errors = tempfile.TemporaryFile()  # noqa: SIM115 (closed by stop)
        try:
            self._process = subprocess.Popen(
                [sys.executable, "-I", "-c", _START, *_search_path()],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=self._errors,
                creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0),  # no console window
            )
        except BaseException:
            self._errors.close()
            raise
        self._frames: queue.SimpleQueue[bytes | None] = queue.SimpleQueue()
        self._broken = ""  # why the stream ended early, if it is not the worker's death
        self._pump = threading.Thread(target=self._pump_frames, name="import-worker", daemon=True)
        self._pump.start()

    def items(self) -> Iterator[Any]:
        frame = self._frames.get()
        if frame is None:  # it never got going: read the file here, as if it had not started
            log.warning("%s; reading %s here", self._death(), self._table.name)
            yield from self._read(self._table)
            return
        self._table.hand_over()  # no reading here now: free the text while storing
        while frame is not None:
            kind, payload = pickle.loads(frame)
            if kind == "items":
                yield from payload
            elif kind == "done":
                return
            elif kind == "user_error":
                raise UserError(*payload)
            else:
                raise WorkerError(self._table.name, payload)
            frame = self._frames.get()
        raise WorkerError(self._table.name, self._death())

    def stop(self) -> None:
        """Kill it whatever it is doing (it may be done, or still reading a file whose
        import has failed) and wait for it and the pump, so nothing is left running."""
        if self._process.poll() is None:
            self._process.kill()
        self._process.wait()
        self._pump.join()
        assert self._process.stdout is not None
        self._process.stdout.close()
        self._errors.close()

    def _pump_frames(self) -> None:
        assert self._process.stdin is not None and self._process.stdout is not None
        try:
            with self._process.stdin as request:
                request.write(self._request)
            self._request = b""
            stream = self._process.stdout
            if stream.read(len(_HELLO)) != _HELLO:
                self._broken = "the import worker wrote something else than its frames"
                return
            while frame := _read_frame(stream):
                self._frames.put(frame)
        except Exception as error:  # a pipe closed by stop(), or a damaged frame
            self._broken = f"the import worker's output broke off ({error!r})"
        finally:
            self._frames.put(None)

    def _death(self) -> str:
        """Why the worker ended early; it is stopped first, so this never waits on it."""
        if self._process.poll() is None:
            self._process.kill()
        code = self._process.wait()
        self._errors.seek(0)
        said = self._errors.read()[-2000:].decode("utf-8", "replace").strip()
        why = f"{self._broken}; " if self._broken else ""
        return f"{why}the import worker stopped (exit code {code})" + (f": {said}" if said else "")


def _search_path() -> list[str]:
    """This process's sys.path, with the current directory spelled out (for "")."""
    return [str(Path(entry).absolute()) for entry in sys.path if isinstance(entry, str)]


def _read_frame(stream: IO[bytes]) -> bytes:
    """The next frame, or b"" at the end of the stream."""
    head = stream.read(_LENGTH)
    if len(head) < _LENGTH:
        return b""
    size = int.from_bytes(head, "little")
    if size > _MAX_FRAME:
        raise ValueError(f"a frame of {size} bytes")
    body = stream.read(size)
    return body if len(body) == size else b""


def _write_frame(stream: BinaryIO, kind: str, payload: object) -> None:
    data = pickle.dumps((kind, payload), protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(len(data).to_bytes(_LENGTH, "little"))
    stream.write(data)
    stream.flush()


def _serve(request: BinaryIO, out: BinaryIO) -> None:
    """The worker: read the table it was sent, and send back what `read` yields; the
    items before an error, then the error."""
    read, name, encoding, text, frame_items = pickle.load(request)
    batch: list[object] = []
    try:
        for item in read(csv_table(name, text, encoding)):
            batch.append(item)
            if len(batch) >= frame_items:
                _write_frame(out, "items", batch)
                batch = []
        _write_frame(out, "items", batch)
        _write_frame(out, "done", None)
    except UserError as error:
        _write_frame(out, "items", batch)
        _write_frame(out, "user_error", (error.zh, error.en))
    except Exception:
        _write_frame(out, "items", batch)
        _write_frame(out, "failed", traceback.format_exc())


def main() -> None:
    gc.disable()  # hundreds of thousands of acyclic tuples; the process is short-lived
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # from here on a stray print goes to stderr, not into the frames
    try:
        out.write(_HELLO)
        _serve(sys.stdin.buffer, out)
    except (KeyboardInterrupt, BrokenPipeError):  # Ctrl-C, or the importer stopped us
        os._exit(1)
    out.close()
