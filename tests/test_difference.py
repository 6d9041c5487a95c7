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


WIRE = [
    "The council approved the new bridge over the river on Tuesday after a long debate.",
    "Work will start in the spring and should take two years, the mayor said.",
    "Residents had asked for a crossing for more than a decade.",
    "The cost is expected to reach 40 million, paid by the region and the state.",
]


def test_a_trimmed_copy_has_all_its_text_in_common_and_is_a_copy() -> None:
    d = difference("Bridge approved", WIRE, "Bridge approved", WIRE[:2])
    assert d.in_common == 1.0
    assert d.relation == "copy"
    assert d.sentences_removed == tuple(WIRE[2:])


def test_a_rewrite_shares_part_of_its_text() -> None:
    rewritten = [
        "Our town finally gets its bridge: councillors voted for it last night.",
        WIRE[1],
        "Shops near the old ferry expect more customers once it opens.",
    ]
    d = difference("Bridge approved", WIRE, "Town gets its bridge", rewritten)
    assert 0.2 < d.in_common < 0.8
    assert d.relation == "rewrite"
    assert d.sentences_added == (rewritten[0], rewritten[2])
