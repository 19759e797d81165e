from jobrunner.panic import check_invariant


def test_invariant_holds():
    check_invariant(pending=2, running=1, capacity=4)


def test_over_capacity_is_reported():
    check_invariant(pending=5, running=1, capacity=4)
