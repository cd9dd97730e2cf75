"""The ``load_demo`` command and the sample content it loads from ``demo/``."""

import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import authenticate, get_user_model
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import RequestFactory
from django.urls import reverse
from procrastinate.contrib.django.models import ProcrastinateJob

from cancerchoices.markdown import validate_markdown
from people.models import Credit, Person
from ratings.models import Attribute, Rating
from therapies.demo import read_demo_content
from therapies.models import (
    CancerType,
    Category,
    Finding,
    GlossaryTerm,
    PageReference,
    Reference,
    ReviewVersion,
    SubPage,
    Therapy,
    validate_citations,
)
from therapies.notifications import notify_transition
from therapies.workflow import content_fingerprint

MODELS = [
    Therapy,
    ReviewVersion,
    Rating,
    SubPage,
    Finding,
    Credit,
    Person,
    Reference,
    PageReference,
    GlossaryTerm,
    Category,
    CancerType,
]


def load_demo() -> str:
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def demo_markdown_texts():
    """(where, text) for every Markdown text in the demo data."""
    content = read_demo_content(Path(settings.DEMO_CONTENT_DIR))
    for term in content.glossary_terms:
        yield term.where, term.fields["definition"]
    for person in content.people:
        yield person.where, person.fields.get("bio", "")
    for review in content.reviews:
        yield review.where, review.fields["body"]
        for part, text in review.fields["cautions"].items():
            yield f"{review.where}, cautions.{part}", text
        for code, rating in review.fields["ratings"].items():
            yield f"{review.where}, ratings.{code}", rating["note"]
        for subpage in review.fields["subpages"]:
            yield subpage.where, subpage.fields["body"]
        for number, finding in enumerate(review.fields["findings"], start=1):
            yield f"{review.where}, finding number {number}", finding["sources"]


@pytest.fixture
def ldn(db):
    load_demo()
    return ReviewVersion.objects.published().get(therapy__slug="low-dose-naltrexone")


@pytest.mark.django_db
def test_refuses_when_demo_content_is_not_allowed(settings):
    settings.DEMO_CONTENT_ALLOWED = False
    with pytest.raises(CommandError, match="DEMO_CONTENT_ALLOWED"):
        load_demo()
    assert not Therapy.objects.exists()
    assert not Person.objects.exists()


@pytest.mark.django_db
def test_refuses_when_the_setting_is_missing(settings):
    del settings.DEMO_CONTENT_ALLOWED
    with pytest.raises(CommandError):
        load_demo()
    assert not Therapy.objects.exists()


@pytest.mark.django_db
def test_ldn_has_a_published_sample_version(ldn):
    assert ldn.is_sample
    assert ldn.name == "Low-dose naltrexone"
    assert ldn.category.slug == "off-label-drugs"
    assert {"LDN", "naltrexone"} <= set(ldn.alternate_name_list)
    assert ldn.cancer_types.filter(slug="brain-cancer").exists()
    assert ldn.state == ReviewVersion.State.PUBLISHED
    assert ldn.published_at is not None
    assert ldn.approved_by.username == "consultant"
    assert ldn.approved_fingerprint == content_fingerprint(ldn)
    assert str(ldn.last_updated) == "2023-12-12"
    assert str(ldn.literature_reviewed) == "2021-09-01"
    assert ldn.summary


@pytest.mark.django_db
def test_ldn_has_seven_ratings_with_not_rated_distinct_from_zero(ldn):
    ratings = {r.attribute.code: r for r in ldn.ratings.select_related("attribute")}
    assert set(ratings) == set(Attribute.objects.values_list("code", flat=True))
    assert len(ratings) == 7
    assert ratings["body_terrain"].score is None
    assert ratings["body_terrain"].score_text == "Not rated yet"
    assert ratings["cancer_risk"].score == 0
    assert ratings["cancer_risk"].evidence_level.code == "insufficient"
    assert ratings["treatment_outcomes"].evidence_level.code == "preliminary"
    for rating in ratings.values():
        assert rating.note_html
        if not rating.attribute.is_evidence_based:
            assert rating.evidence_level is None


@pytest.mark.django_db
def test_ldn_body_is_rendered_with_citations_and_glossary_terms(ldn):
    assert 'class="cite"' in ldn.body_html
    assert 'class="term"' in ldn.body_html
    assert "(p. 20)" in ldn.body_html  # the locator shows in the citation's tooltip
    assert "cite-missing" not in ldn.body_html
    assert "term-missing" not in ldn.body_html


