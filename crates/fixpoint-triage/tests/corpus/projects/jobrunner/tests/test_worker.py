from jobrunner.worker import Worker


def test_run_once():
    worker = Worker()
    worker.submit(lambda: 41 + 1)
    worker.run_once()
    assert worker.results == [42]


def test_wait_for_job_returns_submitted_job():
    worker = Worker()
    job = worker.wait_for_job()
    assert job is not None


def test_wait_until_done():
    worker = Worker()
    worker.submit(lambda: None)
    worker.run_once()
    worker.wait_until_done()
    assert worker.results == [None]


def test_stop_flushes_and_exits():
    worker = Worker()
    worker.stop()
    assert worker.results == []


def test_results_start_empty():
    assert Worker().results == []
