"""The writing checks (interviews/lib/writing.py): for each rule, what it flags
and what it must not flag; and that no text makes any check raise."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from interviews.lib import writing
from interviews.lib.writing import answer_findings, note_findings, story_findings


def codes(findings) -> list[str]:
    return [finding.code for finding in findings]


def words(n: int, word: str = "word") -> str:
    return " ".join([word] * n)


# A story of about a minute and a half, with a long action in the first person
# and a result with a number: no finding at all.
GOOD = {
    "situation": "Our biggest client threatened to leave after three failed releases in a row. "
    + words(20, "context"),
    "task": "I had to win back their trust before the renewal in March. " + words(10, "goal"),
    "action": "I met their head of operations every week, I rewrote the release checklist "
    "and I paired with each engineer on the riskiest change. " + words(120, "detail"),
    "result": "The client renewed for two years and releases have not failed since.",
}


def story(**parts: str) -> list[writing.Finding]:
    return story_findings(**{**GOOD, **parts})


def test_a_good_story_has_no_finding():
    assert story() == []


# ---------------------------------------------------------------- empty parts


def test_it_flags_each_empty_part_once():
    findings = story(task="", result="  \n")
    empty = [f for f in findings if f.code == "empty_part"]
    assert [f.field for f in empty] == ["task", "result"]
    assert "what changed" in empty[1].message


def test_it_flags_all_four_parts_of_an_empty_story_and_nothing_else():
    findings = story_findings(situation="", task="", action="", result="")
    assert codes(findings) == ["empty_part"] * 4


def test_a_story_with_every_part_written_has_no_empty_part():
    assert "empty_part" not in codes(story(task="Fix it."))


# ---------------------------------------------------------------- small action


def test_it_flags_an_action_under_40_percent_with_its_share():
    findings = story(situation=words(100), task=words(20), action=words(30), result="Cut costs 5%.")
    (finding,) = [f for f in findings if f.code == "small_action"]
    assert finding.field == "action"
    assert "(20 % of the words)" in finding.message
    assert "say more about what you did" in finding.message


def test_an_action_of_40_percent_or_more_is_fine():
    assert "small_action" not in codes(
        story(situation=words(30), task=words(28), action=words(40), result="Saved money.")
    )


def test_an_empty_action_is_the_empty_part_rule_not_the_share():
    assert codes(story(action="")).count("small_action") == 0


# ---------------------------------------------------------------- we, not I


def test_it_flags_we_far_more_than_i_in_the_action():
    findings = story(action="We planned it, our team built it and we shipped it. " + words(120))
    (finding,) = [f for f in findings if f.code == "we_not_i"]
    assert finding.field == "action"
    assert "(3 against 0)" in finding.message


def test_we_counts_without_case_and_i_words_balance_it():
    assert "we_not_i" in codes(writing.we_not_i("WE did it. Our plan. Us too.", "action"))
    assert writing.we_not_i("We did it, our plan, and I led it: my call.", "action") == []


def test_we_in_the_situation_only_is_fine():
    assert "we_not_i" not in codes(story(situation="We were late, our client was angry, we lost."))


def test_a_single_we_is_fine():
    assert writing.we_not_i("We agreed and then it was done.", "action") == []


def test_the_country_in_capitals_is_not_us():
    assert writing.we_not_i("The US office and the US clients.", "action") == []


def test_words_containing_we_are_not_we():
    assert writing.we_not_i("Weekly west owls weave usual user weights.", "action") == []


# ---------------------------------------------------------------- result without change


def test_it_flags_a_result_with_no_number_and_no_change():
    (finding,) = story(result="It went well and everyone was happy.")
    assert finding.code == "result_without_change"
    assert finding.field == "result"


def test_a_result_with_a_digit_number_word_percent_or_currency_is_fine():
    for result in (
        "Churn went to 3 a month.",
        "Two customers stayed.",
        "Churn fell by half.",
        "Margin up by a few %.",
        "It made £ for the firm.",
        "It earned them ¥ and €.",
    ):
        assert writing.result_without_change(result) == [], result


def test_a_result_with_a_change_verb_is_fine():
    for result in ("We reduced the backlog.", "Support tickets decreased.", "We launched."):
        assert writing.result_without_change(result) == [], result


def test_a_figure_in_the_measurable_result_counts_for_the_result():
    assert writing.result_without_change("The board was pleased.", "live 2 days early") == []
    assert writing.result_without_change("The board was pleased.", "") != []
    assert writing.result_without_change("The board was pleased.", "a good outcome") != []
    findings = writing.story_findings(
        situation="s",
        task="t",
        action="I did it",
        result="The board was pleased.",
        measurable_result="cut churn 12 %",
    )
    assert "result_without_change" not in [f.code for f in findings]


def test_an_empty_result_is_the_empty_part_rule():
    assert writing.result_without_change("") == []


# ---------------------------------------------------------------- speaking time


def test_it_flags_a_story_under_a_minute():
    findings = story_findings(situation="A.", task="B.", action=words(30), result="Cut 5%.")
    (finding,) = [f for f in findings if f.code == "too_short"]
    assert "About 15 seconds" in finding.message


def test_it_flags_a_story_over_two_and_a_half_minutes():
    findings = story(action=words(400))
    (finding,) = [f for f in findings if f.code == "too_long"]
    assert "under two minutes" in finding.message


def test_one_to_two_and_a_half_minutes_is_fine():
    assert writing.speaking_time(words(140)) == []  # one minute
    assert writing.speaking_time(words(350)) == []  # two and a half
    assert codes(writing.speaking_time(words(138))) == ["too_short"]
    assert codes(writing.speaking_time(words(352))) == ["too_long"]


# ---------------------------------------------------------------- written answers


def test_an_empty_answer_has_no_finding():
    assert answer_findings("") == []
    assert answer_findings(" \n ") == []


def test_an_answer_gets_speaking_time_and_we_not_i_over_the_whole_text():
    findings = answer_findings("We did it and our team loved it.")
    assert codes(findings) == ["we_not_i", "too_short"]
    assert "this answer" in findings[0].message


def test_a_first_person_answer_of_a_good_length_has_no_finding():
    assert answer_findings("I led the migration. " + words(200)) == []


# ---------------------------------------------------------------- notes

NOTE = (
    "Dear Dana,\n\nThank you for talking with me about the analyst role. "
    "Your point about the churn dashboard stayed with me.\n\nBest regards,\nAlex"
)
DEBRIEF = "Dana asked about the churn dashboard and the quarterly forecast."


def note(body: str = NOTE, **kwargs) -> list[writing.Finding]:
    defaults = {"subject": "Thank you", "interviewer_name": "Dana Scully", "debrief": DEBRIEF}
    kwargs = {**defaults, **kwargs}
    return note_findings(body=body, **kwargs)


def test_a_good_note_has_no_finding():
    assert note() == []


def test_an_empty_note_has_no_finding():
    assert note("", subject="[subject]", other_notes=[""]) == []


# placeholders


def test_it_flags_a_placeholder_in_the_body_and_the_subject():
    findings = note(NOTE + "\n[One specific thing from our conversation]", subject="Re [role]")
    placeholder = [f for f in findings if f.code == "placeholder"]
    assert [f.field for f in placeholder] == ["subject", "body"]
    assert "“[One specific thing from our conversation]”" in placeholder[1].message


def test_a_footnote_mark_or_empty_brackets_are_not_placeholders():
    assert note(NOTE + " See [1] and [].") == []


# demanding


def test_it_flags_demanding_wording_quoting_the_phrase():
    for phrase in (
        "please let me know by Friday",
        "I expect to hear back",
        "I'd expect an answer",
        "When can I start?",
        "Please confirm receipt.",
        "Just checking in on my application.",
        "Reply as soon as possible.",
        "Let me know ASAP.",
        "I\u2019m expecting your answer",
    ):
        findings = [f for f in note(NOTE + " " + phrase) if f.code == "demanding"]
        assert len(findings) == 1, phrase
        assert "“" in findings[0].message and "pressing" in findings[0].message


def test_demanding_quotes_the_words_found():
    findings = note(NOTE + " Please LET ME KNOW\nBY Friday.")
    (finding,) = [f for f in findings if f.code == "demanding"]
    assert "“LET ME KNOW BY”" in finding.message


def test_near_misses_are_not_demanding():
    for text in (
        "I expected the question on forecasting.",
        "You let me know about the bylaws.",
        "I confirmed my interest.",
        "Please give my thanks to the team.",
        "I hope to hear from you soon.",
    ):
        assert "demanding" not in codes(note(NOTE + " " + text)), text


# money


def test_it_flags_salary_pay_and_benefits():
    for text in (
        "What is the salary?",
        "Is the pay negotiable?",
        "The benefits sound good.",
        "Is there a bonus or equity?",
        "What about the pension and compensation?",
    ):
        assert "money" in codes(note(NOTE + " " + text)), text


def test_money_quotes_the_words_found():
    (finding,) = [f for f in note(NOTE + " The Salary and PAY.") if f.code == "money"]
    assert "“Salary”, “PAY”" in finding.message


def test_near_misses_are_not_money():
    for text in (
        "I will pay attention to the details you mentioned.",
        "You pay close attention to your users.",
        "The hard work will pay off.",
        "We discussed the benefits of pair programming.",
        "Your work on diversity, equity and inclusion impressed me.",
        "Meeting the team was a bonus.",
        "Payment systems and payroll data were new to me.",
        "The repayment plan.",
    ):
        assert "money" not in codes(note(NOTE + " " + text)), text


# apologies


def test_it_flags_apologies_and_excuses():
    for text in (
        "Sorry for the late reply.",
        "I apologize for rambling.",
        "I apologise.",
        "I was so nervous.",
        "There is no excuse.",
    ):
        assert "apology" in codes(note(NOTE + " " + text)), text


def test_near_misses_are_not_apologies():
    for text in (
        "I was not nervous at all.",
        "Your nervous system analogy was apt.",
        "The excursion sounds fun.",
    ):
        assert "apology" not in codes(note(NOTE + " " + text)), text


# long notes


def test_it_flags_a_note_over_200_words():
    body = "Dear Dana,\n" + words(198, "churn") + " dashboard"
    assert writing.long_note(body) != []
    (finding,) = [f for f in note(body) if f.code == "long_note"]
    assert "201 words" in finding.message


def test_a_200_word_note_is_fine():
    assert writing.long_note("Dear Dana,\n" + words(198)) == []


# addressed by name


def test_it_flags_a_note_not_greeting_the_interviewer():
    (finding,) = [f for f in note(NOTE.replace("Dear Dana", "Hello")) if f.code == "not_addressed"]
    assert "Dana Scully" in finding.message


def test_a_name_later_in_the_note_does_not_count_as_the_greeting():
    assert "not_addressed" in codes(note("Hello,\n\nThanks, Dana, for the churn dashboard."))


def test_surname_title_and_unicode_names_are_addressed():
    assert writing.not_addressed("Dear Dr Chen,\nThanks.", "Wei Chen") == []
    assert writing.not_addressed("Dear Zoë,", "Zoë Kravitz") == []
    assert writing.not_addressed("Dear Zoe,", "Zoë Kravitz") == []
    assert writing.not_addressed("Dear Ōtsuka-san,", "Haruki Ōtsuka") == []
    assert writing.not_addressed("\n\n  Hi mary-jane,", "Mary-Jane Watson") == []
    assert writing.not_addressed("Dear Mr O\u2019Brien,", "Sean O'Brien") == []


def test_unicode_names_missing_from_the_greeting_are_flagged():
    assert writing.not_addressed("Dear Zoe,", "Haruki Ōtsuka") != []
    assert writing.not_addressed("Dear Dr Wong,", "Wei Chen") != []


def test_no_name_skips_the_rule():
    assert writing.not_addressed("Hello,", "") == []
    assert "not_addressed" not in codes(note("Hello,\n\nchurn dashboard", interviewer_name=""))


# nothing specific


def test_it_flags_a_note_sharing_no_topic_with_the_debrief():
    body = "Dear Dana,\n\nThank you for the interview today. I really enjoyed our conversation."
    (finding,) = [f for f in note(body) if f.code == "nothing_specific"]
    assert "one specific thing" in finding.message


def test_the_interviewer_name_and_ignored_words_are_not_a_topic():
    body = "Dear Dana Scully,\n\nThank you. Fabrikam sounds friendly."
    debrief = "Scully at Fabrikam was friendly."
    assert "nothing_specific" not in codes(note(body, debrief=debrief))
    assert "nothing_specific" in codes(note(body, debrief="Scully and Dana Scully were kind."))
    assert "nothing_specific" in codes(note(body, debrief="Fabrikam", ignore=["Fabrikam"]))


def test_a_shared_word_ignores_case_plural_and_accents():
    assert writing.nothing_specific("Your DASHBOARD.", DEBRIEF) == []
    assert writing.nothing_specific("the forecasts", DEBRIEF) == []
    assert writing.nothing_specific("café culture", "the cafe culture") == []


def test_no_debrief_skips_the_rule():
    assert writing.nothing_specific("Thank you.", "") == []


# near copies


def test_it_flags_a_near_copy_of_another_note():
    other = NOTE.replace("Dana", "Raj").replace("stayed with me", "stays with me")
    (finding,) = [f for f in note(other_notes=[other]) if f.code == "near_copy"]
    assert finding.message == (
        "This note is almost the same as another note of this round: "
        "make each one specific to the person."
    )


def test_a_short_copy_with_only_the_name_changed_is_a_copy():
    assert writing.near_copy("Dear Dana, thanks so much!", ["Dear Raj Patel, thanks so much!"])


def test_different_notes_are_not_copies():
    other = (
        "Dear Raj,\n\nThank you for showing me the data pipeline and the on-call rota. "
        "I liked how the team reviews incidents.\n\nBest regards,\nAlex"
    )
    assert writing.near_copy(NOTE, [other, "", "   "]) == []
    assert writing.near_copy(NOTE, []) == []


# ---------------------------------------------------------------- any input


@settings(max_examples=200, deadline=None)
@given(
    st.text(),
    st.text(),
    st.text(),
    st.text(),
    st.lists(st.text(), max_size=3),
)
def test_no_text_makes_a_check_raise_and_every_finding_says_something(a, b, c, d, others):
    findings = [
        *story_findings(situation=a, task=b, action=c, result=d),
        *answer_findings(a),
        *note_findings(subject=a, body=b, interviewer_name=c, debrief=d, other_notes=others),
    ]
    assert all(isinstance(f, writing.Finding) and f.message.strip() for f in findings)