@pytest.mark.django_db
def test_ldn_reference_lists_are_numbered_from_one(ldn):
    main = list(
        PageReference.objects.filter(version=ldn, subpage=None).values_list("number", flat=True)
    )
    assert main == list(range(1, len(main) + 1))
    assert len(main) >= 8
    for subpage in ldn.subpages.all():
        numbers = list(subpage.page_references.values_list("number", flat=True))
        assert numbers == list(range(1, len(numbers) + 1)), subpage.kind


@pytest.mark.django_db
def test_ldn_has_subpages_and_credits(ldn):
    kinds = set(ldn.subpages.values_list("kind", flat=True))
    assert len(kinds) >= 2
    assert {"how-it-can-help", "safety", "access"} <= kinds
    findings = ldn.subpages.get(kind="how-it-can-help")
    assert 'class="cite"' in findings.body_html  # its introduction cites what is not a finding
    brain = ldn.findings.get(cancer_type__slug="brain-cancer")
    assert brain.sentence == (
        "Preliminary evidence of longer survival with radiotherapy among people with high-grade "
        "gliomas, from one small randomized trial that used a standard rather than a low dose"
    )
    assert 'class="cite"' in brain.sources_html
    roles = list(ldn.credits.order_by("order").values_list("role", flat=True))
    assert roles == ["lead_researcher", "clinical_reviewer", "expert_reviewer"]
    assert all(credit.person.is_sample for credit in ldn.credits.all())


@pytest.mark.django_db
def test_every_demo_review_has_its_three_cautions_on_its_page(client):
    load_demo()
    for version in ReviewVersion.objects.published():
        for name in ReviewVersion.CAUTION_FIELDS:
            assert "<li>" in getattr(version, f"{name}_html"), (version.therapy.slug, name)
        html = client.get(version.therapy.get_absolute_url()).content.decode()
        assert html.index('id="cautions"') < html.index('id="glance-heading"'), version.name
    ldn = ReviewVersion.objects.published().get(therapy__slug="low-dose-naltrexone")
    assert "opioid pain medicines" in ldn.cautions_avoid_if_html
    assert "<strong>Opioid pain medicines</strong>" in ldn.cautions_interactions_html
    green_tea = ReviewVersion.objects.published().get(therapy__slug="green-tea")
    assert "Bortezomib" in green_tea.cautions_interactions_html
    melatonin = ReviewVersion.objects.published().get(therapy__slug="melatonin")
    assert "Sleeping pills, sedatives" in melatonin.cautions_interactions_html


@pytest.mark.django_db
def test_every_demo_review_cites_a_source_for_each_evidence_rating_and_has_its_subpages(client):
    """The demo reads like the real thing: a reader who opens any sample review finds a
    reference behind every rating of evidence, and its research findings and safety pages."""
    load_demo()
    uncited = []
    for rating in Rating.objects.filter(
        version__in=ReviewVersion.objects.published(),
        attribute__is_evidence_based=True,
        score__isnull=False,
    ).select_related("version__therapy", "attribute"):
        if 'class="cite"' not in rating.note_html:
            uncited.append(f"{rating.version.therapy.slug}: {rating.attribute.code}")
    assert not uncited, "evidence ratings without a citation: " + ", ".join(uncited)

    for version in ReviewVersion.objects.published().select_related("therapy"):
        kinds = set(version.subpages.values_list("kind", flat=True))
        assert {SubPage.Kind.FINDINGS, SubPage.Kind.SAFETY} <= kinds, version.therapy.slug
        for kind in (SubPage.Kind.FINDINGS, SubPage.Kind.SAFETY):
            page = client.get(f"{version.therapy.get_absolute_url()}{kind}/")
            assert page.status_code == 200, (version.therapy.slug, kind)
            assert 'class="cite"' in page.content.decode(), (version.therapy.slug, kind)


@pytest.mark.django_db
def test_every_demo_review_lists_at_least_four_findings_negative_ones_included(client):
    """Each research sub-page is built from findings (at least four, each with its citations),
    and the literature's negative results are said as such."""
    load_demo()
    for version in ReviewVersion.objects.published().select_related("therapy"):
        findings = list(version.findings.select_related("attribute", "evidence_level"))
        assert len(findings) >= 4, version.therapy.slug
        for finding in findings:
            finding.full_clean()  # the rules the admin checks
            assert 'class="cite"' in finding.sources_html, finding
        html = client.get(f"{version.therapy.get_absolute_url()}how-it-can-help/").content
        assert html.decode().count('<li class="finding">') == len(findings), version.therapy.slug
    no_benefit = {
        (f.version.therapy.slug, f.attribute.code, f.cancer_type.slug)
        for f in Finding.objects.filter(
            version__in=ReviewVersion.objects.published(), direction="no_benefit"
        ).select_related("version__therapy", "attribute", "cancer_type")
    }
    assert {
        ("metformin", "treatment_outcomes", "breast-cancer"),
        ("omega-3-fatty-acids", "cancer_risk", "cancer-as-a-whole"),
        ("vitamin-d", "cancer_risk", "cancer-as-a-whole"),
    } <= no_benefit


