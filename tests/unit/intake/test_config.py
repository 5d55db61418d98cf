import pytest

from service.config import ConfigError, check_production, from_environment


def test_defaults_run_a_newcomer_on_sqlite_in_the_instance_folder(tmp_path):
    config = from_environment(str(tmp_path), {})
    assert config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path}/relief.db"
    assert config["SERVICE_ENV"] == "development"


def test_postgres_urls_get_the_psycopg_driver(tmp_path):
    config = from_environment(str(tmp_path), {"DATABASE_URL": "postgres://u@h/db"})
    assert config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@h/db"


def test_production_refuses_demo_secrets(tmp_path):
    config = from_environment(str(tmp_path), {"SERVICE_ENV": "production", "DATABASE_URL": "postgresql://h/db"})
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        check_production(config)


def test_production_refuses_sqlite(tmp_path):
    env = {"SERVICE_ENV": "production", "SECRET_KEY": "x" * 32, "FIELD_ENCRYPTION_KEY": "y" * 32,
           "WECHAT_SECRET": "z" * 32, "WECHAT_AES_KEY": "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"}
    with pytest.raises(ConfigError, match="PostgreSQL"):
        check_production(from_environment(str(tmp_path), env))
    check_production(from_environment(str(tmp_path), {**env, "DATABASE_URL": "postgresql://h/db"}))


def test_production_refuses_plaintext_callbacks_unless_explicitly_allowed(tmp_path):
    env = {"SERVICE_ENV": "production", "SECRET_KEY": "x" * 32, "FIELD_ENCRYPTION_KEY": "y" * 32,
           "WECHAT_SECRET": "z" * 32, "DATABASE_URL": "postgresql://h/db"}
    with pytest.raises(ConfigError, match="WECHAT_AES_KEY"):
        check_production(from_environment(str(tmp_path), env))
    check_production(from_environment(str(tmp_path), {**env, "WECHAT_ALLOW_PLAINTEXT": "true"}))
    check_production(from_environment(str(tmp_path), {**env, "WECHAT_AES_KEY": "k" * 43}))
    check_production(from_environment(str(tmp_path), {**env, "SERVICE_ENV": "development"}))


@pytest.mark.parametrize("value", ["10", "99999", "5m"])
def test_an_unreasonable_timestamp_window_stops_the_start_up(tmp_path, value):
    with pytest.raises(ConfigError, match="WECHAT_TIMESTAMP_WINDOW_SECONDS"):
        from_environment(str(tmp_path), {"WECHAT_TIMESTAMP_WINDOW_SECONDS": value})


def test_a_malformed_threshold_is_a_clear_error(tmp_path):
    from service.config import check_thresholds

    with pytest.raises(ConfigError, match="ROUTE_AUTO_CONFIDENCE"):
        check_thresholds(from_environment(str(tmp_path), {"ROUTE_AUTO_CONFIDENCE": "high"}))


@pytest.mark.parametrize("value", ["one", "-1", "9"])
def test_a_bad_proxy_hop_count_stops_the_start_up_with_the_reason(tmp_path, value):
    with pytest.raises(ConfigError, match="PROXY_HOPS"):
        from_environment(str(tmp_path), {"PROXY_HOPS": value})
    assert from_environment(str(tmp_path), {"PROXY_HOPS": "1"})["PROXY_HOPS"] == 1


def test_the_notify_workers_concurrency_and_rates_come_from_the_environment(tmp_path):
    config = from_environment(str(tmp_path), {"NOTIFY_CONCURRENCY": "32", "NOTIFY_WECHAT_RATE": "50",
                                              "NLP_WARM_UP": "0"})
    assert config["NOTIFY_CONCURRENCY"] == 32 and config["NOTIFY_WECHAT_RATE"] == 50.0
    assert config["NLP_WARM_UP"] is False and from_environment(str(tmp_path), {})["NLP_WARM_UP"] is True
    for bad in ("0", "-3", "many"):
        with pytest.raises(ConfigError, match="NOTIFY_CONCURRENCY"):
            from_environment(str(tmp_path), {"NOTIFY_CONCURRENCY": bad})


def test_the_database_pool_keeps_what_it_opens_up_to_sqlalchemys_old_peak_unless_the_county_sizes_it(tmp_path):
    # 15 held per process (SQLAlchemy's 5 + 10 overflow, no longer closed after each peak): 4 workers and the
    # notice worker fit a 2-core node's PostgreSQL default of 100; a pool per thread (32) would not
    postgres = {"DATABASE_URL": "postgresql://h/db"}
    options = from_environment(str(tmp_path), {**postgres, "GUNICORN_THREADS": "32"})["SQLALCHEMY_ENGINE_OPTIONS"]
    assert (options["pool_size"], options["max_overflow"]) == (15, 0)
    assert options["hide_parameters"] and options["pool_pre_ping"]  # a restart's killed connections are replaced
    sized = from_environment(str(tmp_path), {**postgres, "GUNICORN_THREADS": "8", "DATABASE_POOL_SIZE": "12"})
    assert (sized["SQLALCHEMY_ENGINE_OPTIONS"]["pool_size"], sized["SQLALCHEMY_ENGINE_OPTIONS"]["max_overflow"]) == (12, 0)
    with pytest.raises(ConfigError, match="DATABASE_POOL_SIZE"):
        from_environment(str(tmp_path), {**postgres, "DATABASE_POOL_SIZE": "0"})
    assert "pool_size" not in from_environment(str(tmp_path), {})["SQLALCHEMY_ENGINE_OPTIONS"]  # SQLite
    assert from_environment(str(tmp_path), {})["SQLALCHEMY_ENGINE_OPTIONS"]["pool_pre_ping"]
