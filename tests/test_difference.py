"""What differs between two versions of a story."""

from __future__ import annotations

from pathlib import Path

from newsreader.difference import Difference, difference, sentences

SEED = Path(__file__).parents[1] / "seeds" / "000_e213fecfa28b599e.txt"


def mint_pair() -> tuple[tuple[str, list[str]], tuple[str, list[str]]]:
    """The seed's two Mint stories: title and one-line body of each."""
    lines = SEED.read_text(encoding="utf-8").split("\n")
    at = [i for i, line in enumerate(lines) if line.startswith("Trump Rattles Latin America")]
    first, second = at[2], at[5]  # the title over each body
    return (lines[first], [lines[first + 2]]), (lines[second], [lines[second + 2]])


def test_mint_pair_headline_words() -> None:
    (a_title, a_body), (b_title, b_body) = mint_pair()
    d = difference(a_title, a_body, b_title, b_body)
    assert d.title_removed == ("Weighing", "Using")
    assert d.title_added == ("Exploring", "Use", "of")


def test_mint_pair_one_sentence_replaced() -> None:
    (a_title, a_body), (b_title, b_body) = mint_pair()
    d = difference(a_title, a_body, b_title, b_body)
    assert d.sentences_added == (
        "Spokespeople at the White House and Pentagon declined to comment.",
    )
    assert d.sentences_removed[-1] == "A Pentagon spokesperson declined to comment."
    assert all(s in a_body[0] for s in d.sentences_removed)


def test_identical_versions_differ_in_nothing() -> None:
    assert difference("A b", ["One. Two."], "A b", ["One.  Two."]) == Difference((), (), (), ())


def test_a_moved_sentence_is_not_a_difference() -> None:
    d = difference(
        "T", ["First one here. Second one here."], "T", ["Second one here.", "First one here."]
    )
    assert d == Difference((), (), (), ())


def test_trimmed_ending_shows_as_removed() -> None:
    d = difference("T", ["Kept here. Cut here."], "T", ["Kept here."])
    assert d.sentences_removed == ("Cut here.",)
    assert d.sentences_added == ()


def test_sentences_keep_titles_initials_and_quotes_together() -> None:
    text = (
        "Sen. Lindsey Graham met U.S. officials in Washington, D.C. on Monday. 'It went well.' Then"
    )
    assert sentences([text]) == [
        "Sen. Lindsey Graham met U.S. officials in Washington, D.C. on Monday.",
        "'It went well.'",
        "Then",
    ]
