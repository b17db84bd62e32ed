"""The app's pages, by role: /coach/… for coaches, /me/… for candidates.

Every pattern here must have its row in tests/matrix/test_permissions.py.
"""

from django.urls import include, path

from .views import (
    accounts,
    brief,
    calendar,
    caseload,
    checklists,
    files,
    home,
    library,
    notifications,
    outcomes,
    practices,
    privacy,
    rehearsal,
    review,
    rounds,
    stories,
)

coach_patterns = [
    path("", home.dashboard, name="dashboard"),
    # Each card of the dashboard as a whole list; one name, reversed with card=.
    *(
        path(f"dashboard/{card}/", home.dashboard_list, {"card": card}, name="dashboard_list")
        for card in home.DASHBOARD_CARDS
    ),
    # Candidates
    path("candidates/", caseload.candidate_list, name="candidate_list"),
    path("candidates/new/", caseload.candidate_create, name="candidate_create"),
    path("candidates/<int:pk>/", caseload.candidate_detail, name="candidate_detail"),
    path("candidates/<int:pk>/edit/", caseload.candidate_edit, name="candidate_edit"),
    path("candidates/<int:pk>/archive/", caseload.candidate_archive, name="candidate_archive"),
    path("candidates/<int:pk>/restore/", caseload.candidate_restore, name="candidate_restore"),
    path("candidates/<int:pk>/invite/", caseload.candidate_invite, name="candidate_invite"),
    path("candidates/<int:pk>/data.zip", privacy.candidate_export, name="candidate_export"),
    path("candidates/<int:pk>/erase/", privacy.candidate_erase, name="candidate_erase"),
    # Opportunities and rounds
    path(
        "candidates/<int:pk>/opportunities/new/",
        caseload.opportunity_create,
        name="opportunity_create",
    ),
    path("opportunities/<int:pk>/", caseload.opportunity_detail, name="opportunity_detail"),
    path("opportunities/<int:pk>/edit/", caseload.opportunity_edit, name="opportunity_edit"),
    path("opportunities/<int:pk>/rounds/new/", rounds.round_create, name="round_create"),
    path("rounds/<int:pk>/", rounds.coach_round_detail, name="round_detail"),
    path("rounds/<int:pk>/edit/", rounds.round_edit, name="round_edit"),
    path("rounds/<int:pk>/brief/", brief.coach_brief, name="round_brief"),
    path("rounds/<int:pk>/brief.pdf", brief.coach_brief_pdf, name="round_brief_pdf"),
    path("rounds/<int:pk>/round.ics", calendar.coach_round_ics, name="round_ics"),
    path(
        "rounds/<int:pk>/interviewers/new/",
        rounds.coach_interviewer_add,
        name="interviewer_add",
    ),
    path("interviewers/<int:pk>/edit/", rounds.coach_interviewer_edit, name="interviewer_edit"),
    path(
        "interviewers/<int:pk>/remove/",
        rounds.coach_interviewer_remove,
        name="interviewer_remove",
    ),
    path("notes/<int:pk>/check/", rounds.note_check, name="note_check"),
    path(
        "asked/<int:pk>/add-to-bank/",
        rounds.asked_question_add_to_bank,
        name="asked_question_add_to_bank",
    ),
    # Question bank
    path("questions/", library.question_list, name="question_list"),
    path("questions/new/", library.question_create, name="question_create"),
    path("questions/<int:pk>/edit/", library.question_edit, name="question_edit"),
    path("questions/<int:pk>/retire/", library.question_retire, name="question_retire"),
    path("questions/<int:pk>/restore/", library.question_restore, name="question_restore"),
    path("questions/<int:pk>/copy/", library.question_copy, name="question_copy"),
    path("questions/<int:pk>/share/", library.question_share, name="question_share"),
    # Checklist templates
    path("templates/", library.template_list, name="template_list"),
    path("templates/new/", library.template_create, name="template_create"),
    path("templates/<int:pk>/", library.template_detail, name="template_detail"),
    path("templates/<int:pk>/edit/", library.template_edit, name="template_edit"),
    path("templates/<int:pk>/copy/", library.template_copy, name="template_copy"),
    path("templates/<int:pk>/share/", library.template_share, name="template_share"),
    # Assignments
    path("assignments/new/", checklists.assignment_create, name="assignment_create"),
    path(
        "assignments/<int:pk>/withdraw/", checklists.assignment_withdraw, name="assignment_withdraw"
    ),
    path("assignments/<int:pk>/", review.assignment_detail, name="assignment_detail"),
    path("assignments/<int:pk>/review/", review.assignment_review, name="assignment_review"),
    path("assignments/<int:pk>/update/", review.assignment_update, name="assignment_update"),
    path("assignments/<int:pk>/remind/", review.assignment_remind, name="assignment_remind"),
    path("items/<int:pk>/comment/", review.item_comment, name="item_comment"),
    # Stories: the candidate writes them; the coach comments and marks one strong
    path("stories/<int:pk>/", stories.coach_story, name="story"),
    path("stories/<int:pk>/comment/", stories.coach_story_comment, name="story_comment"),
    path("files/<int:pk>/", files.coach_file, name="file"),
    path("takes/<int:pk>/", rehearsal.coach_take, name="take"),
    path("takes/<int:pk>/comment/", rehearsal.coach_take_comment, name="take_comment"),
    path("stories/<int:pk>/strong/", stories.coach_story_strong, name="story_strong"),
    path(
        "candidates/<int:pk>/story-tags/new/",
        stories.coach_story_tag_create,
        name="story_tag_create",
    ),
    # Outcomes over time, and the caseload as a spreadsheet
    path("outcomes/", outcomes.coach_outcomes, name="outcomes"),
    path("export.csv", outcomes.coach_export, name="export"),
]

