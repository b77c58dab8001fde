"""Work in a second process: the press render beside the screen PDF, the screen PDF written
while its pages are checked, the proof sheet's pages drawn by two processes."""

from __future__ import annotations

import os

from .diagnostics import SourceError
from .interrupt import forked, interruptible, uninterruptible


class Background:
    """``function(*args)`` in a forked process; :meth:`result` waits for its return value (or
    raises its source error). Forked, not spawned: the child has the model already, and nothing
    is imported twice. A stop of the build stops the child, which removes its temporary files."""

    def __init__(self, function, *args):
        import multiprocessing

        context = multiprocessing.get_context("fork")
        self.receiver, sender = context.Pipe(duplex=False)
        self.process = context.Process(target=self._run, args=(sender, function, args),
                                       daemon=True)
        with uninterruptible():  # a signal inside fork()'s handlers would be lost, not raised
            self.process.start()
        sender.close()

    @staticmethod
    def _run(sender, function, args) -> None:
        forked()
        try:
            with interruptible():
                sender.send(("ok", function(*args)))
        except KeyboardInterrupt:
            os._exit(130)
        except SourceError as error:  # not picklable as it is
            sender.send(("source", error.problems))
        except BaseException as error:  # noqa: BLE001 - raised again in the parent
            import traceback
            where = "".join(["In the build's second process:\n",
                             *traceback.format_exception(error)])
            error.add_note(where)  # for the report of an internal error
            try:
                sender.send(("raise", error))  # an OSError keeps its file name and reason
            except Exception:  # noqa: BLE001 - not picklable: its type and message
                sender.send(("error", (f"{type(error).__name__}: {error}", where)))

    def result(self):
        try:
            kind, value = self.receiver.recv()
        except EOFError:
            self.process.join()
            raise RuntimeError("a build process stopped without a result") from None
        # Not joined when the wait is interrupted: a child still sending a large result would
        # wait for a reader forever; stop() ends it.
        self.process.join()
        if kind == "source":
            raise SourceError(value)
        if kind == "raise":
            raise value
        if kind == "error":
            message, where = value
            error = RuntimeError(f"a build process failed: {message}")
            error.add_note(where)
            raise error
        return value

    def stop(self) -> None:
        """Stop the child if it still runs (the build failed or was interrupted) and wait for
        it to clean up."""
        if self.process.is_alive():
            self.process.terminate()
        self.process.join()
        self.receiver.close()
