"""The benchmark's resumes, written by us (no real person), as structured
blocks. One source feeds every producer (HTML for Chromium and WeasyPrint,
drawing calls for fpdf2) and the true text, so all agree by construction.

Block kinds:
  ("name", text)             large bold name, drawn letter-spaced when the
                             resume sets spaced_name
  ("line", text)             one plain line (contact lines, summaries)
  ("heading", text)          a section heading: bold, larger
  ("role", left, right)      bold role line, `right` flush right (dates, place)
  ("sub", left, right)       plain line with a right-aligned part
  ("bullet", text)           "• " + text, wraps
  ("para", text)             a wrapping paragraph
Soft hyphens (U+00AD) mark where a producer may break a word at a line end;
the true text has the whole word.
"""

SHY = "\u00ad"

RESUMES = [
    {
        "id": "r1_classic",
        "spaced_name": True,
        "running": False,
        "columns": None,
        "blocks": [
            ("name", "JANE DOE"),
            ("line", "jane.doe@example.com | (555) 123-4567 | janedoe.example.com | San Francisco, CA"),
            ("heading", "EXPERIENCE"),
            ("role", "Senior Software Engineer, Acme Corp", "Dec 2013 – Dec 2014"),
            ("sub", "Platform team", "San Francisco, CA"),
            ("bullet", "Built a billing service in Rust handling 2.4 million invoices per month with 99.95% uptime."),
            ("bullet", "Cut p95 latency of the search API from 840 ms to 120 ms by caching query plans in Redis."),
            ("role", "Software Engineer, Initech", "Jun 2010 – Nov 2013"),
            ("sub", "Payments", "Austin, TX"),
            ("bullet", "Migrated 40 services from a shared MySQL cluster to PostgreSQL without downtime."),
            ("bullet", "Mentored four junior engineers; two were promoted within a year."),
            ("heading", "EDUCATION"),
            ("role", "B.S. Computer Science, University of Texas at Austin", "2006 – 2010"),
            ("heading", "SKILLS"),
            ("line", "Languages: Rust, Go, Python, SQL"),
            ("line", "Tools: Kubernetes, Terraform, PostgreSQL, Redis, Kafka"),
        ],
    },
    {
        "id": "r2_twocol",
        "spaced_name": False,
        "running": False,
        # Left sidebar blocks, then main column blocks; the true reading
        # order is the whole left column, then the whole right column.
        "columns": "sidebar",
        "blocks_left": [
            ("name", "Zeynep Yılmaz"),
            ("line", "zeynep.yilmaz@example.org"),
            ("line", "+90 532 555 01 23"),
            ("line", "https://github.com/zyilmaz"),
            ("line", "İstanbul, Türkiye"),
            ("heading", "SKILLS"),
            ("line", "Python, pandas, SQL"),
            ("line", "dbt, Airflow, Spark"),
            ("line", "Tableau, Looker"),
            ("heading", "LANGUAGES"),
            ("line", "Turkish (native)"),
            ("line", "English (fluent)"),
            ("line", "German (B1)"),
        ],
        "blocks": [
            ("heading", "EXPERIENCE"),
            ("role", "Data Analyst, Getir", "03/2021 – Present"),
            ("bullet", "Designed the weekly retention dashboard used by 60 managers across 9 cities."),
            ("bullet", "Reduced the nightly ETL run from 5 hours to 70 minutes by partitioning event tables."),
            ("role", "Junior Analyst, Trendyol", "07/2019 – 02/2021"),
            ("bullet", "Wrote the A/B test analysis library adopted by three product teams."),
            ("bullet", "Cleaned 12 years of supplier records for the catalogue migration."),
            ("heading", "EDUCATION"),
            ("role", "B.Sc. Industrial Eng., Boğaziçi University", "2015 – 2019"),
            ("line", "Thesis: demand forecasting for perishable goods"),
        ],
    },
    {
        "id": "r3_unicode",
        "spaced_name": False,
        "running": False,
        "columns": None,
        "blocks": [
            ("name", "José Müller-Łukasiewicz"),
            ("line", "jose.muller@example.pl · +48 601 234 567 · Łódź, Poland"),
            ("line", "linkedin.com/in/jose-muller-lukasiewicz"),
            ("heading", "Profile"),
            ("para", "Mechanical engineer with eight years in automotive test rigs, now leading validation for electric drivetrains."),
            ("heading", "Experience"),
            ("role", "Validation Lead, Ørsted Mobility", "2019-03 — Present"),
            ("sub", "Kraków, Poland", ""),
            ("bullet", "Led a team of six engineers validating 11 inverter designs against ISO 26262."),
            ("bullet", "Introduced hardware-in-the-loop tests that caught 37 defects before road trials."),
            ("role", "Test Engineer, Škoda Auto", "2016-09 — 2019-02"),
            ("sub", "Mladá Boleslav, Czechia", ""),
            ("bullet", "Built rig software in C++ and Python for gearbox endurance tests."),
            ("heading", "Education"),
            ("role", "M.Sc. Mechanical Engineering, Politechnika Łódzka", "2014 – 2016"),
            ("role", "B.Sc. Mechanical Engineering, Universität Stuttgart", "2010 – 2014"),
        ],
    },
    {
        "id": "r4_twopage",
        "spaced_name": False,
        "running": True,  # running header with the name, footer "Page N of M"
        "columns": None,
        "blocks": [
            ("name", "Amara Okafor"),
            ("line", "amara.okafor@example.com | +44 20 7946 0958 | London, UK"),
            ("heading", "Experience"),
        ]
        + [
            block
            for (title, firm, dates, place) in [
                ("Head of Operations", "Northwind Logistics", "Jan 2021 – Present", "London, UK"),
                ("Operations Manager", "Contoso Freight", "Apr 2017 – Dec 2020", "Manchester, UK"),
                ("Shift Supervisor", "Fabrikam Retail", "Sep 2013 – Mar 2017", "Leeds, UK"),
                ("Warehouse Associate", "Tailspin Parts", "Jun 2011 – Aug 2013", "Leeds, UK"),
            ]
            for block in [
                ("role", f"{title}, {firm}", dates),
                ("sub", "", place),
                ("bullet", f"Ran daily planning for {firm}'s inbound and outbound flows across two sites and 140 staff members."),
                ("bullet", "Negotiated carrier contracts that reduced cost per pallet by 12% while keeping on-time delivery above 98%."),
                ("bullet", "Introduced a slotting review every quarter, lowering picking travel distance by a fifth."),
                ("bullet", "Trained new supervisors on safety audits; recordable incidents fell from 9 to 2 a year."),
            ]
        ]
        + [
            ("heading", "Education"),
            ("role", "BA Business Management, University of Leeds", "2008 – 2011"),
            ("heading", "Certifications"),
            ("line", "APICS CSCP (2019); NEBOSH General Certificate (2015)"),
        ],
    },
    {
        "id": "r5_hyphen",
        "spaced_name": False,
        "running": False,
        "columns": "narrow",  # a narrow text column so words break at line ends
        "blocks": [
            ("name", "Priya Raman"),
            ("line", "priya.raman@example.net | +1 (415) 555-0199"),
            ("heading", "Research"),
            ("role", "Scientist, Lumen Labs", "Aug 2020 – Present"),
            ("para", f"Developed proba{SHY}bilistic mod{SHY}eling tech{SHY}niques for conference submis{SHY}sions on "
                     f"uncer{SHY}tainty esti{SHY}mation, and main{SHY}tained the evalu{SHY}ation infra{SHY}structure "
                     f"for multi{SHY}lingual bench{SHY}marks used by twelve re{SHY}searchers."),
            ("role", "PhD, University of Toronto", "Sep 2015 – Jul 2020"),
            ("para", f"Disser{SHY}tation on calib{SHY}rated classi{SHY}fiers for low-resource languages; "
                     f"pub{SHY}lished six peer-reviewed papers and super{SHY}vised four under{SHY}graduate theses."),
        ],
    },
]


