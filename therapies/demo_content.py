"""Sample content for local demonstration, loaded by ``python manage.py load_demo``.

Everything here is demonstration data. The people are fictional, and every therapy is marked
``is_sample`` so its pages say the ratings are not real assessments. The references are real
publications as far as we know them; where we were not sure of a DOI or PMID we left it empty
rather than guess.

Markdown follows the house syntax (see ``therapies.markdown``): ``[@key]`` or
``[@key, p. 20; @other]`` cites references by key, and ``[[term]]`` or ``[[shown|slug]]`` marks
a glossary term. On sub-pages a single ``#`` heading becomes the page's second-level heading.

The structures are plain lists of dicts so editors can read and change them without knowing
the loader.
"""

from datetime import date
from textwrap import dedent


def md(text: str) -> str:
    """Markdown written indented inside this module, with the indentation removed."""
    return dedent(text).strip()


DEMO_PASSWORD = "demo-password"

# Sign-ins for trying the admin locally. Role groups come later; for now all are staff.
USERS = [
    {
        "username": "researcher",
        "first_name": "Miriam",
        "last_name": "Calloway",
        "email": "researcher@example.org",
        "role": "Researcher",
    },
    {
        "username": "consultant",
        "first_name": "Teresa",
        "last_name": "Okafor",
        "email": "consultant@example.org",
        "role": "Clinical consultant",
    },
    {
        "username": "editor",
        "first_name": "Demo",
        "last_name": "Editor",
        "email": "editor@example.org",
        "role": "Editor",
    },
]

CATEGORIES = [
    {
        "name": "Off-label drugs",
        "slug": "off-label-drugs",
        "description": "Prescription drugs approved for other conditions and sometimes prescribed "
        "for people with cancer.",
        "order": 1,
    },
    {
        "name": "Supplements and herbs",
        "slug": "supplements-and-herbs",
        "description": "Vitamins, hormones, plant extracts and other products sold as dietary "
        "supplements.",
        "order": 2,
    },
    {
        "name": "Mind-body practices",
        "slug": "mind-body-practices",
        "description": "Practices that work through the connection between mind and body, such as "
        "yoga, meditation and acupuncture.",
        "order": 3,
    },
    {
        "name": "Lifestyle",
        "slug": "lifestyle",
        "description": "Everyday actions such as physical activity, eating and sleep.",
        "order": 4,
    },
    {
        "name": "Natural products",
        "slug": "natural-products",
        "description": "Mushrooms, plants and foods, and extracts made from them.",
        "order": 5,
    },
]

CANCER_TYPES = [
    {"name": "Advanced cancer", "slug": "advanced-cancer"},
    {"name": "Brain cancer", "slug": "brain-cancer"},
    {"name": "Breast cancer", "slug": "breast-cancer"},
    {"name": "Cancer as a whole", "slug": "cancer-as-a-whole"},
    {"name": "Colorectal cancer", "slug": "colorectal-cancer"},
    {"name": "Lung cancer", "slug": "lung-cancer"},
    {"name": "Pancreatic cancer", "slug": "pancreatic-cancer"},
    {"name": "Prostate cancer", "slug": "prostate-cancer"},
]

GLOSSARY_TERMS = [
    {
        "term": "case study",
        "slug": "case-study",
        "variants": "case studies, case report, case reports, case series",
        "short_definition": "A detailed description of what happened to one person or a small "
        "group over time, with no comparison group, so it cannot show that a treatment caused "
        "the change.",
        "definition": md(
            """
            A case study (or case report) describes one person, or a small group of people,
            and the changes seen over time while they used a treatment.

            Case studies are useful for noticing something new, but they are a weak design:
            nobody can tell what would have happened to the same people without the
            treatment, and unusual results are more likely to be written up than ordinary
            ones. We treat them as a reason to look further, not as proof. See also
            [[randomized controlled trial]].
            """
        ),
    },
    {
        "term": "integrative",
        "slug": "integrative",
        "variants": "integrative oncology, integrative care, integrative cancer care",
        "short_definition": "An approach to cancer care that brings conventional treatment, "
        "self-care and evidence-informed complementary therapies together in one plan built "
        "around the person.",
        "definition": md(
            """
            Integrative cancer care combines the best of [[conventional]] treatment with
            self-care and [[complementary]] therapies that have reasonable evidence behind
            them, coordinated by the person's care team.

            It is centred on the whole person, including their goals, values and quality of
            life, not only on the tumour.
            """
        ),
    },
    {
        "term": "complementary",
        "slug": "complementary",
        "variants": "complementary therapy, complementary therapies, complementary care",
        "short_definition": "Used alongside conventional cancer treatment to support it, not "
        "instead of it; examples include some supplements, acupuncture and yoga.",
        "definition": md(
            """
            A complementary therapy is used together with [[conventional]] treatment, to
            support it or to ease symptoms and side effects. Examples include some
            supplements, mind-body practices such as yoga and meditation, and acupuncture.

            A therapy used *in place of* conventional treatment is usually called
            alternative. We review therapies for complementary use.
            """
        ),
    },
    {
        "term": "conventional",
        "slug": "conventional",
        "variants": "conventional treatment, conventional treatments, conventional medicine, "
        "conventional care, standard treatment",
        "short_definition": "The cancer treatment offered by most hospitals and oncologists, such "
        "as surgery, chemotherapy, radiotherapy, hormone therapy and immunotherapy.",
        "definition": md(
            """
            Conventional treatment is the care offered by conventionally trained doctors in
            most hospitals and cancer centres: surgery, chemotherapy, radiotherapy, hormone
            therapy, targeted drugs and immunotherapy.
            """
        ),
    },
    {
        "term": "off-label",
        "slug": "off-label",
        "variants": "off label, off-label use",
        "short_definition": "Prescribing an approved drug for a condition, dose or group of "
        "people that its official approval does not cover.",
        "definition": md(
            """
            A drug is approved by a regulator, such as the US Food and Drug Administration,
            for particular uses and doses. Prescribing it for anything else is called
            off-label use.

            Off-label prescribing is legal and common, and doctors are expected to base it
            on sound evidence and their clinical judgement. Insurance may not pay for it.
            """
        ),
    },
    {
        "term": "opioid antagonist",
        "slug": "opioid-antagonist",
        "variants": "opioid antagonists, opioid blocker, opioid blockers",
        "short_definition": "A drug that attaches to the body's opioid receptors and blocks "
        "them, so opioids have less or no effect.",
        "definition": md(
            """
            An opioid antagonist fills the receptors that opioid drugs, and the body's own
            endorphins, normally act on. At usual doses this blocks the effects of opioids,
            which is why these drugs are used to reverse overdoses and to treat addiction.
            """
        ),
    },
    {
        "term": "randomized controlled trial",
        "slug": "randomized-controlled-trial",
        "variants": "randomized controlled trials, randomised controlled trial, RCT, RCTs, "
        "randomized trial, randomized trials",
        "short_definition": "A study in which people are assigned by chance to a treatment or a "
        "comparison; the most reliable single design for testing whether a treatment works.",
        "definition": md(
            """
            In a randomized controlled trial, participants are assigned by chance to receive
            the treatment being tested or a comparison, such as a [[placebo]] or usual care.
            Because chance decides who gets what, differences in outcome are more likely to
            be caused by the treatment itself.

            Trials can still be too small, too short, or poorly run, so we look at how each
            one was designed as well as at its results.
            """
        ),
    },
    {
        "term": "meta-analysis",
        "slug": "meta-analysis",
        "variants": "meta-analyses",
        "short_definition": "A study that combines the results of several similar studies "
        "statistically to reach a more precise overall estimate.",
        "definition": md(
            """
            A meta-analysis pools the results of several studies of the same question,
            usually found through a [[systematic review]]. It can detect effects that single
            small studies miss, but it is only as good as the studies it combines.
            """
        ),
    },
    {
        "term": "systematic review",
        "slug": "systematic-review",
        "variants": "systematic reviews",
        "short_definition": "A review that searches for, appraises and summarizes all the "
        "studies on a question, using methods set out in advance.",
        "definition": md(
            """
            A systematic review follows a published plan to find every relevant study on a
            question, judge its quality and summarize the results. When the studies are
            similar enough, it may include a [[meta-analysis]].
            """
        ),
    },
    {
        "term": "observational study",
        "slug": "observational-study",
        "variants": "observational studies, cohort study, cohort studies",
        "short_definition": "A study that follows people and records what they do and what "
        "happens to them, without assigning any treatment.",
        "definition": md(
            """
            Observational studies can follow very large groups for many years, which makes
            them good at spotting links between habits and health. Because people choose
            their own habits, other differences between them may explain the link, so an
            observational study cannot prove cause and effect.
            """
        ),
    },
    {
        "term": "preclinical",
        "slug": "preclinical",
        "variants": "preclinical studies, preclinical evidence, laboratory studies",
        "short_definition": "Research in cells or animals rather than people; promising "
        "preclinical results often do not carry over to people.",
        "definition": md(
            """
            Preclinical research studies cells in the laboratory or animals. It helps
            explain how a therapy might work and whether it is worth testing in people, but
            many therapies that look promising at this stage do not help people with cancer.
            """
        ),
    },
    {
        "term": "placebo",
        "slug": "placebo",
        "variants": "placebos, placebo-controlled",
        "short_definition": "An inactive treatment made to look like the real one, so "
        "researchers can tell the therapy's effects apart from expectations.",
        "definition": md(
            """
            A placebo looks like the treatment being tested but contains nothing active.
            Comparing the two shows how much of any improvement comes from the treatment
            itself rather than from expectation, attention or the passing of time.
            """
        ),
    },
    {
        "term": "quality of life",
        "slug": "quality-of-life",
        "variants": "quality-of-life",
        "short_definition": "How well a person feels and functions day to day, physically, "
        "emotionally and socially, as they themselves report it.",
        "definition": md(
            """
            Quality of life is usually measured with questionnaires that people fill in
            themselves, covering physical symptoms, mood, daily activities and
            relationships.
            """
        ),
    },
    {
        "term": "body terrain",
        "slug": "body-terrain",
        "variants": "terrain",
        "short_definition": "The internal conditions of the body that may influence cancer, "
        "such as inflammation, blood sugar and insulin, hormones, nutrition and fitness.",
        "definition": md(
            """
            Body terrain describes the conditions inside the body in which cancer grows or
            is held back: inflammation, blood sugar and insulin, hormone balance, immune
            function, nutrition and fitness. Many [[integrative]] approaches aim to improve
            these conditions alongside treatment aimed at the tumour.
            """
        ),
    },
    {
        "term": "clinical practice guideline",
        "slug": "clinical-practice-guideline",
        "variants": "clinical practice guidelines, guideline, guidelines",
        "short_definition": "Recommendations for care written by a panel of experts after a "
        "formal review of the evidence.",
        "definition": md(
            """
            Professional societies publish clinical practice guidelines after a panel
            reviews the evidence on a question, often through a [[systematic review]]. We
            count a therapy's inclusion in guidelines when rating use by experts.
            """
        ),
    },
    {
        "term": "compounding pharmacy",
        "slug": "compounding-pharmacy",
        "variants": "compounding pharmacies, compounded",
        "short_definition": "A pharmacy that prepares medicines to a prescriber's order in a "
        "strength or form not sold ready-made.",
        "definition": md(
            """
            A compounding pharmacy makes a medicine to order, for example a capsule at a
            lower dose than any commercial tablet. Quality standards for compounding vary,
            so it is worth asking how a pharmacy checks its products.
            """
        ),
    },
    {
        "term": "strong evidence",
        "slug": "strong-evidence",
        "variants": "",
        "short_definition": "Consistent, significant effects in several large, well-designed "
        "studies, or in at least two moderate-quality meta-analyses that agree.",
        "definition": md(
            """
            Our highest evidence level. Several large, well-designed studies, usually
            [[randomized controlled trials]], show consistent and significant effects, or
            at least two [[meta-analyses]] of moderate quality agree.
            """
        ),
    },
    {
        "term": "good evidence",
        "slug": "good-evidence",
        "variants": "",
        "short_definition": "Significant effects in several well-designed studies with few that "
        "disagree, but not yet enough for strong evidence.",
        "definition": md(
            """
            Several well-designed studies show significant effects and few disagree, but the
            studies are not yet large or consistent enough to count as
            [[strong evidence]].
            """
        ),
    },
    {
        "term": "modest evidence",
        "slug": "modest-evidence",
        "variants": "",
        "short_definition": "Significant effects in at least three small well-designed trials, "
        "in one or more well-designed mid-sized studies, or in a meta-analysis of small studies.",
        "definition": md(
            """
            Significant effects in at least three small, well-designed
            [[randomized controlled trials]], in one or more well-designed mid-sized
            studies, or in a [[meta-analysis]] of several small studies.
            """
        ),
    },
    {
        "term": "preliminary evidence",
        "slug": "preliminary-evidence",
        "variants": "",
        "short_definition": "Significant effects in small or poorly designed studies, or in "
        "adequate studies that conflict but mostly show an effect.",
        "definition": md(
            """
            Small or poorly designed studies show significant effects, or adequate studies
            disagree with each other but mostly show an effect. Findings at this level are
            worth knowing about but could change as better studies appear.
            """
        ),
    },
    {
        "term": "weak evidence",
        "slug": "weak-evidence",
        "variants": "",
        "short_definition": "Case studies supported by animal research, small effects of little "
        "clinical importance, uncontrolled studies, or weak trends.",
        "definition": md(
            """
            [[Case studies]] supported by animal research, effects too small to matter much
            in practice, studies with no comparison group, or trends that did not reach
            statistical significance.
            """
        ),
    },
    {
        "term": "insufficient evidence",
        "slug": "insufficient-evidence",
        "variants": "no evidence",
        "short_definition": "No studies showing a benefit, or too few to judge.",
        "definition": md(
            """
            We found no studies in people showing a benefit, or too few to reach any
            conclusion. This is not the same as evidence that a therapy does *not* work.
            """
        ),
    },
]

