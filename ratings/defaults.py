"""The seven attributes, the evidence levels and what each score means, as every database
starts with them.

A migration loads them into a fresh database; editors may then change labels, descriptions
and score mappings. Codes stay fixed.
"""

ATTRIBUTES = [
    ("treatment_outcomes", "Improving treatment outcomes", "Treatment outcomes", True,
     "Evidence that it improves survival, slows tumour growth or spread, or makes conventional "
     "treatment work better."),
    ("body_terrain", "Optimizing your body terrain", "Body terrain", True,
     "Evidence that it improves the body's internal conditions, such as inflammation, insulin "
     "resistance, hormone balance, nutrition or fitness."),
    ("side_effects", "Managing side effects and promoting wellness", "Side effects", True,
     "Evidence that it eases treatment side effects and symptoms or improves quality of life."),
    ("cancer_risk", "Reducing cancer risk", "Cancer risk", True,
     "Evidence that it lowers the risk of developing cancer or of cancer coming back."),
    ("expert_use", "Use by integrative oncology experts", "Expert use", False,
     "Whether clinical practice guidelines and published expert protocols include it."),
    ("safety", "Safety", "Safety", False,
     "Its side effects, cautions, and interactions with cancer treatment."),
    ("access", "Affordability and access", "Access", False,
     "What it costs, whether a prescription is needed, and how easy it is to get."),
]  # fmt: skip

# Which way the evidence points. Scores 1 to 5 grade evidence of benefit; a 0 on an evidence
# attribute says why there is no benefit to report: too little evidence to judge, good evidence
# that it does not help, or evidence that it does harm. Readers must never take one for another.
BENEFIT = "benefit"
TOO_LITTLE = "too_little"
NO_BENEFIT = "no_benefit"
HARM = "harm"

LEVELS = [
    ("strong", "Strong", "", BENEFIT, 5, 5,
     "Consistent, significant effects in several large, well-designed studies, or at least two "
     "moderate-quality meta-analyses that agree."),
    ("good", "Good", "", BENEFIT, 4, 4,
     "Significant effects in several well-designed studies, with few that disagree, but short of "
     "the size or consistency needed for strong evidence."),
    ("modest", "Modest", "", BENEFIT, 3, 3,
     "Significant effects in at least three small well-designed randomized trials, in one or more "
     "well-designed mid-sized studies, or in a meta-analysis of several small studies."),
    ("preliminary", "Preliminary", "", BENEFIT, 2, 2,
     "Significant effects in small or poorly designed studies, or adequate studies that conflict "
     "but mostly show an effect."),
    ("weak", "Weak", "", BENEFIT, 1, 1,
     "Case studies supported by animal research, small effects of limited clinical relevance, "
     "uncontrolled studies, or weak trends."),
    ("insufficient", "Too little to judge", "Too little evidence to judge", TOO_LITTLE, 0, 0,
     "Not yet studied in people, or the studies are too few, too small or too flawed to say "
     "whether it helps. This is not evidence that it does not work: it has not been properly "
     "tested."),
    ("no_benefit", "No benefit", "Good evidence of no benefit", NO_BENEFIT, 0, 0,
     "Well-designed studies of a good size consistently found no benefit. This is evidence that "
     "it does not help with this, not a lack of evidence."),
    ("harm", "Harm", "Evidence of harm", HARM, 0, 0,
     "Well-designed studies found that it made things worse, for example more cancers or "
     "shorter survival. The review's cautions say more."),
]  # fmt: skip