# A team of coaches. Everything but the home page is the lead's; the lead
# reads other coaches' candidates here, never through /coach/.
practice_patterns = [
    path("", practices.home, name="home"),
    path("new/", practices.practice_create, name="create"),
    path("rename/", practices.practice_rename, name="rename"),
    path("members/", practices.members, name="members"),
    path("members/invite/", practices.member_invite, name="member_invite"),
    path("members/<int:pk>/role/", practices.member_role, name="member_role"),
    path("members/<int:pk>/remove/", practices.member_remove, name="member_remove"),
    path(
        "invitations/<int:pk>/cancel/",
        practices.invitation_cancel,
        name="invitation_cancel",
    ),
    path("candidates/", practices.candidates, name="candidates"),
    path("candidates/<int:pk>/", practices.candidate_detail, name="candidate"),
    path(
        "candidates/<int:pk>/reassign/",
        practices.candidate_reassign,
        name="candidate_reassign",
    ),
    path("assignments/<int:pk>/", practices.assignment_detail, name="assignment"),
    path("stories/<int:pk>/", stories.lead_story, name="story"),
    path("files/<int:pk>/", files.lead_file, name="file"),
    path("takes/<int:pk>/", rehearsal.lead_take, name="take"),
    path("outcomes/", outcomes.practice_outcomes, name="outcomes"),
    path("export.csv", outcomes.practice_export, name="export"),
]

