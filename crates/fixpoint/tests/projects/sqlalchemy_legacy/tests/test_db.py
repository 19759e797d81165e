from inventory import db


def test_names_come_back_in_order(conn):
    db.add(conn, "bolt", 3)
    db.add(conn, "nut", 0)
    assert db.names(conn) == ["bolt", "nut"]


def test_in_stock_skips_what_is_sold_out(conn):
    db.add(conn, "bolt", 3)
    db.add(conn, "nut", 0)
    assert db.in_stock(conn) == ["bolt"]


def test_labels(conn):
    db.add(conn, "bolt", 3)
    db.add(conn, "nut", 0)
    assert db.labels(conn) == ["in stock", "sold out"]


def test_count(conn):
    db.add(conn, "bolt", 3)
    assert db.count(conn) == 1


def test_a_row_reads_as_a_mapping(conn):
    db.add(conn, "washer", 7)
    row = conn.execute(db.items.select()).first()
    assert row["qty"] == 7
    assert dict(row) == {"id": 1, "name": "washer", "qty": 7}


def test_tables(conn):
    assert db.tables() == ["items"]


def test_the_template_is_left_alone():
    assert db.TEMPLATE == "rows = conn.execute(select([items.c.name]))"
