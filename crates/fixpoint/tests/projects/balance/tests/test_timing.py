import time


def test_slow_a():
    time.sleep(0.3)


def test_fast_1():
    pass


def test_slow_b():
    time.sleep(0.3)


def test_fast_2():
    pass


def test_fast_3():
    pass


def test_fast_4():
    pass
