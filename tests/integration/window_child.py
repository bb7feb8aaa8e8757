"""The real window in a child process, driven line by line over stdin (tests of sharing one file).

    python -m tests.integration.window_child DB_PATH

Opens DB_PATH as ``hashplan --db DB_PATH`` does (offscreen; the deferred integrity check,
the first snapshot and the open's backup start on their workers), prints ``ready PID``,
then answers each line of stdin:

    write NAME   adds a data center NAME through the window's services (what Edit > New Data
                 Center does) on the UI thread; prints ``wrote NAME`` once committed
    backup       starts File > Back up now on its worker; prints ``backed-up`` when written
    check        runs the file's integrity check again on a worker; prints ``checked ok``
    refresh      reads the window's snapshot again (F5); prints ``refreshed``
    quit         closes the window as the user does; prints ``closed`` and exits 0
"""

from __future__ import annotations

import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from pathlib import Path

from PySide6.QtCore import QSocketNotifier, QThreadPool

from desktop.store.connection import check_integrity
from desktop.ui.app import application, open_window


def say(text: str) -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def main() -> int:
    db = Path(sys.argv[1])
    app = application()
    window = open_window(db, ask=lambda *_: False)
    if window is None:
        say("failed")
        return 2
    pool = QThreadPool()
    window.reliability.backup_written.connect(lambda _info: say("backed-up"))
    window.refresher.changed.connect(lambda *_: say("refreshed"))
    window.reliability.failed.connect(lambda message: say(f"failed {message}"))

    pending = bytearray()  # os.read, not readline: lines buffered inside Python raise no notifier

    def on_input() -> None:
        data = os.read(sys.stdin.fileno(), 65536)
        if not data:  # the test went away
            notifier.setEnabled(False)
            app.quit()
            return
        pending.extend(data)
        while b"\n" in pending:
            line, _, rest = bytes(pending).partition(b"\n")
            pending[:] = rest
            on_line(line.decode())

    def on_line(line: str) -> None:
        command, _, argument = line.strip().partition(" ")
        if command == "write":
            window.session.fleet.add_site(argument)
            say(f"wrote {argument}")
        elif command == "backup":
            window.reliability.start_backup(manual=True)
        elif command == "check":
            pool.start(lambda: (check_integrity(db), say("checked ok")))
        elif command == "refresh":
            window.refresher.refresh()
        elif command == "quit":
            pool.waitForDone()
            window.close()
            say("closed")
            app.quit()

    notifier = QSocketNotifier(sys.stdin.fileno(), QSocketNotifier.Type.Read)
    notifier.activated.connect(on_input)
    say(f"ready {os.getpid()}")
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
