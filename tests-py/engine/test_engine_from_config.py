"""engine_from_config(): a configuration mapping or configparser section
(an alembic.ini, a Pyramid .ini), its prefix stripped and its string values
converted as SQLAlchemy converts them; keyword arguments win."""

import configparser

import pytest
from cormorant import engine_from_config, text
from cormorant.engine import engine_from_config as engine_module_engine_from_config
from cormorant.exc import ArgumentError
from cormorant.pool import NullPool


def _section(url, **options):
    parser = configparser.ConfigParser()
    parser.read_dict(
        {"app:main": {"sqlalchemy.url": url, **{f"sqlalchemy.{k}": v for k, v in options.items()}}}
    )
    return parser["app:main"]


def test_exported_from_cormorant_and_cormorant_engine():
    assert engine_from_config is engine_module_engine_from_config


def test_configparser_section_with_string_options(url):
    section = _section(
        url,
        pool_size="3",
        max_overflow="0",
        pool_timeout="2.5",
        pool_recycle="3600",
        pool_pre_ping="false",
        echo="false",
        isolation_level="SERIALIZABLE",
        hide_parameters="yes",
        query_cache_size="7",
    )
    engine = engine_from_config(section)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT 1")).scalar() == 1
        assert conn.get_isolation_level() == "SERIALIZABLE"
    assert engine.pool.size() == 3 and engine.pool.timeout() == 2.5
    assert engine.pool._max_overflow == 0 and engine.pool._recycle == 3600
    assert engine.pool._pre_ping is False and engine.echo is False
    assert engine.hide_parameters is True
    assert engine._cache._size == 7
    engine.dispose()


def test_echo_debug_and_true(url):
    assert engine_from_config({"sqlalchemy.url": url, "sqlalchemy.echo": "debug"}).echo == "debug"
    assert engine_from_config({"sqlalchemy.url": url, "sqlalchemy.echo": "True"}).echo is True


def test_keyword_arguments_override_the_configuration(url):
    engine = engine_from_config(_section(url, pool_size="3"), pool_size=8, poolclass=NullPool)
    assert isinstance(engine.pool, NullPool)
    assert engine.pool.size() == 8
    engine.dispose()


def test_other_prefix_and_keys_without_it_are_left_out(url):
    engine = engine_from_config(
        {"db.url": url, "db.pool_size": "2", "sqlalchemy.pool_size": "not read"}, prefix="db."
    )
    assert engine.pool.size() == 2
    engine.dispose()


def test_a_bad_boolean_says_so(url):
    with pytest.raises(ValueError, match="String is not true/false: 'maybe'"):
        engine_from_config({"sqlalchemy.url": url, "sqlalchemy.pool_pre_ping": "maybe"})


def test_an_unknown_option_is_refused(url):
    with pytest.raises(ArgumentError, match=r"Invalid argument\(s\) 'pool_sise' sent to create_engine\(\)"):
        engine_from_config({"sqlalchemy.url": url, "sqlalchemy.pool_sise": "3"})


def test_without_a_url_names_the_key():
    with pytest.raises(ArgumentError, match="no 'sqlalchemy.url' key"):
        engine_from_config({"sqlalchemy.echo": "true"})
