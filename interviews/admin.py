from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from .models import (
    AnswerRevision,
    AskedQuestion,
    Assignment,
    AssignmentItem,
    BriefPdf,
    Candidate,
    ChecklistTemplate,
    Comment,
    Interviewer,
    InterviewRound,
    Invitation,
    ItemFile,
    ItemFileEvent,
    ItemStory,
    Notification,
    NotificationPreference,
    Opportunity,
    OutgoingEmail,
    Practice,
    PracticeInvitation,
    PracticeMembership,
    Question,
    RehearsalTake,
    ReminderSweep,
    Review,
    Story,
    StoryComment,
    StoryRevision,
    StoryTag,
    SubmittedStory,
    TemplateItem,
    ThankYouNote,
    ThrottleHit,
    User,
)

# The admin is for looking things up and fixing plain data. State changes go
# through services/, which checks the rules, bumps versions and sends the
# emails, so the fields those services own are read-only here; and the audit
# trail (answer revisions, reviews, comments) can be read but never written.


class ViewOnlyMixin:
    """For ModelAdmins and inlines of audit rows: shown, never added, changed or deleted."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "role", "is_staff", "is_active", "date_joined"]
    list_filter = ["role", "is_staff", "is_active"]
    search_fields = ["email", "full_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Profile", {"fields": ["full_name", "role", "time_zone"]}),
        (
            "Permissions",
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": ["email", "full_name", "role", "password1", "password2"],
            },
        )
    ]


class InvitationInline(admin.TabularInline):
    model = Invitation
    extra = 0
    fields = ["created_at", "expires_at", "sent_at", "accepted_at", "revoked_at"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        # services.caseload.invitation_create makes the token and sends the email.
        return False


@admin.register(Candidate)
class CandidateAdmin(admin.ModelAdmin):
    list_display = ["full_name", "email", "coach", "user", "archived", "created_at"]
    list_filter = ["archived"]
    search_fields = ["full_name", "email", "coach__email"]
    list_select_related = ["coach", "user"]
    raw_id_fields = ["coach"]
    # Linked by services.caseload.invitation_accept; linking here would hand a login the
    # candidate's checklists without an invitation.
    readonly_fields = ["user", "created_at", "updated_at"]
    inlines = [InvitationInline]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["candidate", "created_at", "expires_at", "accepted_at", "revoked_at"]
    list_select_related = ["candidate"]
    search_fields = ["candidate__email", "candidate__full_name"]
    readonly_fields = ["token_hash", "created_at", "sent_at", "accepted_at", "revoked_at"]
    raw_id_fields = ["candidate"]

    def has_add_permission(self, request):
        # services.caseload.invitation_create makes the token and sends the email; a row
        # added here would have no token anyone could accept.
        return False


class PracticeMembershipInline(admin.TabularInline):
    model = PracticeMembership
    extra = 0
    fields = ["user", "role", "joined_at"]
    raw_id_fields = ["user"]


@admin.register(Practice)
class PracticeAdmin(admin.ModelAdmin):
    list_display = ["name", "created_at"]
    search_fields = ["name", "memberships__user__email"]
    inlines = [PracticeMembershipInline]


@admin.register(PracticeMembership)
class PracticeMembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "practice", "role", "joined_at"]
    list_filter = ["role"]
    list_select_related = ["user", "practice"]
    search_fields = ["user__email", "practice__name"]
    raw_id_fields = ["user", "practice"]


@admin.register(PracticeInvitation)
class PracticeInvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "practice", "created_at", "expires_at", "accepted_at", "revoked_at"]
    list_select_related = ["practice"]
    search_fields = ["email", "practice__name"]
    readonly_fields = ["token_hash", "created_at", "accepted_at", "revoked_at", "invited_by"]
    raw_id_fields = ["practice"]

    def has_add_permission(self, request):
        # services.practices.practice_invite makes the token and sends the email.
        return False


class InterviewRoundInline(admin.TabularInline):
    model = InterviewRound
    extra = 0
    fields = ["sequence", "kind", "scheduled_at", "outcome", "debriefed_at"]
    readonly_fields = ["debriefed_at"]

    def get_queryset(self, request):
        # Each row is titled with the round's name, which needs this count.
        return super().get_queryset(request).with_kind_count()


@admin.register(Opportunity)
class OpportunityAdmin(admin.ModelAdmin):
    list_display = ["position", "company", "candidate", "status", "created_at"]
    list_filter = ["status"]
    search_fields = ["company", "position", "candidate__full_name"]
    list_select_related = ["candidate"]
    raw_id_fields = ["candidate"]
    # As OpportunityForm does: a link typed without a scheme is https.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    inlines = [InterviewRoundInline]


class InterviewerInline(admin.TabularInline):
    model = Interviewer
    extra = 0
    fields = ["name", "job_title", "role", "email"]


class AskedQuestionInline(admin.TabularInline):
    model = AskedQuestion
    extra = 0
    fields = ["position", "text", "covered", "bank_question"]
    raw_id_fields = ["bank_question"]


class ThankYouNoteInline(admin.StackedInline):
    """The candidate's own words, sent from their own mail program: read-only here."""

    model = ThankYouNote
    extra = 0
    fields = [
        "interviewer",
        "to_name",
        "to",
        "subject",
        "body",
        "check_requested_at",
        "coach_comment",
        "checked_at",
        "approved",
        "sent_at",
    ]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(InterviewRound)