REFERENCES = [
    # Low-dose naltrexone
    {
        "key": "elsegood-2016",
        "kind": "book",
        "authors": "Elsegood L, ed",
        "title": "The LDN Book",
        "container": "Chelsea Green Publishing",
        "place": "White River Junction, VT",
        "year": 2016,
    },
    {
        "key": "dailymed-naltrexone",
        "kind": "web",
        "title": "Naltrexone hydrochloride tablets: prescribing information",
        "container": "DailyMed, US National Library of Medicine",
        "url": "https://dailymed.nlm.nih.gov/dailymed/",
        "viewed_on": date(2021, 9, 14),
    },
    {
        "key": "toljan-2018",
        "authors": "Toljan K, Vrooman B",
        "title": "Low-dose naltrexone (LDN): review of therapeutic utilization",
        "container": "Med Sci (Basel)",
        "year": 2018,
        "volume": "6",
        "issue": "4",
        "pages": "82",
        "doi": "10.3390/medsci6040082",
    },
    {
        "key": "younger-2014",
        "authors": "Younger J, Parkitny L, McLain D",
        "title": "The use of low-dose naltrexone (LDN) as a novel anti-inflammatory treatment "
        "for chronic pain",
        "container": "Clin Rheumatol",
        "year": 2014,
        "volume": "33",
        "issue": "4",
        "pages": "451-459",
        "doi": "10.1007/s10067-014-2517-2",
    },
    {
        "key": "zagon-2014",
        "authors": "Zagon IS, McLaughlin PJ",
        "title": "Opioid growth factor and the treatment of human pancreatic cancer: a review",
        "container": "World J Gastroenterol",
        "year": 2014,
        "volume": "20",
        "issue": "9",
        "pages": "2218-2223",
        "doi": "10.3748/wjg.v20.i9.2218",
        "pmid": "24605021",
    },
    {
        "key": "miskoff-2018",
        "authors": "Miskoff JA, Chaudhri M",
        "title": "Low dose naltrexone and lung cancer: a case report and discussion",
        "container": "Cureus",
        "year": 2018,
        "volume": "10",
        "issue": "7",
        "pages": "e2924",
        "doi": "10.7759/cureus.2924",
    },
    {
        "key": "lissoni-1993",
        "authors": "Lissoni P, et al",
        "title": "Radioendocrine therapy of brain tumors with the long acting opioid antagonist "
        "naltrexone in association with radiotherapy",
        "container": "Tumori",
        "year": 1993,
        "volume": "79",
        "issue": "3",
        "pages": "198-201",
        "pmid": "8236504",
    },
    {
        "key": "liu-2016",
        "authors": "Liu WM, Scott KA, Dennis JL, et al",
        "title": "Naltrexone at low doses upregulates a unique gene expression not seen with "
        "normal doses: implications for its use in cancer therapy",
        "container": "Int J Oncol",
        "year": 2016,
        "volume": "49",
        "issue": "2",
        "pages": "793-802",
    },
    {
        "key": "kim-2020",
        "authors": "Kim PS, Fishman MA",
        "title": "Low-dose naltrexone for chronic pain: update and systemic review",
        "container": "Curr Pain Headache Rep",
        "year": 2020,
        "volume": "24",
        "issue": "10",
        "pages": "64",
    },
    {
        "key": "donahue-2011",
        "authors": "Donahue RN, McLaughlin PJ, Zagon IS",
        "title": "Low-dose naltrexone targets the opioid growth factor-opioid growth factor "
        "receptor pathway to inhibit cell proliferation: mechanistic evidence from a tissue "
        "culture model",
        "container": "Exp Biol Med (Maywood)",
        "year": 2011,
        "volume": "236",
        "issue": "9",
        "pages": "1036-1050",
    },
    # Melatonin
    {
        "key": "seely-2012",
        "authors": "Seely D, Wu P, Fritz H, et al",
        "title": "Melatonin as adjuvant cancer care with and without chemotherapy: a systematic "
        "review and meta-analysis of randomized trials",
        "container": "Integr Cancer Ther",
        "year": 2012,
        "volume": "11",
        "issue": "4",
        "pages": "293-303",
    },
    {
        "key": "lissoni-1996",
        "authors": "Lissoni P, et al",
        "title": "Increased survival time in brain glioblastomas by a radioneuroendocrine "
        "strategy with radiotherapy plus melatonin compared to radiotherapy alone",
        "container": "Oncology",
        "year": 1996,
        "volume": "53",
        "issue": "1",
        "pages": "43-46",
    },
    # Mistletoe
    {
        "key": "horneber-2008",
        "authors": "Horneber M, Bueschel G, Huber R, Linde K, Rostock M",
        "title": "Mistletoe therapy in oncology",
        "container": "Cochrane Database Syst Rev",
        "year": 2008,
        "issue": "2",
        "pages": "CD003297",
        "doi": "10.1002/14651858.CD003297.pub2",
    },
    {
        "key": "troger-2013",
        "authors": "Tröger W, Galun D, Reif M, et al",
        "title": "Viscum album [L.] extract therapy in patients with locally advanced or "
        "metastatic pancreatic cancer: a randomised clinical trial on overall survival",
        "container": "Eur J Cancer",
        "year": 2013,
        "volume": "49",
        "issue": "18",
        "pages": "3788-3797",
    },
    # Curcumin
    {
        "key": "gupta-2013",
        "authors": "Gupta SC, Patchva S, Aggarwal BB",
        "title": "Therapeutic roles of curcumin: lessons learned from clinical trials",
        "container": "AAPS J",
        "year": 2013,
        "volume": "15",
        "issue": "1",
        "pages": "195-218",
    },
    {
        "key": "ryan-2013",
        "authors": "Ryan JL, Heckler CE, Ling M, et al",
        "title": "Curcumin for radiation dermatitis: a randomized, double-blind, "
        "placebo-controlled clinical trial of thirty breast cancer patients",
        "container": "Radiat Res",
        "year": 2013,
        "volume": "180",
        "issue": "1",
        "pages": "34-43",
    },
    # Vitamin D
    {
        "key": "manson-2019",
        "authors": "Manson JE, Cook NR, Lee IM, et al",
        "title": "Vitamin D supplements and prevention of cancer and cardiovascular disease",
        "container": "N Engl J Med",
        "year": 2019,
        "volume": "380",
        "issue": "1",
        "pages": "33-44",
        "doi": "10.1056/NEJMoa1809944",
    },
    {
        "key": "keum-2019",
        "authors": "Keum N, Lee DH, Greenwood DC, Manson JE, Giovannucci E",
        "title": "Vitamin D supplementation and total cancer incidence and mortality: a "
        "meta-analysis of randomized controlled trials",
        "container": "Ann Oncol",
        "year": 2019,
        "volume": "30",
        "issue": "5",
        "pages": "733-743",
    },
    # Omega-3 fatty acids
    {
        "key": "murphy-2011",
        "authors": "Murphy RA, Mourtzakis M, Chu QS, et al",
        "title": "Nutritional intervention with fish oil provides a benefit over standard of "
        "care for weight and skeletal muscle mass in patients with nonsmall cell lung cancer "
        "receiving chemotherapy",
        "container": "Cancer",
        "year": 2011,
        "volume": "117",
        "issue": "8",
        "pages": "1775-1782",
    },
    # Guidelines used by several reviews
    {
        "key": "mao-2022",
        "authors": "Mao JJ, Ismaila N, Bao T, et al",
        "title": "Integrative medicine for pain management in oncology: Society for "
        "Integrative Oncology-ASCO guideline",
        "container": "J Clin Oncol",
        "year": 2022,
        "volume": "40",
        "issue": "34",
        "pages": "3998-4024",
        "doi": "10.1200/JCO.22.01357",
    },
    {
        "key": "greenlee-2017",
        "authors": "Greenlee H, DuPont-Reyes MJ, Balneaves LG, et al",
        "title": "Clinical practice guidelines on the evidence-based use of integrative "
        "therapies during and after breast cancer treatment",
        "container": "CA Cancer J Clin",
        "year": 2017,
        "volume": "67",
        "issue": "3",
        "pages": "194-232",
        "doi": "10.3322/caac.21397",
    },
    # Yoga
    {
        "key": "mustian-2013",
        "authors": "Mustian KM, Sprod LK, Janelsins M, et al",
        "title": "Multicenter, randomized controlled trial of yoga for sleep quality among "
        "cancer survivors",
        "container": "J Clin Oncol",
        "year": 2013,
        "volume": "31",
        "issue": "26",
        "pages": "3233-3241",
    },
    # Exercise
    {
        "key": "campbell-2019",
        "authors": "Campbell KL, Winters-Stone KM, Wiskemann J, et al",
        "title": "Exercise guidelines for cancer survivors: consensus statement from "
        "international multidisciplinary roundtable",
        "container": "Med Sci Sports Exerc",
        "year": 2019,
        "volume": "51",
        "issue": "11",
        "pages": "2375-2390",
        "doi": "10.1249/MSS.0000000000002116",
        "pmid": "31626055",
    },
    {
        "key": "mctiernan-2019",
        "authors": "McTiernan A, Friedenreich CM, Katzmarzyk PT, et al",
        "title": "Physical activity in cancer prevention and survival: a systematic review",
        "container": "Med Sci Sports Exerc",
        "year": 2019,
        "volume": "51",
        "issue": "6",
        "pages": "1252-1261",
    },
    # Turkey tail
    {
        "key": "torkelson-2012",
        "authors": "Torkelson CJ, Sweet E, Martzen MR, et al",
        "title": "Phase 1 clinical trial of Trametes versicolor in women with breast cancer",
        "container": "ISRN Oncol",
        "year": 2012,
        "volume": "2012",
        "pages": "251632",
    },
    # Green tea
    {
        "key": "filippini-2020",
        "authors": "Filippini T, Malavolti M, Borrelli F, et al",
        "title": "Green tea (Camellia sinensis) for the prevention of cancer",
        "container": "Cochrane Database Syst Rev",
        "year": 2020,
        "issue": "3",
        "pages": "CD005004",
    },
    # Ginger
    {
        "key": "ryan-2012",
        "authors": "Ryan JL, Heckler CE, Roscoe JA, et al",
        "title": "Ginger (Zingiber officinale) reduces acute chemotherapy-induced nausea: a "
        "URCC CCOP study of 576 patients",
        "container": "Support Care Cancer",
        "year": 2012,
        "volume": "20",
        "issue": "7",
        "pages": "1479-1489",
    },
    # Mindfulness meditation
    {
        "key": "carlson-2013",
        "authors": "Carlson LE, Doll R, Stephen J, et al",
        "title": "Randomized controlled trial of mindfulness-based cancer recovery versus "
        "supportive expressive group therapy for distressed survivors of breast cancer "
        "(MINDSET)",
        "container": "J Clin Oncol",
        "year": 2013,
        "volume": "31",
        "issue": "25",
        "pages": "3119-3126",
    },
    # Metformin
    {
        "key": "goodwin-2022",
        "authors": "Goodwin PJ, Chen BE, Gelmon KA, et al",
        "title": "Effect of metformin vs placebo on invasive disease-free survival in patients "
        "with breast cancer: the MA.32 randomized clinical trial",
        "container": "JAMA",
        "year": 2022,
        "volume": "327",
        "issue": "20",
        "pages": "1963-1973",
    },
]