# Written after the reader was tuned on the five above, to check it on a
# layout it had not seen: centred header over two columns, main column left,
# sidebar right, serif font, two-line right part.
RESUMES.append(
    {
        "id": "r6_heldout",
        "spaced_name": False,
        "running": False,
        "serif": True,
        "columns": "right-sidebar",
        "blocks_top": [
            ("name", "Chloé Dubois-Nakamura"),
            ("line", "chloe.dn@example.fr | +33 6 12 34 56 78 | Lyon, France"),
        ],
        "blocks": [
            ("heading", "Work history"),
            ("role", "Product Designer, Doctolib", "Feb 2022 – Present"),
            ("bullet", "Redesigned appointment booking for 4,000 clinics; completion rose from 71% to 83%."),
            ("bullet", "Ran 30 usability sessions with patients over 65 and fed findings into the roadmap."),
            ("role", "UX Designer, BlaBlaCar", "Sep 2018 – Jan 2022"),
            ("bullet", "Shipped the driver onboarding flow in 11 languages, including Türkçe and Polski."),
            ("heading", "Education"),
            ("role", "MA Interaction Design, Université Lumière Lyon 2", "2016 – 2018"),
        ],
        "blocks_right": [
            ("heading", "Tools"),
            ("line", "Figma, Sketch"),
            ("line", "Maze, Dovetail"),
            ("line", "HTML, CSS"),
            ("heading", "Languages"),
            ("line", "French, Japanese"),
            ("line", "English (C1)"),
        ],
    }
)


def true_lines(r):
    """The true text, one logical line per entry (soft hyphens removed)."""
    out = []

    def emit(blocks):
        for b in blocks:
            kind = b[0]
            if kind in ("role", "sub"):
                text = " ".join(p for p in b[1:] if p)
            elif kind == "bullet":
                text = "• " + b[1]
            else:
                text = b[1]
            out.append((kind, text.replace(SHY, "")))

    emit(r.get("blocks_top", []))
    if r["columns"] == "sidebar":
        emit(r["blocks_left"])
    emit(r["blocks"])
    emit(r.get("blocks_right", []))
    return out
