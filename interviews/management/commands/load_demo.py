"""Demo data for trying Coachsite locally. Refuses to run with debug off."""

import datetime

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from ...lib.demo import sample_pdf, sample_responses, sample_wav
from ...models import (
    Assignment,
    Candidate,
    ChecklistTemplate,
    Interviewer,
    InterviewRound,
    ItemKind,
    Opportunity,
    Practice,
    Review,
    Story,
    StoryTag,
    User,
)
from ...services import caseload as caseload_services
from ...services import checklists as checklists_services
from ...services import files as files_services
from ...services import library as library_services
from ...services import practices as practices_services
from ...services import rehearsal as rehearsal_services
from ...services import rounds as rounds_services
from ...services import stories as stories_services

PASSWORD = "demo-pass-2026"

#: Alex's prepared answers to the prep's two "My answer" items: long enough to
#: speak for about a minute, so the writing checks have nothing to suggest.
ALEX_MATCH = (
    "Tom's team needs analysts who turn data into decisions and who work well with product "
    "managers. Two examples show that fit. First, the churn model at Contoso Bank: renewals "
    "had fallen two quarters in a row, so I joined three years of payment and support data, "
    "found that two declined payments in a month predicted who would leave, and turned it "
    "into ranked call lists. In a four-week pilot the group using my lists renewed 12 % more "
    "often, and the retention team now works from them every week. Second, the savings "
    "feature: the product manager wanted weekly active users as the only metric. I showed "
    "with a sample of 2,000 accounts that only 9 % had moved any money, proposed goals funded "
    "after 30 days as a second metric and built it myself before the launch. That metric led "
    "to a redesign that lifted it to 21 %. Both times I started from a business question, "
    "kept the method simple enough to explain, and made the result something a team could "
    "act on the following Monday."
)
ALEX_GAP = (
    "My weakest area against the ideal candidate is experimentation at scale. Northwind runs "
    "dozens of A/B tests a quarter, and most of my experience is with observational data and "
    "small pilots, like the four-week churn pilot, rather than a full experimentation "
    "platform. I know the basics: power calculations, not peeking at results early, choosing "
    "one primary metric. But I have not yet owned a testing programme that many teams rely "
    "on. I am addressing it in three ways. I am halfway through an online course on "
    "experiment design, and I practise on public datasets every weekend. At Contoso I "
    "volunteered to review the design of the next two pricing tests with the data science "
    "team, so I get real feedback on my choices. And in my first months at Northwind I would "
    "ask to pair with whoever runs the experiments today before owning any myself. I would "
    "rather say this plainly now than have it show up in my first quarter."
)
PRACTICE_NAME = "Northstar Careers"
HOUSE_TEMPLATE = "Northstar second-round prep"


