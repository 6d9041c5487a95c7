"""Strings as byte columns: decoded as they were, sorted and found as str would be."""

from __future__ import annotations

import random

import numpy as np

from newsreader.library.byte_columns import (
    Positions,
    Texts,
    byte_order,
    column,
    joined,
    time_keys,
)


def some_strings(count: int, seed: int) -> list[str]:
    """Strings of every length up to 20, sharing prefixes, some not ASCII."""
    chance = random.Random(seed)
    letters = "ab0Zé€z"
    return [
        "".join(chance.choice(letters) for _ in range(chance.randint(0, 20))) for _ in range(count)
    ]


def test_a_column_reads_back_its_strings() -> None:
    values = some_strings(300, seed=1)
    texts = Texts(column(values))
    assert list(texts) == values
    assert [texts[n] for n in range(len(values))] == values
    assert texts[5:9] == values[5:9]


def test_byte_order_sorts_as_str_does() -> None:
    values = some_strings(2000, seed=2)
    order = byte_order(column(values)).tolist()
    assert order == sorted(range(len(values)), key=values.__getitem__)


def test_columns_of_other_widths_join() -> None:
    joined_up = joined([column(["a", "bbbbbbbbbbbb"]), column(["ccc"]), column([])])
    assert list(Texts(joined_up)) == ["a", "bbbbbbbbbbbb", "ccc"]


def test_positions_find_each_string_where_a_dict_would() -> None:
    values = some_strings(1000, seed=3)
    expected = {value: number for number, value in enumerate(values)}  # the last one wins
    positions = Positions(column(values))
    assert len(positions) == len(expected)
    assert all(positions[value] == number for value, number in expected.items())
    assert sorted(positions) == sorted(expected)
    for missing in ("nope", "a" * 40, "ab\0"):
        assert missing not in positions and positions.get(missing, -7) == -7
    keys = column([values[3], "nope", values[999]])
    assert positions.locate(keys).tolist() == [expected[values[3]], -1, expected[values[999]]]


def test_no_strings_at_all() -> None:
    positions = Positions(column([]))
    assert len(positions) == 0 and "a" not in positions
    assert positions.locate(column(["a"])).tolist() == [-1]
    assert byte_order(column([])).tolist() == []
    assert np.array_equal(Texts(column([])).values, column([]))


def some_times(count: int, seed: int) -> list[str]:
    """ISO 8601 UTC times as the importer stores them, and "9999" for undated stories."""
    chance = random.Random(seed)
    return [
        "9999"
        if chance.random() < 0.1
        else f"{chance.randint(1990, 2030)}-{chance.randint(1, 12):02}-{chance.randint(1, 28):02}"
        f"T{chance.randint(0, 23):02}:{chance.randint(0, 59):02}:{chance.randint(0, 59):02}Z"
        for _ in range(count)
    ]


def order_by(keys: list[np.ndarray]) -> list[int]:
    return np.lexsort(keys[::-1]).tolist()  # type: ignore[no-any-return]


def test_times_sort_as_their_text_does() -> None:
    values = some_times(2000, seed=4)
    keys = time_keys(column(values))
    assert len(keys) == 1  # one number each
    assert order_by(keys) == sorted(range(len(values)), key=values.__getitem__)


def test_times_of_another_shape_sort_by_their_bytes() -> None:
    values = [*some_times(200, seed=5), "2026-12-03T10:00:00+01", "", "2026-12-03"]
    keys = time_keys(column(values))
    assert len(keys) > 1
    assert order_by(keys) == sorted(range(len(values)), key=values.__getitem__)


def test_strings_sharing_their_first_eight_bytes_are_told_apart() -> None:
    values = ["prefix00b", "prefix00", "prefix00a", "prefix00b", "prefix01", "p"]
    positions = Positions(column(values))
    assert [positions[v] for v in ("prefix00", "prefix00a", "prefix00b", "prefix01", "p")] == [
        1,
        2,
        3,
        4,
        5,
    ]
    assert "prefix00c" not in positions and "prefix0" not in positions
    keys = column(["prefix00a", "prefix00c", "prefix00b", "prefix00"])
    assert positions.locate(keys).tolist() == [2, -1, 3, 1]


def test_many_keys_at_once_are_found_as_one_at_a_time() -> None:
    values = some_strings(6000, seed=5)
    expected = {value: number for number, value in enumerate(values)}
    positions = Positions(column(values))
    wanted = [*some_strings(3000, seed=6), *values[::2], "x" * 30]
    random.Random(7).shuffle(wanted)
    assert len(wanted) >= 4096  # searched sorted
    assert positions.locate(column(wanted)).tolist() == [expected.get(k, -1) for k in wanted]


def test_strings_of_one_length_make_the_same_column() -> None:
    for values in (["ab12", "cd34", "ef56"], ["abé", "cde"], ["a\0", "bc"], ["", ""], ["x"]):
        made = column(iter(values))
        assert made.tolist() == np.array([v.encode() for v in values], np.bytes_).tolist()
        assert made.dtype == np.array([v.encode() for v in values], np.bytes_).dtype
