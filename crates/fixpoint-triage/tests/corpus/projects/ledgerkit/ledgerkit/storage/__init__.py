import importlib

BACKENDS = {"memory": "ledgerkit.storage.backends.memory", "postgres": "ledgerkit.storage.backends.pg"}


def get_backend(name: str):
    module = importlib.import_module(BACKENDS[name])
    return module.Backend()
