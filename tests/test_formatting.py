from datetime import UTC, date, datetime, timedelta

from lib import formatting as f


def test_numbers_and_decimals_use_indonesian_separators():
    assert f.number(10408) == "10.408"
    assert f.number(None) == "–"
    assert f.number(float("nan")) == "–"
    assert f.decimal(1234.56, 1) == "1.234,6"
    assert f.percent(0.123) == "12%"
    assert f.percent(0.1234, 1) == "12,3%"


def test_durations():
    assert f.duration_minutes(45) == "45 mnt"
    assert f.duration_minutes(66) == "1,1 jam"
    assert f.duration_minutes(3000) == "2,1 hari"
    assert f.duration_seconds(None) == "–"


def test_change_against_a_baseline():
    assert f.signed_change(120, 100) == "+20%"
    assert f.signed_change(95, 100) == "−5%"
    assert f.signed_change(3, 0) == "baru"
    assert f.signed_change(None, 4) == "–"
    assert f.signed_change(459, 460) == "0%"  # a change that rounds to nothing has no sign


def test_times_carry_the_zone():
    when = datetime(2026, 11, 24, 1, 47, tzinfo=UTC)
    assert f.local_label(when, "Asia/Jakarta") == "24 Nov 08:47 WIB"
    assert f.local_label(when, "Asia/Jayapura") == "24 Nov 10:47 WIT"
    assert f.clock_label(when, "Asia/Makassar") == "09:47 WITA"
    assert f.day_label(date(2026, 11, 24), with_weekday=True) == "Selasa, 24 Nov 2026"
    assert f.ago(when - timedelta(minutes=3), when) == "3 menit lalu"


def test_money():
    from lib.formatting import money

    assert money(8.7) == "US$ 8,70"
    assert money(1234.5) == "US$ 1.234,50"
    assert money(150000, "IDR") == "Rp 150.000"
    assert money(0.005, digits=3) == "US$ 0,005"
    assert money(None) == "–"


def test_a_zone_less_time_is_read_as_utc():
    """SQLite returns stored UTC without its zone; the label must not depend on the server's zone."""
    from lib.formatting import datetime_label

    assert datetime_label(datetime(2026, 11, 24, 1, 47), "Asia/Makassar") == "24 Nov 2026 09:47 WITA"
