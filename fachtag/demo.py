"""Demo programme for `manage.py load_demo`: a Fachtag next year, last year's (over, to copy from) and a
mediator training series."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

BERLIN = ZoneInfo("Europe/Berlin")
VENUE = {
    "venue_name": "Neues Rathaus, Festsaal",
    "venue_address": "Martin-Luther-Ring 4–6\n04109 Leipzig",
}

# (kind, start, end, title de/en/ar, [(title de, title en, title ar, description de, description en, speakers, room)])
FACHTAG_SLOTS = [
    (
        "plenary",
        (9, 0),
        (10, 15),
        ("Begrüßung und Fachvorträge", "Welcome and keynotes", "الترحيب والمحاضرات"),
        [
            (
                "Arbeitsmarktintegration von Migrantinnen: Zahlen, Wege, Erfahrungen",
                "Labour-market integration of migrant women: figures, paths, experiences",
                "اندماج المهاجرات في سوق العمل: أرقام وطرق وتجارب",
                "Begrüßung durch die Bürgermeisterin und Fachvortrag des Jobcenters mit aktuellen Zahlen und "
                "Erfahrungen aus der Beratung.",
                "Welcome by the mayor and a keynote by the job centre with current figures and experience "
                "from counselling.",
                "Bürgermeisterin für Soziales; Jobcenter",
                "Festsaal",
            ),
        ],
    ),
    (
        "parallel",
        (10, 30),
        (12, 0),
        ("Workshop-Phase 1", "Workshop round 1", "ورش العمل – الجولة الأولى"),
        [
            (
                "Anerkennung ausländischer Berufsabschlüsse",
                "Recognition of foreign qualifications",
                "الاعتراف بالمؤهلات المهنية الأجنبية",
                "Welche Stelle ist zuständig, welche Unterlagen brauche ich, was kostet das Verfahren und wer hilft "
                "bei den Kosten?",
                "Which office is responsible, which documents do I need, what does the procedure cost and who "
                "helps with the costs?",
                "IQ Netzwerk Sachsen",
                "Raum 201",
            ),
            (
                "Bewerbung und Jobsuche in Deutschland",
                "Job search and applications in Germany",
                "البحث عن عمل وتقديم الطلبات في ألمانيا",
                "Lebenslauf, Anschreiben und Vorstellungsgespräch: was Arbeitgeber erwarten und wo es Stellen gibt.",
                "CV, cover letter and interview: what employers expect and where to find vacancies.",
                "Agentur für Arbeit",
                "Raum 202",
            ),
            (
                "Kinderbetreuung und Beruf vereinbaren",
                "Combining childcare and work",
                "التوفيق بين رعاية الأطفال والعمل",
                "Kita-Platz, Hort, Ferienbetreuung und Teilzeit: wie Familie und Arbeit zusammenpassen.",
                "Nursery places, after-school care, holiday care and part-time work: how family and work fit "
                "together.",
                "Amt für Jugend und Familie",
                "Raum 203",
            ),
            (
                "Selbstständigkeit und Existenzgründung",
                "Self-employment and starting a business",
                "العمل الحر وتأسيس المشاريع",
                "Von der Idee zum eigenen Geschäft: Beratung, Gewerbeanmeldung und Förderung.",
                "From an idea to your own business: advice, business registration and funding.",
                "Gründerinnenzentrum",
                "Raum 204",
            ),
        ],
    ),
    (
        "parallel",
        (13, 0),
        (14, 30),
        ("Workshop-Phase 2", "Workshop round 2", "ورش العمل – الجولة الثانية"),
        [
            (
                "Deutsch für den Beruf",
                "German for work",
                "اللغة الألمانية للعمل",
                "Berufssprachkurse, Prüfungen und Förderung: welcher Kurs passt zu mir?",
                "Job-related language courses, exams and funding: which course suits me?",
                "Volkshochschule",
                "Raum 201",
            ),
            (
                "Ausbildung und Teilzeitausbildung",
                "Vocational training, also part-time",
                "التدريب المهني، بدوام جزئي أيضاً",
                "Eine Ausbildung beginnen, auch in Teilzeit und mit Kindern: Voraussetzungen und Unterstützung.",
                "Starting vocational training, also part-time and with children: requirements and support.",
                "Handwerkskammer",
                "Raum 202",
            ),
            (
                "Rechte am Arbeitsplatz",
                "Rights at work",
                "الحقوق في مكان العمل",
                "Arbeitsvertrag, Mindestlohn, Urlaub und Mutterschutz: was gilt für alle Beschäftigten?",
                "Employment contract, minimum wage, holidays and maternity protection: what applies to everyone?",
                "Faire Integration",
                "Raum 203",
            ),
            (
                "Wege in Gesundheits- und Pflegeberufe",
                "Paths into health and care professions",
                "الطريق إلى المهن الصحية والتمريضية",
                "Pflege, Praxis, Labor: Einstieg, Anerkennung und Weiterbildung im Gesundheitswesen.",
                "Nursing, medical practices, laboratories: starting, recognition and further training in health "
                "care.",
                "Klinikum, Personalabteilung",
                "Raum 204",
            ),
        ],
    ),
    (
        "parallel",
        (14, 45),
        (16, 15),
        ("Workshop-Phase 3", "Workshop round 3", "ورش العمل – الجولة الثالثة"),
        [
            (
                "Digitale Bewerbung und Jobportale",
                "Online applications and job portals",
                "التقديم الرقمي ومنصات الوظائف",
                "Online bewerben, Jobportale nutzen und sich vor unseriösen Angeboten schützen.",
                "Applying online, using job portals and protecting yourself from dubious offers.",
                "Jobcenter",
                "Raum 201",
            ),
            (
                "Netzwerke und Mentoring",
                "Networks and mentoring",
                "الشبكات والإرشاد",
                "Frauen, die es geschafft haben, erzählen: Mentoring-Programme und Netzwerke in der Stadt.",
                "Women who made it tell their story: mentoring programmes and networks in the city.",
                "Migrantinnenbeirat",
                "Raum 202",
            ),
            (
                "Minijob, Teilzeit, Vollzeit",
                "Mini-job, part-time, full-time",
                "عمل صغير، دوام جزئي، دوام كامل",
                "Was bleibt vom Lohn? Steuern, Sozialversicherung und Leistungen verständlich erklärt.",
                "What is left of the wage? Taxes, social insurance and benefits explained simply.",
                "Verbraucherzentrale",
                "Raum 203",
            ),
            (
                "Praktikum und Ehrenamt als Einstieg",
                "Internships and volunteering as a way in",
                "التدريب العملي والعمل التطوعي كمدخل",
                "Erste Erfahrungen sammeln, Kontakte knüpfen und Zeugnisse bekommen.",
                "Gaining first experience, making contacts and getting references.",
                "Freiwilligenagentur",
                "Raum 204",
            ),
        ],
    ),
]

TRAINING_SESSIONS = [
    ("Geschlechtsspezifische Angebote und Beratung", "Gender-specific services and counselling"),
    ("Psychosoziale Lebenslagen Geflüchteter", "Psycho-social situations of refugees"),
    ("Dolmetschen im Gesundheitswesen", "Interpreting in health care"),
    ("Rolle, Neutralität und Schweigepflicht", "Role, neutrality and confidentiality"),
    ("Kinder- und Jugendhilfe verstehen", "Understanding child and youth welfare"),
    ("Umgang mit Diskriminierung und Rassismus", "Dealing with discrimination and racism"),
]
TRAINING_MONTHS = [2, 4, 5, 6, 9, 10]


def last_fachtag_day(today: date) -> date:
    """The day of the most recent Fachtag already over: March of this year once it is past, else last year's."""
    this_year = second_thursday(today.year, 3)
    return this_year if this_year < today else second_thursday(today.year - 1, 3)


def past_fachtag(now: datetime):
    """Last year's demo Fachtag (the latest `fachtag-…` event that has begun), which the demo commands fill
    with sign-ups and answers; None before `load_demo` ran."""
    from fachtag.models import Event

    return (
        Event.objects.filter(kind=Event.Kind.FACHTAG, starts_at__lt=now, slug__startswith="fachtag-")
        .order_by("-starts_at")
        .first()
    )


def last_training_year(today: date) -> int:
    """The year of the most recent training series already over: this year's once its last session is past."""
    last_session = second_thursday(today.year, TRAINING_MONTHS[-1])
    return today.year if last_session < today else today.year - 1


def second_thursday(year: int, month: int) -> date:
    first = date(year, month, 1)
    return first + timedelta(days=(3 - first.weekday()) % 7 + 7)


def at(day: date, hour_minute: tuple[int, int]) -> datetime:
    return datetime(day.year, day.month, day.day, *hour_minute, tzinfo=BERLIN)