@pytest.mark.django_db
def test_two_demo_reviews_have_an_earlier_version_and_their_ratings_a_history(client):
    """Rating timelines have something to show: low-dose naltrexone and metformin were each
    published once before, with other ratings, and superseded by today's version."""
    load_demo()
    for slug, attribute, before, after in [
        ("metformin", "treatment_outcomes", "1 of 5", "Good evidence of no benefit"),
        ("low-dose-naltrexone", "side_effects", "1 of 5", "2 of 5"),
    ]:
        versions = ReviewVersion.objects.filter(therapy__slug=slug).order_by("number")
        assert [v.state for v in versions] == [
            ReviewVersion.State.SUPERSEDED,
            ReviewVersion.State.PUBLISHED,
        ]
        earlier, current = versions
        assert earlier.published_at < current.published_at
        assert earlier.approved_fingerprint == content_fingerprint(earlier)

        history = client.get(reverse("therapies:ratings", args=[slug])).content.decode()
        section = history[history.index(f'id="{attribute}"') :]
        section = section[: section.index("</section>")]
        assert before in section, slug
        assert after in section, slug
        changes = client.get(reverse("therapies:changes", args=[slug])).content.decode()
        assert earlier.change_summary in changes
        assert current.change_summary in changes


@pytest.mark.django_db
def test_every_sample_therapy_is_published_and_fully_rated(db):
    load_demo()
    therapies = Therapy.objects.all()
    assert therapies.count() >= 12
    assert not ReviewVersion.objects.filter(is_sample=False).exists()
    assert Category.objects.filter(versions__isnull=False).distinct().count() == 5
    for therapy in therapies:
        version = therapy.versions.published().get()
        assert version.ratings.count() == 7, therapy.slug
        assert version.credits.exists(), therapy.slug
        assert 'class="cite"' in version.body_html, therapy.slug
        assert 'class="term"' in version.body_html, therapy.slug
    scores = set(Rating.objects.values_list("score", flat=True))
    assert None in scores
    assert {0, 1, 2, 3, 4, 5} <= scores
    overdue = [v.therapy.slug for v in ReviewVersion.objects.published() if v.is_overdue]
    assert "low-dose-naltrexone" in overdue
    assert 1 <= len(overdue) < ReviewVersion.objects.count() / 2


@pytest.mark.django_db
def test_people_and_glossary_are_rendered(db):
    load_demo()
    people = Person.objects.all()
    assert people.count() == 3
    for person in people:
        assert person.is_sample
        assert person.short_bio
        assert person.role_title
        assert person.bio_html
    assert GlossaryTerm.objects.filter(slug="case-study", variants__icontains="case studies")
    for slug in ["integrative", "complementary", "conventional", "off-label", "meta-analysis"]:
        assert GlossaryTerm.objects.filter(slug=slug).exists(), slug
    for level in ["strong", "modest", "preliminary", "weak"]:
        assert GlossaryTerm.objects.filter(slug=f"{level}-evidence").exists(), level
    for term in GlossaryTerm.objects.all():
        assert term.definition_html, term.slug
    book = Reference.objects.get(key="elsegood-2016")
    assert book.kind == Reference.Kind.BOOK
    assert book.citation.startswith("Elsegood L, ed. The LDN Book. White River Junction, VT")


@pytest.mark.django_db
def test_demo_users_can_sign_in_and_hold_one_role_each(db):
    load_demo()
    roles = {"researcher": "Researcher", "consultant": "Clinical consultant", "editor": "Editor"}
    for username, role in roles.items():
        request = RequestFactory().post("/admin/login/")
        user = authenticate(request, username=username, password="demo-password")
        assert user is not None, username
        assert user.is_staff
        assert not user.is_superuser
        assert list(user.groups.values_list("name", flat=True)) == [role]
    assert Person.objects.get(user__username="researcher").credentials == "MS"
    assert Person.objects.filter(user__username="consultant").exists()