class InterviewRoundAdmin(admin.ModelAdmin):
    list_display = ["opportunity", "sequence", "kind", "scheduled_at", "outcome"]
    list_filter = ["kind", "outcome"]
    search_fields = ["opportunity__company", "opportunity__candidate__full_name"]
    list_select_related = ["opportunity"]
    raw_id_fields = ["opportunity"]
    date_hierarchy = "scheduled_at"
    # Set by services.rounds.round_record_debrief.
    readonly_fields = ["debriefed_at", "created_at", "updated_at"]
    inlines = [InterviewerInline, AskedQuestionInline, ThankYouNoteInline]

    def get_queryset(self, request):
        return super().get_queryset(request).with_kind_count()


@admin.register(BriefPdf)
class BriefPdfAdmin(admin.ModelAdmin):
    """The briefs' PDFs the worker made (services/brief.py), with the error of a
    failed build. Deleting one makes the next download build it again."""

    list_display = ["__str__", "side", "status", "requested_at", "built_at"]
    list_filter = ["status", "side"]
    list_select_related = ["round__opportunity"]
    fields = ["round", "side", "time_zone", "status", "requested_at", "built_at", "error"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).defer("pdf")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ["prompt", "category", "round_kind", "owner", "retired"]
    list_filter = ["category", "round_kind", "retired"]
    search_fields = ["prompt", "guidance"]
    list_select_related = ["owner"]
    raw_id_fields = ["owner"]


class TemplateItemInline(admin.TabularInline):
    model = TemplateItem
    extra = 0
    fields = ["position", "kind", "prompt", "required"]


@admin.register(ChecklistTemplate)
class ChecklistTemplateAdmin(admin.ModelAdmin):
    list_display = ["title", "owner", "round_kind", "updated_at"]
    list_filter = ["round_kind"]
    search_fields = ["title"]
    list_select_related = ["owner"]
    raw_id_fields = ["owner", "copied_from"]
    inlines = [TemplateItemInline]


class AssignmentItemInline(admin.TabularInline):
    model = AssignmentItem
    extra = 0
    fields = [
        "position",
        "kind",
        "prompt",
        "required",
        "review_mark",
        "marked_version",
        "version",
        "email_sent_at",
    ]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        # Items are a snapshot of the template, taken by services.checklists.assignment_create.
        return False


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ["title", "candidate", "status", "due_date", "submitted_at"]
    list_filter = ["status"]
    search_fields = ["title", "candidate__full_name", "candidate__email"]
    list_select_related = ["candidate"]
    raw_id_fields = ["candidate", "round", "template"]
    # Owned by the assignment services: changing them here would skip the
    # state rules and the emails.
    readonly_fields = [
        "status",
        "created_at",
        "updated_at",
        "submitted_at",
        "reviewed_at",
        "withdrawn_at",
    ]
    inlines = [AssignmentItemInline]


@admin.register(Comment)
class CommentAdmin(ViewOnlyMixin, admin.ModelAdmin):
    list_display = ["item", "author", "created_at"]
    list_select_related = ["item", "author"]
    raw_id_fields = ["item", "author"]


@admin.register(AnswerRevision)
class AnswerRevisionAdmin(ViewOnlyMixin, admin.ModelAdmin):
    list_display = ["item", "item_version", "author", "created_at"]
    list_select_related = ["item", "author"]
    raw_id_fields = ["item", "author"]


