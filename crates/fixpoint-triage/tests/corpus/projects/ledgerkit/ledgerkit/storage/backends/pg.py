import psycopg2


class Backend:
    def __init__(self, dsn: str = "dbname=ledger"):
        self.conn = psycopg2.connect(dsn)
