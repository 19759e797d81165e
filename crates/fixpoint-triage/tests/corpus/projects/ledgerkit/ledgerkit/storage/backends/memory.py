class Backend:
    def __init__(self):
        self.rows = []

    def save(self, row):
        self.rows.append(row)
