import os
import queue
import threading
import time


def _flush_logs() -> None:
    pass


def shutdown(code: int = 0) -> None:
    _flush_logs()
    os._exit(code)


class Worker:
    def __init__(self):
        self.jobs: queue.Queue = queue.Queue()
        self.done = threading.Event()
        self.results: list = []

    def submit(self, job) -> None:
        self.jobs.put(job)

    def run_once(self) -> None:
        job = self.jobs.get_nowait()
        self.results.append(job())

    def wait_for_job(self, poll: float = 0.05):
        while True:
            try:
                return self.jobs.get_nowait()
            except queue.Empty:
                time.sleep(poll)

    def wait_until_done(self) -> None:
        self.done.wait()

    def stop(self, exit_code: int = 3) -> None:
        shutdown(exit_code)