@admin.register(ItemFile)
class ItemFileAdmin(ViewOnlyMixin, admin.ModelAdmin):
    """The files' data only: the bytes are served to their owners by the
    app's views, never from the admin; the storage key is not shown."""

    list_display = ["name", "content_type", "size", "candidate", "created_at"]
    list_select_related = ["candidate"]
    fields = ["candidate", "item", "name", "content_type", "size", "sha256", "uploaded_by"]
    raw_id_fields = ["candidate", "item", "uploaded_by"]


@admin.register(ItemFileEvent)
class ItemFileEventAdmin(ViewOnlyMixin, admin.ModelAdmin):
    list_display = ["item", "action", "name", "author", "created_at"]
    list_select_related = ["item", "author"]
    raw_id_fields = ["item", "author"]


@admin.register(RehearsalTake)
class RehearsalTakeAdmin(ViewOnlyMixin, admin.ModelAdmin):
    """A take's data only, as for item files: the audio is heard through the
    app's views by its owner and their coach, never here; no storage key."""

    list_display = ["__str__", "content_type", "size", "for_coach", "candidate", "created_at"]
    list_select_related = ["candidate"]
    fields = [
        "candidate",
        "item",
        "story",
        "content_type",
        "size",
        "sha256",
        "duration_seconds",
        "timer_seconds",
        "for_coach",
        "coach_comment",
        "comment_by",
        "commented_at",
    ]
    raw_id_fields = ["candidate", "item", "story", "comment_by"]


@admin.register(Review)
class ReviewAdmin(ViewOnlyMixin, admin.ModelAdmin):
    list_display = ["assignment", "verdict", "reviewer", "created_at"]
    list_filter = ["verdict"]
    list_select_related = ["assignment", "reviewer"]
    raw_id_fields = ["assignment", "reviewer"]


# ---------------------------------------------------------------- stories


@admin.register(StoryTag)
class StoryTagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "owner", "position"]
    list_select_related = ["owner"]
    search_fields = ["name", "slug"]
    raw_id_fields = ["owner"]


@admin.register(Story)
class StoryAdmin(admin.ModelAdmin):
    list_display = ["title", "candidate", "updated_at", "archived_at", "strong_at"]
    list_select_related = ["candidate"]
    search_fields = ["title", "candidate__full_name", "candidate__email"]
    raw_id_fields = ["candidate", "strong_by"]
    filter_horizontal = ["tags"]
    # Owned by the story services: an edit here would skip the version check
    # and leave no revision.
    readonly_fields = [
        "title",
        *Story.STAR_FIELDS,
        "learned",
        "measurable_result",
        "version",
        "created_at",
        "updated_at",
        "strong_at",
        "strong_by",
    ]


@admin.register(StoryComment)
class StoryCommentAdmin(ViewOnlyMixin, admin.ModelAdmin):
    list_display = ["story", "author", "created_at"]
    list_select_related = ["story", "author"]
    raw_id_fields = ["story", "author"]


@admin.register(StoryRevision)
class StoryRevisionAdmin(ViewOnlyMixin, admin.ModelAdmin):
    list_display = ["story", "story_version", "author", "created_at"]
    list_select_related = ["story", "author"]
    raw_id_fields = ["story", "author"]


# Owned by services.checklists (item_story_use, assignment_submit): view only.
@admin.register(ItemStory)
class ItemStoryAdmin(ViewOnlyMixin, admin.ModelAdmin):
    list_display = ["story", "item", "position", "created_at"]
    list_select_related = ["story", "item"]
    raw_id_fields = ["story", "item"]


@admin.register(SubmittedStory)
class SubmittedStoryAdmin(ViewOnlyMixin, admin.ModelAdmin):
    list_display = ["title", "item", "submitted_at", "story_version"]
    list_select_related = ["item"]
    raw_id_fields = ["story", "item"]


# ---------------------------------------------------------------- notifications and email


@admin.register(Notification)
class NotificationAdmin(ViewOnlyMixin, admin.ModelAdmin):
    """Made by notifications.notify; deleting one would re-arm its reminder."""

    list_display = ["user", "kind", "subject", "created_at", "emailed_at", "read_at"]
    list_filter = ["kind"]
    search_fields = ["user__email", "subject"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "enabled", "delivery"]
    list_filter = ["kind", "enabled", "delivery"]
    search_fields = ["user__email"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]