candidate_patterns = [
    path("", home.home, name="home"),
    path("checklists/<int:pk>/", checklists.checklist, name="checklist"),
    path("checklists/<int:pk>/autosave/", checklists.checklist_autosave, name="checklist_autosave"),
    path("items/<int:pk>/comment/", checklists.item_comment, name="item_comment"),
    path("items/<int:pk>/email-sent/", checklists.item_email_sent, name="item_email_sent"),
    path("files/<int:pk>/", files.candidate_file, name="file"),
    path("items/<int:pk>/rehearse/", rehearsal.item_rehearse, name="item_rehearse"),
    path("stories/<int:pk>/rehearse/", rehearsal.story_rehearse, name="story_rehearse"),
    path("takes/<int:pk>/", rehearsal.candidate_take, name="take"),
    path("takes/<int:pk>/for-coach/", rehearsal.take_for_coach_mark, name="take_for_coach"),
    path("takes/<int:pk>/delete/", rehearsal.take_delete, name="take_delete"),
    path("rounds/past/", rounds.candidate_past_rounds, name="past_rounds"),
    # The story bank
    path("stories/", stories.story_list, name="stories"),
    path("stories/new/", stories.story_create, name="story_create"),
    path("stories/<int:pk>/", stories.story_detail, name="story"),
    path("stories/<int:pk>/edit/", stories.story_edit, name="story_edit"),
    path("stories/<int:pk>/archive/", stories.story_archive, name="story_archive"),
    path("stories/<int:pk>/restore/", stories.story_restore, name="story_restore"),
    path("stories/<int:pk>/copy/", stories.story_copy, name="story_copy"),
    path("stories/<int:pk>/comment/", stories.story_comment, name="story_comment"),
    path("rounds/<int:pk>/", rounds.candidate_round_detail, name="round"),
    path("rounds/<int:pk>/brief/", brief.candidate_brief, name="round_brief"),
    path("rounds/<int:pk>/brief.pdf", brief.candidate_brief_pdf, name="round_brief_pdf"),
    path("rounds/<int:pk>/round.ics", calendar.candidate_round_ics, name="round_ics"),
    path("rounds/<int:pk>/debrief/", rounds.round_debrief, name="round_debrief"),
    path("rounds/<int:pk>/outcome/", rounds.round_outcome, name="round_outcome"),
    path("rounds/<int:pk>/notes/", rounds.notes_save, name="notes_save"),
    path("rounds/<int:pk>/notes/prepare/", rounds.notes_prepare, name="notes_prepare"),
    path("rounds/<int:pk>/notes/other/", rounds.note_add_other, name="note_add_other"),
    path(
        "rounds/<int:pk>/interviewers/new/",
        rounds.candidate_interviewer_add,
        name="interviewer_add",
    ),
    path(
        "interviewers/<int:pk>/edit/",
        rounds.candidate_interviewer_edit,
        name="interviewer_edit",
    ),
    path(
        "interviewers/<int:pk>/remove/",
        rounds.candidate_interviewer_remove,
        name="interviewer_remove",
    ),
]

urlpatterns = [
    path("accounts/profile/", accounts.profile, name="profile"),
    path("accounts/profile/time-zone/", accounts.time_zone_use, name="time_zone_use"),
    path("accounts/data.zip", privacy.my_data_export, name="my_data_export"),
    path("accounts/delete/", privacy.account_delete, name="account_delete"),
    path("accounts/sessions/end-others/", accounts.sessions_end_others, name="sessions_end_others"),
    path(
        "accounts/notifications/", notifications.notification_settings, name="notification_settings"
    ),
    path(
        "accounts/calendar/replace/",
        calendar.calendar_token_replace,
        name="calendar_token_replace",
    ),
    path("notifications/", notifications.notification_list, name="notifications"),
    path(
        "notifications/read-all/",
        notifications.notifications_read_all,
        name="notifications_read_all",
    ),
    path("notifications/<int:pk>/open/", notifications.notification_open, name="notification_open"),
    # Public: the signed token is the credential (no login needed).
    path("notifications/unsubscribe/<token:token>/", notifications.unsubscribe, name="unsubscribe"),
    path("calendar/<token:token>.ics", calendar.calendar_feed, name="calendar_feed"),
    # Public: the single-use token is the credential; joining needs a coach login.
    path("practice/join/<token:token>/", practices.join, name="practice_join"),
    path("practice/", include((practice_patterns, "practice"))),
    path("coach/", include((coach_patterns, "coach"))),
    path("me/", include((candidate_patterns, "me"))),
]
