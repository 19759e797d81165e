import socket


class RedisQueue:
    def __init__(self, host: str = "127.0.0.1", port: int = 6390):
        self.sock = socket.create_connection((host, port), timeout=0.5)

    def close(self) -> None:
        self.sock.close()
