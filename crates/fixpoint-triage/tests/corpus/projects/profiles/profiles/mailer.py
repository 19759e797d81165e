from profiles.config import get_settings


def welcome_email(username: str) -> dict:
    settings = get_settings()
    return {"host": settings.smtp_host, "subject": f"Welcome to {settings.app_name}, {username}!"}