# What each score from 0 to 5 means, per attribute (index = score). For the four evidence
# attributes the scores follow the evidence levels; a 0 is explained by its level.
SCORE_MEANINGS = {
    "treatment_outcomes": (
        "No benefit to report for survival or the cancer's growth: too little evidence to judge, "
        "good evidence that it does not help, or evidence of harm. Its evidence level says which.",
        "Weak evidence that it improves survival, slows the cancer or helps cancer treatment work: "
        "case reports, laboratory and animal studies, uncontrolled studies or small effects.",
        "Preliminary evidence that it improves survival, slows the cancer or helps cancer "
        "treatment work: small or flawed studies, or studies that conflict but mostly agree.",
        "Modest evidence that it improves survival, slows the cancer or helps cancer treatment "
        "work: small well-designed randomized trials or a mid-sized well-designed study.",
        "Good evidence that it improves survival, slows the cancer or helps cancer treatment "
        "work: several well-designed studies, with few that disagree.",
        "Strong evidence that it improves survival, slows the cancer or helps cancer treatment "
        "work: consistent results in several large, well-designed studies.",
    ),
    "body_terrain": (
        "No benefit to report for the body's internal conditions: too little evidence to judge, "
        "good evidence that it does not help, or evidence of harm. Its evidence level says which.",
        "Weak evidence that it improves the body's internal conditions, such as inflammation or "
        "insulin resistance: case reports, animal studies, uncontrolled studies or small effects.",
        "Preliminary evidence that it improves the body's internal conditions: small or flawed "
        "studies, or studies that conflict but mostly agree.",
        "Modest evidence that it improves the body's internal conditions: small well-designed "
        "randomized trials or a mid-sized well-designed study.",
        "Good evidence that it improves the body's internal conditions: several well-designed "
        "studies, with few that disagree.",
        "Strong evidence that it improves the body's internal conditions: consistent results in "
        "several large, well-designed studies.",
    ),
    "side_effects": (
        "No benefit to report for side effects or quality of life: too little evidence to judge, "
        "good evidence that it does not help, or evidence of harm. Its evidence level says which.",
        "Weak evidence that it eases side effects or symptoms or improves quality of life: case "
        "reports, uncontrolled studies or small effects.",
        "Preliminary evidence that it eases side effects or symptoms or improves quality of life: "
        "small or flawed studies, or studies that conflict but mostly agree.",
        "Modest evidence that it eases side effects or symptoms or improves quality of life: small "
        "well-designed randomized trials or a mid-sized well-designed study.",
        "Good evidence that it eases side effects or symptoms or improves quality of life: several "
        "well-designed studies, with few that disagree.",
        "Strong evidence that it eases side effects or symptoms or improves quality of life: "
        "consistent results in several large, well-designed studies.",
    ),
    "cancer_risk": (
        "No benefit to report for the risk of cancer or of its return: too little evidence to "
        "judge, good evidence that it does not help, or evidence of harm. Its evidence level says "
        "which.",
        "Weak evidence that it lowers the risk of cancer or of its return: laboratory and animal "
        "studies, uncontrolled studies or weak trends.",
        "Preliminary evidence that it lowers the risk of cancer or of its return: small or flawed "
        "studies, or studies that conflict but mostly agree.",
        "Modest evidence that it lowers the risk of cancer or of its return: well-designed "
        "mid-sized studies or a meta-analysis of several small ones.",
        "Good evidence that it lowers the risk of cancer or of its return: several well-designed "
        "studies, with few that disagree.",
        "Strong evidence that it lowers the risk of cancer or of its return: consistent results "
        "in several large, well-designed studies.",
    ),
    "expert_use": (
        "Not used by integrative oncology experts, or guidelines advise against it.",
        "Rarely used by integrative oncology experts, and in no published guideline or protocol.",
        "Used by some integrative oncology experts; a few published protocols include it.",
        "Used by many integrative oncology experts and in several published protocols, but not "
        "recommended in major guidelines.",
        "Recommended in at least one clinical practice guideline, or a standard part of most "
        "published integrative oncology protocols.",
        "Recommended in major clinical practice guidelines for people with cancer.",
    ),
    "safety": (
        "Should not be used: serious harm is likely.",
        "Serious risks for many people: serious side effects or dangerous interactions with "
        "cancer treatment are a real possibility.",
        "Use only with your care team's supervision: common or significant side effects, or "
        "important interactions with cancer treatment or other medicines.",
        "Generally safe with care: some side effects, cautions or interactions your care team "
        "should know about.",
        "Safe for most people: mild side effects and few cautions or interactions, easily managed.",
        "Very safe: side effects are rare and mild, with no known important interactions.",
    ),
    "access": (
        "Not available to most people: for example, only in clinical trials or not sold.",
        "Very costly, or available only in a few clinics or countries.",
        "Costly or hard to get: a specialist practitioner, a prescription that is hard to obtain, "
        "or limited supply.",
        "Moderately costly, or needs a prescription or a trained practitioner, but available in "
        "most places.",
        "Inexpensive and easy to get, perhaps with a prescription or a practitioner that is easy "
        "to find.",
        "Cheap, no prescription needed, and easy to find.",
    ),
}


def seed(Attribute, EvidenceLevel, ScoreMeaning):  # noqa: N803 (model classes, historical too)
    for order, (code, label, short, evidence, rated_on) in enumerate(ATTRIBUTES, start=1):
        Attribute.objects.update_or_create(
            code=code,
            defaults={
                "label": label,
                "short_label": short,
                "is_evidence_based": evidence,
                "rated_on": rated_on,
                "order": order,
            },
        )
    for order, (code, label, badge, direction, low, high, definition) in enumerate(LEVELS, start=1):
        EvidenceLevel.objects.update_or_create(
            code=code,
            defaults={
                "label": label,
                "badge_text": badge,
                "direction": direction,
                "score_min": low,
                "score_max": high,
                "definition": definition,
                "order": order,
            },
        )
    attributes = {a.code: a for a in Attribute.objects.filter(code__in=SCORE_MEANINGS)}
    for code, meanings in SCORE_MEANINGS.items():
        for score, meaning in enumerate(meanings):
            ScoreMeaning.objects.update_or_create(
                attribute=attributes[code], score=score, defaults={"meaning": meaning}
            )
