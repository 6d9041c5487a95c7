"""Strings as byte columns: decoded as they were, sorted and found as str would be."""

from __future__ import annotations

import random

import numpy as np

from newsreader.library.byte_columns import Positions, Texts, byte_order, column, joined


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
