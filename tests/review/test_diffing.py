"""Word-level diffs for the coach's "changed since the last review"."""

from interviews.lib.diffing import response_changes, tokens, word_diff


def test_tokens_keep_the_text_whole():
    text = "Line one,\n  line two.\t End"
    assert "".join(tokens(text)) == text


def test_added_words_are_marked_as_inserted():
    assert word_diff("I will ask", "I will ask about the team") == (
        "I will ask<ins> about the team</ins>"
    )


def test_removed_words_are_marked_as_deleted():
    assert word_diff("I will ask about budgets", "I will ask") == (
        "I will ask<del> about budgets</del>"
    )


def test_a_replaced_word_shows_both_sides():
    assert word_diff("the team budget", "the team roadmap") == (
        "the team <del>budget</del><ins>roadmap</ins>"
    )


def test_equal_texts_have_no_marks():
    html = word_diff("Nothing changed here", "Nothing changed here")
    assert html == "Nothing changed here"
    assert "<ins>" not in html and "<del>" not in html


def test_everything_is_escaped():
    html = word_diff("<b>old</b>", "<i>new</i> & more")
    assert "<b>" not in html and "<i>" not in html
    assert "&lt;" in html and "&gt;" in html
    assert "<ins>new</ins>" in html
    assert "&amp;" in html


def test_from_empty_everything_is_inserted():
    assert word_diff("", "Fresh answer") == "<ins>Fresh answer</ins>"


def test_response_changes_lists_only_changed_fields_of_an_email():
    old = {"email_to": "a@example.com", "email_subject": "Thanks", "email_body": "Dear Pat"}
    new = {**old, "email_body": "Dear Pat, thank you"}
    changes = response_changes("email", old, new)
    assert [c.label for c in changes] == ["Body"]
    assert "<ins>" in changes[0].html


def test_response_changes_of_a_task_show_the_tick():
    changes = response_changes(
        "check", {"done": False, "response_text": ""}, {"done": True, "response_text": ""}
    )
    assert [c.label for c in changes] == ["Task"]
    assert changes[0].html == "<del>Not done</del> <ins>Done</ins>"


def test_response_changes_are_empty_when_nothing_changed():
    same = {"response_text": "Same"}
    assert response_changes("text", same, same) == []


def test_punctuation_changes_do_not_mark_the_whole_word():
    assert word_diff("which dashboards would I own?", "which dashboards would I own.") == (
        "which dashboards would I own<del>?</del><ins>.</ins>"
    )