class OutgoingEmailStateFilter(admin.SimpleListFilter):
    """The states of OutgoingEmail.state, as queries, and "stuck": nothing has
    happened to it for longer than the lease (its worker was killed, or its
    task was lost); the action below hands those to the worker again."""

    title = "state"
    parameter_name = "state"
    STUCK = "stuck"

    def lookups(self, request, model_admin):
        return [
            *OutgoingEmail.State.choices,
            (self.STUCK, "stuck (nothing for longer than the lease)"),
        ]

    def queryset(self, request, queryset):
        State = OutgoingEmail.State
        waiting = queryset.waiting()
        match self.value():
            case State.QUEUED:
                return waiting.filter(attempts=0, sending_started_at__isnull=True)
            case State.SENDING:
                return waiting.filter(sending_started_at__isnull=False)
            case State.RETRYING:
                return waiting.filter(attempts__gt=0, sending_started_at__isnull=True)
            case State.SENT:
                return queryset.filter(sent_at__isnull=False)
            case State.FAILED:
                return queryset.filter(sent_at__isnull=True).failed()
            case self.STUCK:
                return queryset.stuck(timezone.now())
        return queryset


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(admin.ModelAdmin):
    """Emails handed to the worker (tasks.send_email). Only looked at here;
    the one thing to do is try a failed or stuck email again."""

    list_display = ["to", "subject", "state", "attempts", "created_at", "sent_at", "failed_at"]
    list_filter = [OutgoingEmailStateFilter]
    search_fields = ["to", "subject"]
    date_hierarchy = "created_at"
    fields = [
        "to",
        "reply_to",
        "subject",
        "shown_body",
        "headers",
        "secret",
        "notification",
        "created_at",
        "attempts",
        "last_error",
        "next_attempt_at",
        "sending_started_at",
        "sent_at",
        "failed_at",
    ]
    readonly_fields = fields
    actions = ["try_again"]

    def has_add_permission(self, request):
        # notifications.queue_email stores them and enqueues the sending.
        return False

    @admin.display(description="state")
    def state(self, obj):
        return obj.state

    @admin.display(description="body")
    def shown_body(self, obj):
        # The secret link (an invitation, a password reset) stays out of the
        # admin too; once sent the body is blanked anyway.
        if obj.secret and obj.body:
            return "(not shown: it carries a secret link)"
        return obj.body

    @admin.action(description="Try again now", permissions=["change"])
    def try_again(self, request, queryset):
        """Failed and stuck emails go to the worker again. A stuck email whose
        send started and was never recorded may have gone out: trying it again
        can deliver it twice (README, "Worker")."""
        from .tasks import send_email

        with transaction.atomic():
            now = timezone.now()
            retry = queryset.filter(sent_at__isnull=True).filter(
                Q(failed_at__isnull=False) | Q(pk__in=OutgoingEmail.objects.stuck(now).values("pk"))
            )
            pks = list(retry.select_for_update().values_list("pk", flat=True))
            OutgoingEmail.objects.filter(pk__in=pks).update(
                failed_at=None, attempts=0, next_attempt_at=None, sending_started_at=None
            )
            for pk in pks:
                transaction.on_commit(lambda pk=pk: send_email.enqueue(email_id=pk))
        skipped = queryset.count() - len(pks)
        if pks:
            self.message_user(
                request, f"{len(pks)} failed or stuck email(s) handed to the worker again."
            )
        if skipped:
            self.message_user(
                request,
                f"{skipped} email(s) skipped: only failed or stuck emails can be tried again.",
                messages.WARNING,
            )


@admin.register(ReminderSweep)
class ReminderSweepAdmin(ViewOnlyMixin, admin.ModelAdmin):
    """When the worker's reminder sweep last ran (tasks.sweep_reminders)."""

    list_display = ["__str__", "last_started_at", "last_finished_at", "last_created"]
    fields = ["last_started_at", "last_finished_at", "last_created", "last_pruned_at"]


@admin.register(ThrottleHit)
class ThrottleHitAdmin(admin.ModelAdmin):
    """Counted attempts under the throttles; deleting a key's hits lifts its limit."""

    list_display = ["scope", "key", "created_at"]
    list_filter = ["scope"]
    search_fields = ["key"]
    readonly_fields = ["scope", "key", "created_at"]

    def has_add_permission(self, request):
        return False