class Command(BaseCommand):
    help = "Load demo coaches, candidates and checklists (idempotent; debug mode only)."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "load_demo only runs with DJANGO_DEBUG=1: it creates accounts with a "
                "published password."
            )
        # Demo set-up should not print a dozen emails to the console.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            self._load()
        self.stdout.write(
            "Demo logins (password for all: demo-pass-2026):\n"
            "  coach      coach@example.com   (candidates Alex, Sam and Casey; "
            f"leads {PRACTICE_NAME})\n"
            "  candidate  alex@example.com    (second-round checklist in progress)\n"
            "  candidate  sam@example.com     (checklist submitted, waiting for review)\n"
            "  candidate  casey@example.com   (interviewed yesterday: debrief to write, "
            "thank-you notes drafted, untouched)\n"
            "  coach      coach2@example.com  (candidate Jordan: works alone, shows isolation)\n"
            "  candidate  jordan@example.com\n"
            f"  coach      coach3@example.com  (in {PRACTICE_NAME}, led by coach@example.com; "
            "candidate Morgan)\n"
            "  candidate  morgan@example.com  (second round coming, prep from the practice's "
            "shared template)"
        )

    @transaction.atomic
    def _load(self) -> None:
        coach = self._user("coach@example.com", "Riley Morgan", User.Role.COACH)
        coach2 = self._user("coach2@example.com", "Dana Whitfield", User.Role.COACH)
        alex = self._user("alex@example.com", "Alex Rivera", User.Role.CANDIDATE)
        sam = self._user("sam@example.com", "Sam Okafor", User.Role.CANDIDATE)
        jordan = self._user("jordan@example.com", "Jordan Lee", User.Role.CANDIDATE)
        casey = self._user("casey@example.com", "Casey Nguyen", User.Role.CANDIDATE)
        prep = ChecklistTemplate.objects.get(builtin_key="second-round-prep")
        now = timezone.now()

        alex_c = self._candidate(coach, alex, "Product analyst roles in fintech")
        if not alex_c.assignments.exists():
            opportunity = Opportunity.objects.create(
                candidate=alex_c,
                company="Northwind Payments",
                position="Senior Product Analyst",
                link="https://example.com/jobs/northwind-analyst",
            )
            screening = rounds_services.round_create(
                opportunity=opportunity,
                by=coach,
                kind=InterviewRound.Kind.SCREENING,
                scheduled_at=now - datetime.timedelta(days=6),
                location="Phone call",
                outcome=InterviewRound.Outcome.ADVANCED,
            )
            rounds_services.interviewer_add(
                round=screening,
                by=coach,
                name="Priya Shah",
                job_title="Talent Partner",
                role=Interviewer.Role.RECRUITER,
            )
            second = rounds_services.round_create(
                opportunity=opportunity,
                by=coach,
                kind=InterviewRound.Kind.SECOND,
                scheduled_at=(now + datetime.timedelta(days=3)).replace(
                    hour=10, minute=0, second=0, microsecond=0
                ),
                location="Video call",
            )
            rounds_services.interviewer_add(
                round=second,
                by=coach,
                name="Tom Becker",
                job_title="Head of Analytics",
                role=Interviewer.Role.HIRING_MANAGER,
                email="tom.becker@example.com",
            )
            rounds_services.interviewer_add(
                round=second,
                by=coach,
                name="Ana Lima",
                job_title="Senior Product Analyst",
                role=Interviewer.Role.TEAMMATE,
                email="ana.lima@example.com",
            )
            assignment = checklists_services.assignment_create(
                coach=coach,
                candidate=alex_c,
                template=prep,
                round=second,
                instructions="Aim for short, concrete answers. We will go through them on Friday.",
            )
            items = {item.question.builtin_key: item for item in assignment.items.all()}
            checklists_services.assignment_save(
                assignment=assignment,
                by=alex,
                responses={
                    items["role-day-to-day"].pk: (
                        1,
                        {
                            "response_text": "What would the first three months look like, "
                            "and which dashboards would I own?"
                        },
                    ),
                    items["close-show-work"].pk: (
                        1,
                        {"done": True, "response_text": "Churn model case study"},
                    ),
                    items["success-my-match"].pk: (1, {"response_text": ALEX_MATCH}),
                    items["success-gap"].pk: (1, {"response_text": ALEX_GAP}),
                },
            )
            self._alex_screening_debrief(alex, screening)

        if not alex_c.stories.exists():
            used = self._alex_stories(coach, alex, alex_c)
            # "How do my attributes fit …" asks for two examples: Alex uses two.
            item = (
                alex_c.assignments.filter(status__in=Assignment.EDITABLE)
                .get(template=prep)
                .items.get(question__builtin_key="success-my-match")
            )
            for story in used:
                checklists_services.item_story_use(item=item, story=story, by=alex)

        if not alex_c.files.exists() and not alex_c.takes.exists():
            self._alex_evidence(alex, alex_c, prep)

        sam_c = self._candidate(coach, sam, "Engineering manager")
        if not sam_c.assignments.exists():
            opportunity = Opportunity.objects.create(
                candidate=sam_c, company="Fabrikam", position="Engineering Manager, Platform"
            )
            second = rounds_services.round_create(
                opportunity=opportunity,
                by=coach,
                kind=InterviewRound.Kind.SECOND,
                scheduled_at=(now + datetime.timedelta(days=5)).replace(
                    hour=14, minute=30, second=0, microsecond=0
                ),
                location="On site, Leeds office",
            )
            rounds_services.interviewer_add(
                round=second,
                by=coach,
                name="Maria Gomez",
                job_title="Director of Engineering",
                role=Interviewer.Role.HIRING_MANAGER,
                email="maria.gomez@example.com",
            )
            assignment = checklists_services.assignment_create(
                coach=coach, candidate=sam_c, template=prep, round=second
            )
            responses = sample_responses(assignment, text="My notes for: {prompt:.60}")
            checklists_services.assignment_save(assignment=assignment, by=sam, responses=responses)
            checklists_services.assignment_submit(assignment=assignment, by=sam)

        casey_c = self._candidate(coach, casey, "Product designer in health tech")
        if not casey_c.assignments.exists():
            self._casey(coach, casey, casey_c, prep, now)

        jordan_c = self._candidate(coach2, jordan, "UX researcher")
        if not jordan_c.assignments.exists():
            checklists_services.assignment_create(coach=coach2, candidate=jordan_c, template=prep)

        # A practice: coach@example.com leads it, coach3 coaches in it, and the
        # lead's house template is shared with both.
        coach3 = self._user("coach3@example.com", "Jamie Okafor-Reid", User.Role.COACH)
        morgan = self._user("morgan@example.com", "Morgan Blake", User.Role.CANDIDATE)
        practice = self._practice(coach, coach3)
        house = self._house_template(coach, prep, practice)
        morgan_c = self._candidate(coach3, morgan, "Customer success lead in B2B software")
        if not morgan_c.assignments.exists():
            self._morgan(coach3, morgan, morgan_c, house, now)

    def _practice(self, lead: User, member: User) -> Practice:
        membership = practices_services.membership_of(lead)
        practice = (
            membership.practice
            if membership is not None
            else practices_services.practice_create(by=lead, name=PRACTICE_NAME)
        )
        if practices_services.membership_of(member) is None:
            invitation, _ = practices_services.practice_invite(
                practice=practice, by=lead, email=member.email
            )
            practices_services.practice_invitation_accept(invitation=invitation, user=member)
        return practice

    def _house_template(
        self, lead: User, prep: ChecklistTemplate, practice: Practice
    ) -> ChecklistTemplate:
        """The lead's adapted copy of the built-in prep, shared with the practice."""
        house = ChecklistTemplate.objects.filter(owner=lead, title=HOUSE_TEMPLATE).first()
        if house is None:
            copy = library_services.template_copy(template=prep, by=lead)
            items = [
                library_services.TemplateItemData(
                    id=item.pk,
                    kind=item.kind,
                    prompt=item.prompt,
                    guidance=item.guidance,
                    required=item.required,
                    question_id=item.question_id,
                )
                for item in copy.items.all()
            ]
            items.append(
                library_services.TemplateItemData(
                    id=None,
                    kind=ItemKind.CHECK,
                    prompt="Read the company's latest news and its product pages",
                    guidance="Note one recent change you could ask about.",
                    required=False,
                )
            )
            house = library_services.template_save(
                template=copy,
                by=lead,
                title=HOUSE_TEMPLATE,
                description="Our practice's version of the second-round prep, with a "
                "research step before the interview.",
                round_kind=InterviewRound.Kind.SECOND,
                items=items,
            )
        if house.practice_id != practice.pk:
            house = library_services.library_share(obj=house, by=lead, shared=True)
        return house

    def _morgan(
        self,
        coach: User,
        morgan: User,
        morgan_c: Candidate,
        house: ChecklistTemplate,
        now: datetime.datetime,
    ) -> None:
        """A screening that went well last week, and a second round in four days
        with the practice's shared prep half done."""
        opportunity = Opportunity.objects.create(
            candidate=morgan_c,
            company="Tailspin Software",
            position="Customer Success Lead",
            link="https://example.com/jobs/tailspin-cs-lead",
        )
        screening = rounds_services.round_create(
            opportunity=opportunity,
            by=coach,
            kind=InterviewRound.Kind.SCREENING,
            scheduled_at=(now - datetime.timedelta(days=8)).replace(
                hour=9, minute=30, second=0, microsecond=0
            ),
            duration_minutes=30,
            location="Phone call",
            outcome=InterviewRound.Outcome.ADVANCED,
            outcome_notes="Invited to the second round with the Head of Customer Success.",
        )
        rounds_services.interviewer_add(
            round=screening,
            by=coach,
            name="Lena Fischer",
            job_title="Recruiter",
            role=Interviewer.Role.RECRUITER,
        )
        second = rounds_services.round_create(
            opportunity=opportunity,
            by=coach,
            kind=InterviewRound.Kind.SECOND,
            scheduled_at=(now + datetime.timedelta(days=4)).replace(
                hour=11, minute=0, second=0, microsecond=0
            ),
            location="Video call",
        )
        rounds_services.interviewer_add(
            round=second,
            by=coach,
            name="Kwame Mensah",
            job_title="Head of Customer Success",
            role=Interviewer.Role.HIRING_MANAGER,
            email="kwame.mensah@example.com",
        )
        assignment = checklists_services.assignment_create(
            coach=coach,
            candidate=morgan_c,
            template=house,
            round=second,
            instructions="Start with the questions about the role; we will rehearse on Monday.",
        )
        items = {
            item.question.builtin_key: item for item in assignment.items.all() if item.question
        }
        checklists_services.assignment_save(
            assignment=assignment,
            by=morgan,
            responses={
                items["role-day-to-day"].pk: (
                    1,
                    {
                        "response_text": "Which accounts would I take over first, and how is "
                        "renewal success measured?"
                    },
                ),
                items["success-qualities"].pk: (
                    1,
                    {"response_text": "What sets apart the best CSMs on your team?"},
                ),
                items["close-references"].pk: (
                    1,
                    {"done": True, "response_text": "Two former managers have agreed."},
                ),
            },
        )

    def _casey(
        self,
        coach: User,
        casey: User,
        casey_c: Candidate,
        prep: ChecklistTemplate,
        now: datetime.datetime,
    ) -> None:
        """A second round that took place yesterday, prepared and approved
        beforehand; the debrief is still to write, and the thank-you notes are
        drafts from the template, untouched: their placeholders show what the
        writing checks say about a note sent as drafted."""
        opportunity = Opportunity.objects.create(
            candidate=casey_c,
            company="Contoso Health",
            position="Product Designer",
            link="https://example.com/jobs/contoso-designer",
        )
        second = rounds_services.round_create(
            opportunity=opportunity,
            by=coach,
            kind=InterviewRound.Kind.SECOND,
            scheduled_at=(now - datetime.timedelta(days=1)).replace(
                minute=0, second=0, microsecond=0
            ),
            duration_minutes=90,
            location="On site, Contoso Health design studio",
        )
        rounds_services.interviewer_add(
            round=second,
            by=coach,
            name="Grace Park",
            job_title="Design Lead",
            role=Interviewer.Role.HIRING_MANAGER,
            email="grace.park@example.com",
        )
        rounds_services.interviewer_add(
            round=second,
            by=coach,
            name="Omar Haddad",
            job_title="Senior Product Designer",
            role=Interviewer.Role.TEAMMATE,
            email="omar.haddad@example.com",
        )
        # In real life the checklist was filled in and approved before the interview.
        assignment = checklists_services.assignment_create(
            coach=coach, candidate=casey_c, template=prep, round=second
        )
        responses = sample_responses(assignment, text="What I prepared for: {prompt:.60}")
        checklists_services.assignment_save(assignment=assignment, by=casey, responses=responses)
        checklists_services.assignment_submit(assignment=assignment, by=casey)
        checklists_services.assignment_review(
            assignment=assignment,
            by=coach,
            verdict=Review.Verdict.APPROVED,
            note="Well prepared: concrete examples and sharp questions to ask.",
        )
        rounds_services.thank_you_notes_prepare(round=second, by=casey)

    def _user(self, email: str, name: str, role: str) -> User:
        user, created = User.objects.get_or_create(
            email=email, defaults={"full_name": name, "role": role}
        )
        if created:
            user.set_password(PASSWORD)
            user.save(update_fields=["password"])
        return user

    def _alex_stories(self, coach: User, alex: User, alex_c: Candidate) -> list[Story]:
        """Four stories in Alex's bank: one marked strong by the coach, one whose
        action says "we" far more than "I" (the writing checks flag it), a
        short conversation on two of them. Returns the two Alex's current
        checklist uses."""
        tags = {tag.slug: tag for tag in StoryTag.objects.builtin()}

        def story(title: str, slugs: tuple[str, ...], **values):
            return stories_services.story_create(
                candidate=alex_c,
                by=alex,
                values={"title": title, **values},
                tags=[tags[slug] for slug in slugs],
            )

        churn = story(
            "Churn model that changed the renewal plan",
            ("analysis-and-data", "influence"),
            situation="At Contoso Bank, card renewals had fallen two quarters in a row, from "
            "81 % to 76 %. The retention team of six was calling every customer whose card was "
            "about to expire with the same script, roughly 4,000 calls a month, and nobody "
            "could say which of those calls made any difference.",
            task="The head of retention asked me to find out, within six weeks, which customers "
            "were most likely to leave and why, so that the team could spend its calls where "
            "they mattered.",
            action="I started by joining three years of transaction history with support "
            "tickets and complaint records, which had never been put together before. I built "
            "a simple logistic regression rather than anything fancy, because the team had to "
            "trust it and I had to be able to explain every input in plain words. I checked it "
            "against last year's leavers and found one strong signal: customers with two "
            "declined payments in a month left at four times the usual rate. I turned the "
            "model into three call lists ranked by risk, each with the reason a customer was "
            "on it, and I sat with two callers for a morning to rewrite the opening of their "
            "script around that reason. Then I set up a four-week pilot: the two callers "
            "worked from my lists and the other four from the old queue, so that the "
            "comparison was fair. I sent a one-page update every Friday with the numbers, "
            "including the weeks when they looked flat.",
            result="The pilot group renewed 12 % more often than the control group, about 140 "
            "extra renewals a month at the pilot's scale. The head of retention moved the "
            "whole team onto the ranked lists, and they are still refreshed every Monday.",
            measurable_result="cut churn 12 % in the pilot",
            learned="A model is only useful when it arrives as a list someone can act on on "
            "Monday morning.",
        )
        stories_services.story_mark_strong(story=churn, by=coach)
        stories_services.story_comment_add(
            story=churn,
            by=coach,
            body='This is your strongest example for "analysis and data". Lead with the 12 %.',
        )
        stories_services.story_comment_add(
            story=churn,
            by=alex,
            body="Thanks! I will open with the result next time I tell it.",
        )
        launch = story(
            "Dashboard launch under a hard deadline",
            ("delivery-under-pressure", "teamwork"),
            situation="Two weeks before the quarterly board meeting, the new finance dashboard "
            "still showed revenue figures up to 3 % off the general ledger, and the finance "
            "director had already promised the board it would replace the spreadsheet pack.",
            task="Our team of three analysts had to find the cause, fix it and get the "
            "dashboard signed off by finance in time for the board pack.",
            action="We split the work by data source, so each of us owned one feed, and we met "
            "for fifteen minutes every morning to compare totals. After four days we traced "
            "most of the gap to refunds: we were counting them once in the payments feed and "
            "again in the adjustments table. We rewrote the refund logic together, then we "
            "built a nightly check that compared every figure on the dashboard with the ledger "
            "and posted the differences in our team channel. When two smaller gaps turned up, "
            "currency rounding and a missing cost centre, we fixed them the same week. We "
            "walked the finance director through the reconciliation line by line on the "
            "Thursday, and we shipped the dashboard two days before the deadline.",
            result="The board used the dashboard in the meeting, every figure matched the "
            "ledger, and finance retired its monthly spreadsheet, which saved about two days "
            "of manual work each month.",
            measurable_result="live 2 days before the deadline",
        )
        stories_services.story_comment_add(
            story=launch,
            by=coach,
            body='Good story, but I cannot hear what you did yourself. Say "I" for your part.',
        )
        story(
            "Disagreeing with a product manager about a metric",
            ("conflict", "influence"),
            situation="At Contoso Bank we launched a savings feature that let customers set "
            "goals and round up card payments into a pot. The product manager wanted to report "
            "weekly active users as its single success metric, and the first month already "
            "showed 40,000 of them.",
            task="I was the analyst on the feature. I believed the metric would hide whether "
            "people actually saved any money, and I had to raise that without stalling a "
            "launch the whole team was proud of.",
            action="Before saying anything, I pulled a random sample of 2,000 active accounts "
            "and followed them for 30 days. Most had opened the feature once, looked around "
            "and never set a goal; only 9 % had moved any money. I asked the product manager "
            "for half an hour alone rather than raising it in the weekly review, because I did "
            "not want it to sound like an attack in front of the team. I showed the sample, "
            "said clearly that I agreed usage mattered, and proposed adding a second metric: "
            "goals funded after 30 days. To make it easy to say yes, I offered to build the "
            "metric and its tracking myself before the launch, and I did it over the "
            "following week. When the product manager worried that the number would look "
            "small, I suggested showing both side by side with one line on what each meant.",
            result="Both metrics went into the first board update. Goals funded after 30 days "
            "started at 9 % and led to a redesign of the onboarding screen two months later, "
            "which lifted it to 21 %. The product manager now asks me to review the metrics of "
            "every new feature.",
            learned="Bring data and an offer to do the work, not just an objection.",
        )
        story(
            "Learning SQL window functions in a week",
            ("learning-fast",),
            situation="When I moved to the pricing analytics team at Contoso Bank, every report "
            "the team owned was built on SQL window functions, which I had never written. My "
            "predecessor had left, and the weekly cohort report went to the commercial "
            "director every Monday morning.",
            task="I had to take over the cohort report on my own within my first week, "
            "without getting a single number wrong.",
            action="I gave myself a plan for the week. On the first two evenings I worked "
            "through the database's documentation on window functions and wrote small "
            "practice queries against a copy of last month's data. Then I rebuilt last "
            "month's report from scratch beside the original rather than editing the old "
            "query, so that I had to understand every step. I compared the two outputs line "
            "by line and found three places where my numbers differed; each one taught me "
            "something, such as how a running total behaves when two rows share a date. I "
            "asked a senior analyst to review my query for thirty minutes on the Thursday, "
            "wrote down every comment, and added a short explanation at the top of the query "
            "for whoever comes next.",
            result="I ran the report on my own from week two with no corrections. My version "
            "ran in 4 minutes instead of 11, because it read the transactions table once "
            "instead of three times, and the team now uses my notes to onboard new analysts.",
        )
        return [churn, launch]

    def _alex_evidence(self, alex: User, alex_c: Candidate, prep: ChecklistTemplate) -> None:
        """The portfolio piece Alex will show, as a PDF on the prep's item, and
        a rehearsal of item 6 sent to the coach (a short tone made at load time)."""
        items = alex_c.assignments.filter(status__in=Assignment.EDITABLE).get(template=prep).items
        take = rehearsal_services.take_add(
            upload=ContentFile(sample_wav(3.0), name="rehearsal.wav"),
            by=alex,
            item=items.get(question__builtin_key="success-my-match"),
            duration_seconds=3,
            timer_seconds=120,
        )
        rehearsal_services.take_mark_for_coach(take=take, by=alex, for_coach=True)
        item = items.get(question__builtin_key="close-show-work")
        pdf = sample_pdf(
            "Churn model case study",
            [
                "Alex Rivera - Contoso Bank, 2025",
                "Question: which customers will not renew, and what can we do about it?",
                "Data: three years of payments and support tickets, 48,000 accounts.",
                "Finding: two declined payments in a month predicted churn.",
                "Result: ranked call lists; the pilot group renewed 12% more often.",
            ],
        )
        upload = ContentFile(pdf, name="Churn model case study.pdf")
        files_services.item_file_add(item=item, upload=upload, by=alex)

    def _alex_screening_debrief(self, alex: User, screening: InterviewRound) -> None:
        """Alex's debrief of last week's screening: one question a story of the
        bank fits (the round page suggests it), and one that no story covers
        (the page offers to write one)."""
        rounds_services.round_record_debrief(
            round=screening,
            by=alex,
            debrief_notes="Priya was friendly and direct. She asked why I want to move into "
            "payments, and she liked the churn example. The team is eight analysts under Tom "
            "Becker; the second round is with him and one of the senior analysts.",
            debrief_differently="Give the 12 % result first, and have a clear answer ready on "
            "my notice period.",
            asked=[
                "Tell me about a time you disagreed with a product manager.",
                "How have you used data to change a decision?",
                "What notice period do you have?",
            ],
        )

    def _candidate(self, coach: User, user: User, headline: str) -> Candidate:
        candidate, created = Candidate.objects.get_or_create(
            coach=coach,
            email=user.email,
            defaults={"full_name": user.full_name, "headline": headline},
        )
        if created:
            invitation, _ = caseload_services.invitation_create(candidate=candidate, by=coach)
            caseload_services.invitation_accept(invitation=invitation, user=user)
            candidate.refresh_from_db()
        return candidate