# Fictional people for the sample reviews. "user" names the sign-in each is linked to.
PEOPLE = [
    {
        "name": "Miriam Calloway",
        "slug": "miriam-calloway",
        "credentials": "MS",
        "role_title": "Lead Researcher",
        "user": "researcher",
        "short_bio": "Miriam leads the research and writing of our reviews, turning large "
        "bodies of study results into clear, careful summaries.",
        "bio": md(
            """
            Miriam Calloway searches the research literature for each therapy we review,
            judges the quality of the studies she finds, and writes the first draft of
            every review and its ratings. She trained in epidemiology and spent many years
            designing surveys and analysing data for public health programs before moving
            into writing about health research for general readers.

            She cares most about two things: that every statement on a review can be traced
            to its source, and that people reading about a therapy for the first time come
            away knowing both what is promising and what is still uncertain.
            """
        ),
    },
    {
        "name": "Teresa Okafor",
        "slug": "teresa-okafor",
        "credentials": "MSN, RN, AOCNS",
        "role_title": "Senior Clinical Consultant",
        "user": "consultant",
        "short_bio": "Teresa is an oncology clinical nurse specialist who checks each review "
        "for clinical accuracy and for what matters most to patients.",
        "bio": md(
            """
            Teresa Okafor is an advanced oncology clinical nurse specialist with a long
            career in hospital and outpatient cancer care. She has led symptom-management
            clinics and taught nurses how to talk with patients about [[complementary]]
            therapies openly and without judgement.

            For our reviews she checks that the clinical details are right, that cautions
            and interactions are complete, and that the language makes sense to someone in
            the middle of treatment. No review is published without her approval.
            """
        ),
    },
    {
        "name": "Samuel Whitfield",
        "slug": "samuel-whitfield",
        "credentials": "ND, FABNO",
        "role_title": "Naturopathic Oncologist",
        "user": None,
        "short_bio": "Samuel is a board-certified naturopathic oncologist who reviews how "
        "therapies are used in everyday integrative cancer practice.",
        "bio": md(
            """
            Samuel Whitfield is a naturopathic doctor board-certified in naturopathic
            oncology. He works alongside medical and radiation oncologists in a community
            cancer centre, where he sees adults at every stage of treatment and recovery.

            As an expert reviewer he compares each review with current [[integrative]]
            practice: which therapies experienced clinicians actually use, in what doses,
            and with which precautions.
            """
        ),
    },
]