@pytest.mark.django_db
def test_demo_has_a_draft_waiting_for_review_and_an_audit_trail(db):
    load_demo()
    waiting = ReviewVersion.objects.get(state=ReviewVersion.State.IN_REVIEW)
    assert waiting.therapy.slug == "melatonin"
    assert waiting.change_summary
    live = ReviewVersion.objects.published().get(therapy=waiting.therapy)
    assert waiting.summary != live.summary
    side_effects = {
        v.pk: v.ratings.get(attribute__code="side_effects").score for v in [waiting, live]
    }
    assert side_effects[waiting.pk] != side_effects[live.pk]
    assert list(live.audit.order_by("created_at").values_list("action", flat=True)) == [
        "submit", "approve", "publish",
    ]  # fmt: skip
    ldn = ReviewVersion.objects.published().get(therapy__slug="low-dose-naltrexone")
    assert not ReviewVersion.objects.open().filter(therapy=ldn.therapy).exists()
    # Sample data is news for nobody: its submission queues no e-mail.
    assert not ProcrastinateJob.objects.filter(task_name=notify_transition.name).exists()


@pytest.mark.django_db
def test_says_in_two_lines_what_it_loaded_and_how_to_sign_in(db):
    lines = load_demo().splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("Loaded demo content: 14 therapies with published sample reviews")
    assert lines[1] == "Staff sign-ins: researcher, consultant, editor (password 'demo-password')."


@pytest.mark.django_db
def test_second_run_changes_nothing(db):
    load_demo()
    before = {model.__name__: model.objects.count() for model in MODELS}
    html_before = list(ReviewVersion.objects.order_by("pk").values_list("body_html", flat=True))

    output = load_demo()

    assert "already has content" in output
    assert {model.__name__: model.objects.count() for model in MODELS} == before
    assert (
        list(ReviewVersion.objects.order_by("pk").values_list("body_html", flat=True))
        == html_before
    )


@pytest.mark.django_db
def test_every_demo_text_validates(db):
    load_demo()  # the validators look references and glossary terms up in the database
    problems = []
    for where, text in demo_markdown_texts():
        try:
            validate_markdown(text)
            validate_citations(text)
        except ValidationError as error:
            problems.append(f"{where}: {' '.join(error.messages)}")
    assert problems == []
    stored_html = [
        *ReviewVersion.objects.values_list("body_html", flat=True),
        *(
            html
            for row in ReviewVersion.objects.values_list(
                *(f"{name}_html" for name in ReviewVersion.CAUTION_FIELDS)
            )
            for html in row
        ),
        *Rating.objects.values_list("note_html", flat=True),
        *SubPage.objects.values_list("body_html", flat=True),
        *Finding.objects.values_list("sources_html", flat=True),
    ]
    assert not [html for html in stored_html if "-missing" in html]


@pytest.mark.django_db
def test_the_draft_in_review_fits_the_rules_the_admin_checks(db):
    load_demo()
    draft = ReviewVersion.objects.get(state=ReviewVersion.State.IN_REVIEW)
    draft.full_clean()
    for rating in draft.ratings.all():
        rating.full_clean()  # a score within its evidence level's range


@pytest.mark.django_db
def test_every_stored_fragment_of_the_demo_equals_a_fresh_render(capsys):
    load_demo()
    call_command("check_fragments")
    assert "Every stored fragment is current." in capsys.readouterr().out


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "old", "new", "message"),
    [
        (
            "reviews/melatonin.md",
            "\n+++\n",
            "\n",
            "demo/reviews/melatonin.md: the front matter opened by '+++' has no closing '+++' line",
        ),
        (
            "references.toml",
            'key = "toljan-2018"',
            'key = "toljan-2018',
            "demo/references.toml: not valid TOML: ",
        ),
        (
            "glossary.toml",
            'term = "case study"',
            'name = "case study"',
            "demo/glossary.toml, [[term]] number 1: missing term",
        ),
        (
            "reviews/yoga.md",
            "stop_and_call = ",
            "stop_and_cal = ",
            "demo/reviews/yoga.md, cautions: missing stop_and_call",
        ),
        # Refused on save, as the admin refuses it: by then the reviews before it are written.
        (
            "reviews/yoga.md",
            "\n+++\n",
            "\n+++\n\nAs [@nobody-2099] showed.\n",
            "demo/reviews/yoga.md: body: Not found: @nobody-2099.",
        ),
    ],
)
def test_a_malformed_file_is_named_with_its_problem_and_nothing_is_loaded(
    settings, tmp_path, path, old, new, message
):
    folder = shutil.copytree(settings.DEMO_CONTENT_DIR, tmp_path / "demo")
    text = (folder / path).read_text()
    assert old in text
    (folder / path).write_text(text.replace(old, new, 1))
    settings.DEMO_CONTENT_DIR = folder

    with pytest.raises(CommandError) as refusal:
        load_demo()

    assert str(refusal.value).startswith(f"The demo content was not loaded: {message}")
    assert not [model.__name__ for model in MODELS if model.objects.exists()]
    assert not get_user_model().objects.exists()
