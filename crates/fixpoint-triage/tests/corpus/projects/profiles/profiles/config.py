from functools import lru_cache

from pydantic import BaseSettings, Field


class Settings(BaseSettings):
    app_name: str = "profiles"
    avatar_base_url: str = "https://cdn.example.com/avatars"
    smtp_host: str = Field("localhost", env="PROFILES_SMTP_HOST")

    class Config:
        env_prefix = "PROFILES_"


@lru_cache
def get_settings() -> Settings:
    return Settings()