_FULL_TEAM = [
    {"person": "miriam-calloway", "role": "lead_researcher"},
    {"person": "teresa-okafor", "role": "clinical_reviewer"},
    {"person": "samuel-whitfield", "role": "expert_reviewer"},
]
_CORE_TEAM = _FULL_TEAM[:2]

CHANGE_SUMMARY = "First published version of this sample review."

NOT_RATED_NOTE = "- We have not rated this yet. We will add a rating after our next full review."

# Each therapy has one published version. Ratings are keyed by attribute code; "score" None
# means "not rated yet". "level" is an evidence-level code, for the four evidence attributes.
THERAPIES = [
    {
        "name": "Low-dose naltrexone",
        "slug": "low-dose-naltrexone",
        "alternate_names": "LDN, naltrexone",
        "category": "off-label-drugs",
        "cancer_types": [
            "brain-cancer",
            "pancreatic-cancer",
            "lung-cancer",
            "advanced-cancer",
            "cancer-as-a-whole",
        ],
        "review_interval_months": 24,
        "summary": "A prescription drug given off-label in small doses to people with cancer, "
        "with a few encouraging but very early results in hard-to-treat and advanced cancers.",
        "last_updated": date(2023, 12, 12),
        "literature_reviewed": date(2021, 9, 1),
        "body": md(
            """
            Naltrexone is an [[opioid antagonist]]: it blocks the receptors that opioid drugs
            act on. In the United States it is approved at doses of 50 mg or more to help
            people recover from opioid or alcohol addiction [@dailymed-naltrexone]. Taken at
            a small fraction of that dose, usually a few milligrams a day, it is called
            low-dose naltrexone (LDN), and doctors prescribe it [[off-label]] for cancer and
            a range of other conditions [@toljan-2018].

            Doctors in every US state may prescribe a drug off-label when they judge that the
            evidence supports it. For LDN in cancer, that evidence comes mostly from small
            studies and [[case studies]] rather than large
            [[randomized controlled trials]] [@elsegood-2016, p. 20]. It is used as a
            [[complementary]] therapy alongside [[conventional]] treatment, not instead of it.

            So far the evidence for better treatment outcomes is thin but encouraging:
            reports link naltrexone to longer survival among people with a few hard-to-treat
            cancers, including glioma and pancreatic cancer [@lissoni-1993; @elsegood-2016].
            LDN may also ease some kinds of long-lasting pain not caused by cancer
            [@younger-2014]. Larger, well-designed studies are needed before anyone can say
            how much it helps.
            """
        ),
        "ratings": {
            "treatment_outcomes": {
                "score": 2,
                "level": "preliminary",
                "note": md(
                    """
                    - One small [[randomized controlled trial]] found more people with
                      high-grade glioma alive after a year when naltrexone was added to
                      radiotherapy; it used a standard dose, not a low one [@lissoni-1993].
                    - [[Case studies]] describe people with advanced pancreatic and other
                      cancers who lived longer than expected while using LDN with other
                      therapies [@elsegood-2016].
                    - [[Preclinical]] studies suggest LDN may slow the growth of cancer
                      cells [@zagon-2014; @liu-2016]; this has not been confirmed in people.
                    """
                ),
            },
            "body_terrain": {
                "score": None,
                "level": None,
                "note": md(
                    """
                    - We have not rated this yet. Early research suggests LDN may calm
                      inflammation in the nervous system [@younger-2014], but we found no
                      studies of this in people with cancer.
                    """
                ),
            },
            "side_effects": {
                "score": 2,
                "level": "preliminary",
                "note": md(
                    """
                    - Small [[placebo]]-controlled trials in fibromyalgia, a pain condition
                      not related to cancer, found less pain with LDN [@younger-2014].
                    - A review of LDN for chronic pain reached a similar, cautious
                      conclusion [@kim-2020].
                    - We found no studies of LDN for treatment side effects or cancer pain.
                    """
                ),
            },
            "cancer_risk": {
                "score": 0,
                "level": "insufficient",
                "note": md(
                    """
                    - We found no studies of LDN for preventing cancer or preventing a
                      cancer from coming back.
                    - Laboratory findings [@zagon-2014] cannot tell us whether LDN lowers
                      risk in people.
                    """
                ),
            },
            "expert_use": {
                "score": 3,
                "level": None,
                "note": md(
                    """
                    - Some [[integrative]] oncology practitioners include LDN in their
                      protocols, usually together with other therapies [@elsegood-2016].
                    - No major [[clinical practice guidelines]] for cancer care recommend it.
                    """
                ),
            },
            "safety": {
                "score": 4,
                "level": None,
                "note": md(
                    """
                    - At low doses LDN is usually well tolerated; vivid dreams and trouble
                      sleeping in the first weeks are the most common complaints
                      [@younger-2014; @toljan-2018].
                    - It blocks opioid pain medicines, so people taking opioids should not
                      start it without their doctor's advice [@dailymed-naltrexone].
                    """
                ),
            },
            "access": {
                "score": 3,
                "level": None,
                "note": md(
                    """
                    - LDN needs a prescription and is usually made up by a
                      [[compounding pharmacy]] [@toljan-2018].
                    - The drug is inexpensive, but insurance rarely pays for off-label use.
                    """
                ),
            },
        },
        "subpages": [
            {
                "kind": "how-it-can-help",
                "body": md(
                    """
                    We group findings by the benefit they relate to and by cancer type. Each
                    begins with its evidence level; our rating methodology explains what
                    the levels mean.

                    # Improving treatment outcomes

                    ## Brain cancer

                    - [[Preliminary evidence]] of longer survival when naltrexone is added
                      to radiotherapy among people with high-grade gliomas, from one small
                      randomized trial that used a standard rather than a low dose
                      [@lissoni-1993]

                    ## Pancreatic cancer

                    - [[Weak evidence]] of longer survival among people with advanced
                      pancreatic cancer who used LDN together with other complementary
                      therapies, from [[case studies]] [@elsegood-2016, pp. 20-24]
                    - Laboratory studies of the opioid growth factor pathway, which LDN is
                      thought to act on, support further research [@zagon-2014]

                    ## Lung cancer

                    - [[Weak evidence]] of slower disease progression among people with lung
                      cancer, from a single [[case report]] [@miskoff-2018]

                    # Managing side effects and promoting wellness

                    ## Cancer as a whole

                    - [[Insufficient evidence]]: we found no studies of LDN for side effects
                      of cancer treatment

                    ## Conditions other than cancer

                    - [[Preliminary evidence]] of reduced pain among people with
                      fibromyalgia [@younger-2014; @kim-2020]

                    # Optimizing your body terrain

                    We have not rated this benefit yet. Research on LDN and inflammation
                    has so far been done outside cancer care [@younger-2014].

                    # Reducing cancer risk

                    - [[Insufficient evidence]]: we found no studies of LDN for lowering the
                      risk of cancer or of a cancer coming back
                    """
                ),
            },
            {
                "kind": "expert-use",
                "body": md(
                    """
                    # Clinical practice guidelines

                    No [[clinical practice guidelines]] from oncology or integrative
                    oncology societies include LDN.

                    # Expert protocols

                    Practitioners who use LDN for cancer usually prescribe between 1.5 and
                    4.5 mg once a day, often at bedtime, sometimes starting low and
                    increasing slowly [@toljan-2018; @elsegood-2016]. It is typically one
                    part of a wider [[integrative]] plan rather than a treatment on its own.

                    Dosing should be decided with the prescribing doctor; this page does not
                    give medical advice.
                    """
                ),
            },
            {
                "kind": "safety",
                "body": md(
                    """
                    # Cautions

                    - Do not take LDN while using opioid pain medicines unless your doctor
                      has planned for it: naltrexone blocks their effect and can bring on
                      withdrawal [@dailymed-naltrexone].
                    - Tell every member of your care team that you take LDN, including
                      before surgery, when opioids may be given for pain.

                    # Side effects

                    - The most often reported side effects are vivid dreams, trouble
                      sleeping and, less often, headache; they usually settle within a few
                      weeks [@younger-2014; @toljan-2018].

                    # Interactions with cancer treatment

                    - We found no reports of LDN interfering with chemotherapy or
                      radiotherapy, but few studies have looked for interactions
                      [@toljan-2018].
                    """
                ),
            },
            {
                "kind": "access",
                "body": md(
                    """
                    # Prescription

                    LDN needs a prescription. Because it is used [[off-label]], some doctors
                    are unfamiliar with it or unwilling to prescribe it.

                    # Forms

                    Naltrexone is sold as 50 mg tablets. Low doses are usually prepared as
                    capsules or a liquid by a [[compounding pharmacy]] [@toljan-2018].

                    # Cost

                    The cost of the drug itself is low compared with most cancer medicines,
                    though prices differ between pharmacies. Insurance plans seldom cover
                    off-label prescriptions.
                    """
                ),
            },
            {
                "kind": "for-health-professionals",
                "body": md(
                    """
                    This page adds mechanisms and [[preclinical]] evidence to the findings
                    on the other pages; it does not repeat them.

                    # Proposed mechanisms

                    - Brief, intermittent blockade of opioid receptors may lead to a
                      rebound rise in endogenous opioids, including the opioid growth factor
                      (met-enkephalin), and in its receptor, which restrains cell
                      proliferation [@zagon-2014; @donahue-2011].
                    - At low doses naltrexone also acts on toll-like receptor 4 on
                      microglia, which may explain anti-inflammatory effects
                      [@younger-2014; @toljan-2018].
                    - In cancer cell lines, low and standard doses change gene expression in
                      different ways [@liu-2016].

                    # Notes on the clinical evidence

                    - The randomized glioma trial used naltrexone 100 mg every other day,
                      so its results may not apply to low-dose use [@lissoni-1993].
                    - Most of the clinical evidence for LDN in cancer comes from
                      [[case reports]] [@miskoff-2018; @elsegood-2016].
                    """
                ),
            },
        ],
        "credits": _FULL_TEAM,
    },
    {
        "name": "Melatonin",
        "slug": "melatonin",
        "alternate_names": "N-acetyl-5-methoxytryptamine",
        "category": "supplements-and-herbs",
        "cancer_types": ["brain-cancer", "lung-cancer", "advanced-cancer", "cancer-as-a-whole"],
        "summary": "A sleep hormone sold as a supplement, studied alongside chemotherapy and "
        "radiotherapy in advanced cancers with encouraging but not yet confirmed results.",
        "last_updated": date(2025, 3, 18),
        "literature_reviewed": date(2025, 1, 1),
        "body": md(
            """
            Melatonin is a hormone the body makes at night to regulate sleep, and it is
            widely sold as a supplement. In several small [[randomized controlled trials]],
            many from one research group, people with advanced cancers who took melatonin
            with chemotherapy or radiotherapy lived longer or had fewer side effects than
            those who did not [@lissoni-1996; @seely-2012].

            A [[meta-analysis]] of these trials found encouraging results but noted that
            most were small and not blinded, so the findings still need confirming
            [@seely-2012]. At the doses studied, melatonin is generally well tolerated.
            """
        ),
        "ratings": {
            "treatment_outcomes": {
                "score": 2,
                "level": "preliminary",
                "note": md(
                    """
                    - Pooled trials suggest better one-year survival when melatonin is added
                      to treatment for advanced solid tumours [@seely-2012].
                    - Most trials came from a single centre and were not blinded.
                    """
                ),
            },
            "body_terrain": {
                "score": 1,
                "level": "weak",
                "note": "- Small studies suggest effects on sleep rhythms and immune markers; "
                "their clinical importance is unclear.",
            },
            "side_effects": {
                "score": 3,
                "level": "modest",
                "note": md(
                    """
                    - Trials report less fatigue and fewer low blood counts during
                      chemotherapy with melatonin [@seely-2012].
                    """
                ),
            },
            "cancer_risk": {
                "score": 1,
                "level": "weak",
                "note": "- [[Observational studies]] of night-shift work hint at a role for "
                "melatonin in cancer risk; no trials have tested supplements for prevention.",
            },
            "expert_use": {
                "score": 3,
                "level": None,
                "note": "- Used by many [[integrative]] oncologists, though not included in major "
                "oncology guidelines.",
            },
            "safety": {
                "score": 4,
                "level": None,
                "note": "- Drowsiness and vivid dreams are the usual side effects. It may add "
                "to the effect of sedatives.",
            },
            "access": {
                "score": 5,
                "level": None,
                "note": "- Sold without a prescription in the United States and inexpensive.",
            },
        },
        "subpages": [
            {
                "kind": "safety",
                "body": md(
                    """
                    # Cautions

                    - Take melatonin in the evening; it can cause drowsiness.
                    - People taking sedatives or blood thinners should check with their
                      doctor first.

                    # Side effects

                    - Reported side effects in cancer trials were mild and uncommon
                      [@seely-2012].
                    """
                ),
            },
        ],
        "credits": _FULL_TEAM,
    },
    {
        "name": "Mistletoe",
        "slug": "mistletoe",
        "alternate_names": "European mistletoe, Viscum album, mistletoe extract",
        "category": "natural-products",
        "cancer_types": [
            "pancreatic-cancer",
            "breast-cancer",
            "colorectal-cancer",
            "advanced-cancer",
        ],
        "summary": "Injected extracts of European mistletoe, widely used in parts of Europe "
        "alongside cancer treatment; the evidence is stronger for quality of life than for "
        "survival.",
        "last_updated": date(2022, 10, 4),
        "literature_reviewed": date(2022, 6, 1),
        "body": md(
            """
            Extracts of European mistletoe (*Viscum album*) are injected under the skin,
            usually a few times a week, and are among the most widely used
            [[complementary]] cancer therapies in German-speaking countries. A
            [[systematic review]] found some evidence of better [[quality of life]] during
            chemotherapy, but many of the studies had design weaknesses [@horneber-2008].

            One [[randomized controlled trial]] in people with advanced pancreatic cancer who
            were receiving supportive care only reported longer survival with mistletoe
            [@troger-2013]. Other trials have not consistently found survival benefits.
            """
        ),
        "ratings": {
            "treatment_outcomes": {
                "score": 2,
                "level": "preliminary",
                "note": md(
                    """
                    - Longer survival in one trial in advanced pancreatic cancer
                      [@troger-2013].
                    - Results in other cancers are mixed [@horneber-2008].
                    """
                ),
            },
            "body_terrain": {"score": None, "level": None, "note": NOT_RATED_NOTE},
            "side_effects": {
                "score": 3,
                "level": "modest",
                "note": "- Several trials report better quality of life and fewer side effects "
                "of chemotherapy [@horneber-2008].",
            },
            "cancer_risk": {
                "score": 0,
                "level": "insufficient",
                "note": "- No studies of mistletoe for preventing cancer or recurrence.",
            },
            "expert_use": {
                "score": 3,
                "level": None,
                "note": "- Commonly used by [[integrative]] practitioners in Europe and by some in "
                "North America.",
            },
            "safety": {
                "score": 3,
                "level": None,
                "note": "- Redness at the injection site and mild fever are common. Allergic "
                "reactions are rare.",
            },
            "access": {
                "score": 2,
                "level": None,
                "note": "- Not approved as a drug in the United States; usually given under a "
                "practitioner's supervision, and rarely covered by insurance.",
            },
        },
        "subpages": [
            {
                "kind": "access",
                "body": md(
                    """
                    # Getting mistletoe

                    In the United States, injectable mistletoe is imported and prescribed by
                    a small number of practitioners. In parts of Europe it is a licensed
                    medicine and may be covered by health insurance [@horneber-2008].

                    # Cost

                    A course of injections can be costly over months of use, and American
                    insurance plans seldom pay for it.
                    """
                ),
            },
        ],
        "credits": _FULL_TEAM,
    },
    {
        "name": "Curcumin",
        "slug": "curcumin",
        "alternate_names": "turmeric, Curcuma longa",
        "category": "supplements-and-herbs",
        "cancer_types": [
            "colorectal-cancer",
            "breast-cancer",
            "prostate-cancer",
            "cancer-as-a-whole",
        ],
        "summary": "The main active compound in turmeric, widely studied in the laboratory but "
        "with only limited evidence so far in people with cancer.",
        "last_updated": date(2025, 6, 2),
        "literature_reviewed": date(2025, 4, 1),
        "body": md(
            """
            Curcumin gives turmeric its yellow colour. Many [[preclinical]] studies suggest
            it affects inflammation and the growth of cancer cells, but the body absorbs
            little of it, and results in people have been far less clear [@gupta-2013].

            A small [[randomized controlled trial]] in people with breast cancer found less
            severe skin reactions from radiotherapy with curcumin than with a [[placebo]]
            [@ryan-2013].
            """
        ),
        "ratings": {
            "treatment_outcomes": {
                "score": 1,
                "level": "weak",
                "note": "- Mostly [[preclinical]] and small early-phase studies [@gupta-2013].",
            },
            "body_terrain": {
                "score": 2,
                "level": "preliminary",
                "note": "- Small trials show lower inflammation markers [@gupta-2013].",
            },
            "side_effects": {
                "score": 2,
                "level": "preliminary",
                "note": "- One small trial found milder radiation skin reactions [@ryan-2013].",
            },
            "cancer_risk": {
                "score": 1,
                "level": "weak",
                "note": "- Small studies in people with precancerous changes; no large "
                "prevention trials.",
            },
            "expert_use": {
                "score": 2,
                "level": None,
                "note": "- Used by some [[integrative]] practitioners; not in oncology guidelines.",
            },
            "safety": {
                "score": 3,
                "level": None,
                "note": "- Stomach upset is common at high doses. May interact with blood "
                "thinners and some chemotherapy drugs.",
            },
            "access": {
                "score": 5,
                "level": None,
                "note": "- Widely sold as a supplement without a prescription.",
            },
        },
        "subpages": [
            {
                "kind": "safety",
                "body": md(
                    """
                    # Cautions

                    - Ask your oncology team before taking curcumin during chemotherapy;
                      laboratory studies suggest it could interact with some drugs
                      [@gupta-2013].
                    - People with gallstones or taking blood thinners should check with a
                      doctor first.
                    """
                ),
            },
        ],
        "credits": _CORE_TEAM,
    },
    {
        "name": "Vitamin D",
        "slug": "vitamin-d",
        "alternate_names": "cholecalciferol, vitamin D3",
        "category": "supplements-and-herbs",
        "cancer_types": [
            "breast-cancer",
            "colorectal-cancer",
            "prostate-cancer",
            "cancer-as-a-whole",
        ],
        "review_interval_months": 36,
        "summary": "A vitamin the skin makes in sunlight; correcting low levels is common "
        "practice, and trials suggest a possible effect on cancer deaths rather than on new "
        "cancers.",
        "last_updated": date(2024, 9, 23),
        "literature_reviewed": date(2024, 7, 1),
        "body": md(
            """
            Vitamin D is made in the skin in sunlight and is found in a few foods and in
            supplements. Many people with cancer have low blood levels, and checking and
            correcting them is routine in [[integrative]] practice.

            A large [[randomized controlled trial]] found that vitamin D supplements did not
            reduce the number of new cancers over about five years [@manson-2019]. A
            [[meta-analysis]] of trials suggested fewer deaths from cancer, though not fewer
            cancers [@keum-2019].
            """
        ),
        "ratings": {
            "treatment_outcomes": {
                "score": 1,
                "level": "weak",
                "note": "- Trials in people already diagnosed are few and mostly small.",
            },
            "body_terrain": {
                "score": 3,
                "level": "modest",
                "note": "- Supplements reliably raise low blood levels; effects on bone health "
                "are well established.",
            },
            "side_effects": {
                "score": 1,
                "level": "weak",
                "note": "- Weak trends for less joint pain with aromatase inhibitors.",
            },
            "cancer_risk": {
                "score": 2,
                "level": "preliminary",
                "note": md(
                    """
                    - No reduction in new cancers in a large trial [@manson-2019].
                    - Pooled trials suggest fewer cancer deaths [@keum-2019].
                    """
                ),
            },
            "expert_use": {
                "score": 4,
                "level": None,
                "note": "- Testing and correcting low levels is common in [[integrative]] "
                "oncology.",
            },
            "safety": {
                "score": 4,
                "level": None,
                "note": "- Safe at usual doses; very high doses over time can raise calcium "
                "levels.",
            },
            "access": {
                "score": 5,
                "level": None,
                "note": "- Inexpensive and sold without a prescription.",
            },
        },
        "subpages": [],
        "credits": _FULL_TEAM,
    },
    {
        "name": "Omega-3 fatty acids",
        "slug": "omega-3-fatty-acids",
        "alternate_names": "fish oil, EPA, DHA",
        "category": "supplements-and-herbs",
        "cancer_types": ["lung-cancer", "pancreatic-cancer", "advanced-cancer"],
        "summary": "Fats found in oily fish and fish-oil supplements, studied mainly for "
        "helping people keep weight and muscle during treatment.",
        "last_updated": date(2025, 2, 11),
        "literature_reviewed": date(2025, 1, 1),
        "body": md(
            """
            Omega-3 fatty acids, mainly EPA and DHA, come from oily fish and fish-oil
            supplements. Most studies in cancer care look at nutrition: in one small trial of
            people with lung cancer having chemotherapy, those taking fish oil kept their
            weight and muscle better than those who did not [@murphy-2011].

            Evidence for other benefits, such as protecting nerves during chemotherapy, is
            [[preliminary|preliminary-evidence]], and effects on survival are not
            established.
            """
        ),
        "ratings": {
            "treatment_outcomes": {
                "score": 1,
                "level": "weak",
                "note": "- A few small trials report better response to chemotherapy; results "
                "are inconsistent.",
            },
            "body_terrain": {
                "score": 3,
                "level": "modest",
                "note": "- Helps maintain weight and muscle during treatment [@murphy-2011].",
            },
            "side_effects": {
                "score": 2,
                "level": "preliminary",
                "note": "- Small trials suggest less nerve damage from some chemotherapy drugs.",
            },
            "cancer_risk": {
                "score": 1,
                "level": "weak",
                "note": "- [[Observational studies]] give mixed results.",
            },
            "expert_use": {
                "score": 3,
                "level": None,
                "note": "- Nutrition guidance for people losing weight during treatment often "
                "includes it.",
            },
            "safety": {
                "score": 4,
                "level": None,
                "note": "- Fishy aftertaste and stomach upset are common. High doses may "
                "increase bleeding risk.",
            },
            "access": {
                "score": 4,
                "level": None,
                "note": "- Sold without a prescription; quality varies between brands.",
            },
        },
        "subpages": [],
        "credits": _CORE_TEAM,
    },
    {
        "name": "Acupuncture",
        "slug": "acupuncture",
        "alternate_names": "electroacupuncture, acupressure",
        "category": "mind-body-practices",
        "cancer_types": ["breast-cancer", "cancer-as-a-whole", "advanced-cancer"],
        "review_interval_months": 36,
        "summary": "Fine needles placed at chosen points on the body, with good evidence for "
        "easing some cancer-related pain and nausea and a place in clinical guidelines.",
        "last_updated": date(2024, 5, 14),
        "literature_reviewed": date(2024, 3, 1),
        "body": md(
            """
            Acupuncture comes from traditional Chinese medicine: a trained practitioner
            places very fine needles at chosen points, sometimes with a mild electric
            current. A guideline from two oncology societies recommends it for joint pain
            caused by aromatase inhibitors and suggests it for other cancer-related pain
            [@mao-2022].

            An earlier guideline for breast cancer care supports acupressure and
            electroacupuncture for nausea and vomiting from chemotherapy [@greenlee-2017].
            Acupuncture is a [[complementary]] therapy: it can ease symptoms but does not
            treat the cancer itself.
            """
        ),
        "ratings": {
            "treatment_outcomes": {
                "score": 0,
                "level": "insufficient",
                "note": "- Acupuncture is not expected to affect the cancer itself, and we found "
                "no evidence that it does.",
            },
            "body_terrain": {"score": None, "level": None, "note": NOT_RATED_NOTE},
            "side_effects": {
                "score": 4,
                "level": "good",
                "note": md(
                    """
                    - Less joint pain from aromatase inhibitors in several trials
                      [@mao-2022].
                    - Less nausea from chemotherapy with acupressure and electroacupuncture
                      [@greenlee-2017].
                    """
                ),
            },
            "cancer_risk": {"score": None, "level": None, "note": NOT_RATED_NOTE},
            "expert_use": {
                "score": 5,
                "level": None,
                "note": "- Recommended in [[clinical practice guidelines]] [@mao-2022; "
                "@greenlee-2017].",
            },
            "safety": {
                "score": 4,
                "level": None,
                "note": "- Safe with a licensed practitioner. People with very low blood counts "
                "or swelling of a limb should ask their care team first.",
            },
            "access": {
                "score": 3,
                "level": None,
                "note": "- Offered at many cancer centres; insurance coverage varies.",
            },
        },
        "subpages": [
            {
                "kind": "expert-use",
                "body": md(
                    """
                    # Clinical practice guidelines

                    - A joint guideline of the Society for Integrative Oncology and ASCO
                      recommends acupuncture for joint pain from aromatase inhibitors and
                      says it may be offered for general cancer pain [@mao-2022].
                    - Breast cancer guidelines support acupressure and electroacupuncture
                      for nausea and vomiting from chemotherapy [@greenlee-2017].
                    """
                ),
            },
        ],
        "credits": _FULL_TEAM,
    },
    {
        "name": "Yoga",
        "slug": "yoga",
        "alternate_names": "hatha yoga, restorative yoga",
        "category": "mind-body-practices",
        "cancer_types": ["breast-cancer", "cancer-as-a-whole"],
        "review_interval_months": 36,
        "summary": "Gentle movement, breathing and relaxation, with good evidence for improving "
        "sleep, mood and quality of life during and after treatment.",
        "last_updated": date(2024, 2, 7),
        "literature_reviewed": date(2024, 1, 1),
        "body": md(
            """
            Yoga combines postures, breathing and relaxation. In
            [[randomized controlled trials]] of people during and after cancer treatment,
            mostly women with breast cancer, yoga improved sleep, anxiety, fatigue and
            [[quality of life]] [@mustian-2013; @greenlee-2017].

            Classes adapted for people with cancer are offered by many cancer centres and
            community programs.
            """
        ),
        "ratings": {
            "treatment_outcomes": {
                "score": 0,
                "level": "insufficient",
                "note": "- No studies show effects on the cancer itself.",
            },
            "body_terrain": {
                "score": 2,
                "level": "preliminary",
                "note": "- Small trials suggest lower stress hormones and inflammation markers.",
            },
            "side_effects": {
                "score": 4,
                "level": "good",
                "note": md(
                    """
                    - Better sleep in a large multicentre trial [@mustian-2013].
                    - Less anxiety and fatigue, and better mood, in several trials
                      [@greenlee-2017].
                    """
                ),
            },
            "cancer_risk": {"score": None, "level": None, "note": NOT_RATED_NOTE},
            "expert_use": {
                "score": 5,
                "level": None,
                "note": "- Included in [[clinical practice guidelines]] for breast cancer care "
                "[@greenlee-2017].",
            },
            "safety": {
                "score": 5,
                "level": None,
                "note": "- Very safe when classes are adapted to the person's treatment and "
                "fitness.",
            },
            "access": {
                "score": 4,
                "level": None,
                "note": "- Free or low-cost classes are widely available, including online.",
            },
        },
        "subpages": [],
        "credits": _CORE_TEAM,
    },
    {
        "name": "Exercise",
        "slug": "exercise",
        "alternate_names": "physical activity, exercise training",
        "category": "lifestyle",
        "cancer_types": [
            "breast-cancer",
            "colorectal-cancer",
            "prostate-cancer",
            "lung-cancer",
            "cancer-as-a-whole",
        ],
        "summary": "Regular physical activity, with strong evidence for easing fatigue and "
        "improving fitness and quality of life, and good evidence linking it to lower cancer "
        "risk.",
        "last_updated": date(2025, 9, 30),
        "literature_reviewed": date(2025, 8, 1),
        "body": md(
            """
            Exercise is one of the best-studied self-care actions in cancer. Drawing on many
            [[randomized controlled trials]], an international expert panel concluded that
            moderate aerobic and strength exercise reduces fatigue, anxiety and depression
            and improves physical function and [[quality of life]] during and after
            treatment [@campbell-2019].

            Large [[observational studies]] link more physical activity to a lower risk of
            several cancers, including colon and breast cancer, and to longer survival after
            diagnosis [@mctiernan-2019]. Programs should be fitted to each person's
            treatment and fitness.
            """
        ),
        "ratings": {
            "treatment_outcomes": {
                "score": 3,
                "level": "modest",
                "note": "- Higher activity after diagnosis is linked to longer survival in "
                "breast, colon and prostate cancer [@mctiernan-2019].",
            },
            "body_terrain": {
                "score": 5,
                "level": "strong",
                "note": "- Consistently improves fitness, strength and body composition "
                "[@campbell-2019].",
            },
            "side_effects": {
                "score": 5,
                "level": "strong",
                "note": "- Less fatigue, anxiety and depression, and better quality of life, "
                "across many trials [@campbell-2019].",
            },
            "cancer_risk": {
                "score": 4,
                "level": "good",
                "note": "- Lower risk of several cancers in large observational studies "
                "[@mctiernan-2019].",
            },
            "expert_use": {
                "score": 5,
                "level": None,
                "note": "- Recommended by exercise and oncology guidelines [@campbell-2019].",
            },
            "safety": {
                "score": 4,
                "level": None,
                "note": "- Safe for most people; those with bone metastases, severe anaemia or "
                "other limits need a tailored plan.",
            },
            "access": {
                "score": 5,
                "level": None,
                "note": "- Walking costs nothing; supervised programs are increasingly offered "
                "by cancer centres.",
            },
        },
        "subpages": [
            {
                "kind": "how-it-can-help",
                "body": md(
                    """
                    # Managing side effects and promoting wellness

                    ## Cancer as a whole

                    - [[Strong evidence]] of less fatigue and better
                      [[quality of life]] among people during and after treatment
                      [@campbell-2019]

                    # Reducing cancer risk

                    ## Colorectal cancer

                    - [[Good evidence]] of lower risk of colon cancer among physically
                      active people [@mctiernan-2019]

                    ## Breast cancer

                    - [[Good evidence]] of lower risk of breast cancer among physically
                      active women [@mctiernan-2019]
                    """
                ),
            },
        ],
        "credits": _FULL_TEAM,
    },
    {
        "name": "Turkey tail mushroom",
        "slug": "turkey-tail-mushroom",
        "alternate_names": "Trametes versicolor, Coriolus versicolor, PSK, PSP, "
        "medicinal mushrooms",
        "category": "natural-products",
        "cancer_types": ["breast-cancer", "colorectal-cancer", "cancer-as-a-whole"],
        "review_interval_months": 36,
        "summary": "A medicinal mushroom whose extracts are used with chemotherapy in Japan and "
        "China; studies in people are encouraging but mostly from Asia.",
        "last_updated": date(2024, 3, 12),
        "literature_reviewed": date(2024, 2, 1),
        "body": md(
            """
            Turkey tail (*Trametes versicolor*) is a mushroom whose extracts, such as PSK,
            have been used alongside chemotherapy for some cancers in Japan for decades. A
            small early trial in women who had finished breast cancer treatment found a
            turkey tail preparation well tolerated, with signs that it might support immune
            recovery [@torkelson-2012].

            Most other studies in people come from Asia and used specific extracts that
            differ from products sold as supplements elsewhere, and much of the rest of the
            evidence is [[preclinical]].
            """
        ),
        "ratings": {
            "treatment_outcomes": {
                "score": 2,
                "level": "preliminary",
                "note": "- Trials from Japan suggest longer survival when PSK is added to "
                "chemotherapy for some digestive cancers.",
            },
            "body_terrain": {
                "score": 1,
                "level": "weak",
                "note": "- Small studies show changes in immune cell counts [@torkelson-2012].",
            },
            "side_effects": {
                "score": 1,
                "level": "weak",
                "note": "- Weak trends toward better wellbeing in small studies.",
            },
            "cancer_risk": {
                "score": 0,
                "level": "insufficient",
                "note": "- No studies of turkey tail for preventing cancer.",
            },
            "expert_use": {
                "score": 3,
                "level": None,
                "note": "- Used by many [[integrative]] oncology practitioners.",
            },
            "safety": {
                "score": 4,
                "level": None,
                "note": "- Generally well tolerated; mild digestive upset is possible.",
            },
            "access": {
                "score": 3,
                "level": None,
                "note": "- Supplements are easy to buy, but the extracts used in trials are "
                "hard to get outside Asia.",
            },
        },
        "subpages": [],
        "credits": _FULL_TEAM,
    },
    {
        "name": "Green tea",
        "slug": "green-tea",
        "alternate_names": "green tea extract, EGCG, Camellia sinensis",
        "category": "natural-products",
        "cancer_types": ["breast-cancer", "prostate-cancer", "cancer-as-a-whole"],
        "summary": "A drink and supplement rich in compounds called catechins; studies of "
        "cancer prevention are mixed, and concentrated extracts carry a rare risk of liver "
        "harm.",
        "last_updated": date(2025, 4, 22),
        "literature_reviewed": date(2025, 2, 1),
        "body": md(
            """
            Green tea contains catechins, especially EGCG, that affect cancer cells in
            [[preclinical]] studies. A [[systematic review]] of studies in people found the
            evidence on cancer prevention inconsistent: some [[observational studies]]
            linked drinking green tea with a lower risk of certain cancers, while trials gave
            mixed results [@filippini-2020].

            Drinking green tea is generally safe. Concentrated extracts taken in high doses
            have been linked to rare cases of liver injury.
            """
        ),
        "ratings": {
            "treatment_outcomes": {
                "score": 0,
                "level": "insufficient",
                "note": "- Too few studies in people with cancer to judge.",
            },
            "body_terrain": {
                "score": 1,
                "level": "weak",
                "note": "- Small effects on weight and blood sugar of limited importance.",
            },
            "side_effects": {
                "score": 1,
                "level": "weak",
                "note": "- Weak trends in small uncontrolled studies.",
            },
            "cancer_risk": {
                "score": 2,
                "level": "preliminary",
                "note": "- Mixed results across observational studies and trials "
                "[@filippini-2020].",
            },
            "expert_use": {
                "score": 2,
                "level": None,
                "note": "- Often suggested as a drink; extracts are used more cautiously.",
            },
            "safety": {
                "score": 3,
                "level": None,
                "note": "- Safe as a drink. Concentrated extracts can rarely harm the liver, and "
                "EGCG may interfere with the drug bortezomib.",
            },
            "access": {
                "score": 5,
                "level": None,
                "note": "- Inexpensive and widely available.",
            },
        },
        "subpages": [],
        "credits": _CORE_TEAM,
    },
    {
        "name": "Ginger",
        "slug": "ginger",
        "alternate_names": "Zingiber officinale, ginger root",
        "category": "supplements-and-herbs",
        "cancer_types": ["breast-cancer", "cancer-as-a-whole"],
        "review_interval_months": 36,
        "summary": "A cooking spice also taken as a supplement, with modest evidence for "
        "reducing nausea from chemotherapy when added to standard anti-nausea drugs.",
        "last_updated": date(2024, 11, 5),
        "literature_reviewed": date(2024, 10, 1),
        "body": md(
            """
            Ginger has long been used for nausea. In a large
            [[randomized controlled trial]], people having chemotherapy who took ginger
            capsules in addition to standard anti-nausea medicines reported less nausea on
            the first day of treatment than those taking a [[placebo]] [@ryan-2012].

            Other trials have had mixed results, and ginger is not a replacement for
            [[conventional]] anti-nausea drugs.
            """
        ),
        "ratings": {
            "treatment_outcomes": {
                "score": 0,
                "level": "insufficient",
                "note": "- No studies show effects on the cancer itself.",
            },
            "body_terrain": {"score": None, "level": None, "note": NOT_RATED_NOTE},
            "side_effects": {
                "score": 3,
                "level": "modest",
                "note": "- Less acute nausea from chemotherapy in a large trial [@ryan-2012]; "
                "other trials are mixed.",
            },
            "cancer_risk": {
                "score": 0,
                "level": "insufficient",
                "note": "- No studies of ginger for preventing cancer.",
            },
            "expert_use": {
                "score": 3,
                "level": None,
                "note": "- Often suggested by [[integrative]] practitioners for nausea.",
            },
            "safety": {
                "score": 4,
                "level": None,
                "note": "- Heartburn is possible. High doses may add to the effect of blood "
                "thinners.",
            },
            "access": {
                "score": 5,
                "level": None,
                "note": "- Inexpensive as a food or supplement.",
            },
        },
        "subpages": [],
        "credits": _CORE_TEAM,
    },
    {
        "name": "Mindfulness meditation",
        "slug": "mindfulness-meditation",
        "alternate_names": "mindfulness-based stress reduction, MBSR, meditation",
        "category": "mind-body-practices",
        "cancer_types": ["breast-cancer", "cancer-as-a-whole"],
        "summary": "A practice of paying calm attention to the present moment, with good "
        "evidence for easing anxiety, low mood and stress in people with cancer.",
        "last_updated": date(2025, 7, 15),
        "literature_reviewed": date(2025, 5, 1),
        "body": md(
            """
            Mindfulness meditation trains attention on the present moment, usually through a
            structured course lasting several weeks. [[Randomized controlled trials]] in
            people with cancer, many of them breast cancer survivors, have found less
            stress, anxiety and low mood and better [[quality of life]] with mindfulness
            programs [@carlson-2013].

            Guidelines for breast cancer care recommend meditation for anxiety and mood
            [@greenlee-2017].
            """
        ),
        "ratings": {
            "treatment_outcomes": {
                "score": 0,
                "level": "insufficient",
                "note": "- No studies show effects on the cancer itself.",
            },
            "body_terrain": {
                "score": 1,
                "level": "weak",
                "note": "- Small studies report changes in stress hormones and immune markers.",
            },
            "side_effects": {
                "score": 4,
                "level": "good",
                "note": "- Less stress, anxiety and low mood in several trials "
                "[@carlson-2013; @greenlee-2017].",
            },
            "cancer_risk": {"score": None, "level": None, "note": NOT_RATED_NOTE},
            "expert_use": {
                "score": 4,
                "level": None,
                "note": "- Recommended in breast cancer [[clinical practice guidelines]] "
                "[@greenlee-2017].",
            },
            "safety": {
                "score": 5,
                "level": None,
                "note": "- Very safe. People with a history of trauma may prefer a teacher "
                "experienced in trauma-sensitive practice.",
            },
            "access": {
                "score": 4,
                "level": None,
                "note": "- Courses, apps and recordings are widely available, many free.",
            },
        },
        "subpages": [],
        "credits": _FULL_TEAM,
    },
    {
        "name": "Metformin",
        "slug": "metformin",
        "alternate_names": "Glucophage",
        "category": "off-label-drugs",
        "cancer_types": [
            "breast-cancer",
            "colorectal-cancer",
            "prostate-cancer",
            "pancreatic-cancer",
        ],
        "summary": "A common diabetes drug studied off-label in cancer; a large trial in early "
        "breast cancer found no benefit for most people, and other uses remain under study.",
        "last_updated": date(2025, 10, 20),
        "literature_reviewed": date(2025, 9, 1),
        "body": md(
            """
            Metformin lowers blood sugar and insulin and is one of the most widely prescribed
            drugs for type 2 diabetes. [[Observational studies]] suggested that people with
            diabetes who took it had lower cancer risk and better outcomes, which led to
            trials of [[off-label]] use.

            In a large [[randomized controlled trial]] of people with early breast cancer who
            did not have diabetes, metformin did not improve survival free of invasive
            disease [@goodwin-2022]. It may still help [[body terrain]] factors such as
            insulin resistance and weight.
            """
        ),
        "ratings": {
            "treatment_outcomes": {
                "score": 1,
                "level": "weak",
                "note": "- No benefit in a large breast cancer trial [@goodwin-2022]; weak "
                "trends in other cancers.",
            },
            "body_terrain": {
                "score": 3,
                "level": "modest",
                "note": "- Lowers insulin and helps with modest weight loss [@goodwin-2022].",
            },
            "side_effects": {
                "score": 0,
                "level": "insufficient",
                "note": "- Not studied for treatment side effects.",
            },
            "cancer_risk": {
                "score": 2,
                "level": "preliminary",
                "note": "- Lower cancer risk among people with diabetes in "
                "[[observational studies]]; not confirmed in trials.",
            },
            "expert_use": {
                "score": 2,
                "level": None,
                "note": "- Used by some [[integrative]] practitioners, mostly for people with "
                "insulin resistance.",
            },
            "safety": {
                "score": 3,
                "level": None,
                "note": "- Stomach upset is common at first. Not suitable for people with poor "
                "kidney function.",
            },
            "access": {
                "score": 3,
                "level": None,
                "note": "- Inexpensive, but needs a prescription, and off-label use may not be "
                "covered.",
            },
        },
        "subpages": [
            {
                "kind": "for-health-professionals",
                "body": md(
                    """
                    # Proposed mechanisms

                    - Lowering circulating insulin and insulin-like growth factor, which
                      may act as growth signals for some tumours.
                    - Activation of AMP-activated protein kinase in [[preclinical]] models.

                    # Notes on the clinical evidence

                    - The MA.32 trial enrolled people without diabetes; a possible benefit in
                      a small subgroup needs confirming [@goodwin-2022].
                    """
                ),
            },
        ],
        "credits": _FULL_TEAM,
    },
]


# An open draft, submitted and waiting for a consultant, so the workflow can be tried at once.
DRAFT_IN_REVIEW = {
    "therapy": "melatonin",
    "summary_suffix": " A newer trial in people having chemotherapy is now included.",
    "rating": ("side_effects", 4),
    "change_summary": "Added a newer randomized trial on sleep during chemotherapy; "
    "side-effects rating raised from 3 to 4.",
}
