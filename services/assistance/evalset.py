"""A labelled evaluation set for matching, generated from templates.

Vendors describe their trade in their own words and solicitations in a buyer's words, so
that most pairs share few or no words ("asphalt overlay" against "arterial road
resurfacing"). The phrasing is this file's own: neither the demo generator nor the
scoring weights were written against it. Half the vendors list no commodity codes, as
many small businesses do not know them.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

# (UNSPSC code of the need, how vendors say what they do, how buyers ask for it)
CATEGORIES: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("72141103", ("asphalt overlay and hot mix paving", "pavement milling and blacktop crews",
                  "pothole patching and crack sealing"),
     ("arterial road resurfacing program", "roadway rehabilitation works", "renewal of worn carriageways")),
    ("76111501", ("commercial janitorial crews for offices", "floor stripping, waxing and restroom sanitation",
                  "nightly custodial work"),
     ("housekeeping of municipal facilities", "upkeep of city hall interiors and libraries",
      "daily tidying of public premises")),
    ("43211503", ("we resell notebooks, docking stations and monitors", "refurbished laptops and tablets",
                  "end-user computing hardware and imaging"),
     ("portable computers for employees", "replacement of the workforce's mobile devices",
      "mobile workstations purchase")),
    ("70111703", ("tree trimming, stump grinding and arborist work", "urban forestry and hazardous limb removal",
                  "canopy pruning by certified arborists"),
     ("care of street trees", "felling of dead and diseased trees in parks", "right-of-way vegetation works")),
    ("80111600", ("temporary clerical and administrative staffing", "we place receptionists and data entry temps",
                  "short-term office workers on demand"),
     ("provision of interim personnel", "supplemental front desk labor", "contingent workforce for city departments")),
    ("43233204", ("managed antivirus, endpoint detection and firewall monitoring",
                  "security operations center as a service", "penetration testing and incident response"),
     ("cyber defense for municipal networks", "protection of city systems against intrusions and ransomware",
      "round-the-clock threat hunting")),
    ("78111803", ("charter coaches and shuttle vans with drivers", "school bus and motorcoach hire",
                  "group passenger transport for events"),
     ("transportation for field trips", "conveying residents to polling places", "rides for seniors to day centers")),
    ("50192700", ("boxed lunches and hot meal catering", "we cook and deliver meals for large gatherings",
                  "banquet and buffet food service"),
     ("nutrition program for senior centers", "lunches for summer youth programs", "refreshments at public meetings")),
    ("72151207", ("heating, ventilation and air conditioning repair", "chiller and boiler maintenance technicians",
                  "rooftop unit replacement and duct work"),
     ("servicing of climate control systems in public buildings", "HVAC preventive upkeep",
      "new air handling equipment for the courthouse")),
    ("84111600", ("independent auditors and certified public accountants", "financial statement audits and single audits",
                  "forensic accounting and compliance reviews"),
     ("annual external examination of the city's books", "examination of federal grant expenditures",
      "attestation engagement for the comprehensive annual report")),
    ("82121500", ("offset and digital printing of brochures", "large format banners and posters",
                  "mailers, envelopes and business cards"),
     ("production of ballots and voter guides", "public information leaflets", "reproduction of outreach materials")),
    ("92121504", ("uniformed guards and patrol officers", "event security and access control staff",
                  "unarmed security officers for campuses"),
     ("watchmen for city facilities and parking garages", "site protection personnel",
      "protective services at the transit center")),
    ("72102900", ("painting contractor for interiors and exteriors", "primers and drywall finishing",
                  "lead-safe paint jobs on older buildings"),
     ("refinishing of fire stations", "new coats for community center walls", "decorating works at schools")),
    ("81112003", ("hosting of websites and content management", "cloud servers and managed databases",
                  "web application maintenance and uptime monitoring"),
     ("operation of the online services portal", "internet infrastructure for resident services",
      "data center outsourcing")),
    ("72154010", ("elevator installation and inspection", "escalator modernization",
                  "vertical transportation upkeep"),
     ("lift repairs in public housing", "passenger lifts at the courthouse", "overhaul of aging lifts")),
    ("76121500", ("curbside trash and recycling pickup", "roll-off dumpsters and hauling of refuse",
                  "organic waste composting collection"),
     ("household garbage removal", "municipal refuse services", "residential solid waste program")),
    ("85121800", ("occupational health clinics and drug screening", "pre-employment physicals and vaccinations",
                  "workplace medical surveillance"),
     ("employee fitness-for-duty examinations", "testing of new hires before they start", "wellness checks for staff")),
    ("86101700", ("instructor-led training for forklift and safety", "we teach first aid and CPR classes",
                  "workforce skills courses and certifications"),
     ("emergency response instruction for employees", "professional development workshops",
      "staff education program")),
    ("25101503", ("fleet sedans, pickup trucks and vans", "we sell police interceptors and utility vehicles",
                  "light-duty trucks for municipal fleets"),
     ("purchase of patrol cars", "replacement of public works automobiles", "new motor pool units")),
    ("93141808", ("sign language and spoken language interpreters", "document translation into Spanish and Vietnamese",
                  "multilingual interpretation by phone and video"),
     ("language access services", "assistance at public hearings for residents with limited English",
      "rendering notices in other tongues")),
    ("72153600", ("roof replacement, membranes and shingles", "leak repair and gutter work on commercial roofs",
                  "flat roof coating and flashing"),
     ("reroofing of the public library", "fixing water intrusion from above at schools",
      "new weatherproof covering for municipal buildings")),
    ("80141600", ("event planning, stage and audio-visual production", "festival logistics and tents",
                  "conference organizing with sound and lighting"),
     ("the city's annual celebration", "community gatherings with performances", "organization of a public summit")),
    ("72103300", ("water main installation and pipe bursting", "sewer line rehabilitation and manholes",
                  "underground utility trenching"),
     ("replacement of aging drinking water lines", "sanitary system fixes", "storm drain improvements")),
    ("70111506", ("lawn mowing, edging and landscape upkeep", "irrigation repair and seasonal planting",
                  "grounds keeping for medians"),
     ("turf care of public spaces", "beautification of city properties", "green space maintenance in parks")),
)

PROGRAMS = ("MBE", "WBE", "DBE", "VOSB")


@dataclass(frozen=True)
class EvalVendor:
    vendor_id: str
    category: int
    legal_name: str
    capability: str
    commodity_codes: tuple[str, ...]
    program: str | None
    local: bool


@dataclass(frozen=True)
class EvalSolicitation:
    solicitation_id: str
    category: int
    title: str
    description: str
    commodity_codes: tuple[str, ...]


_OPENINGS = ("Family-owned business offering", "Our team provides", "Small firm specialising in",
             "Locally owned company:", "Established contractor for")
_CLOSINGS = ("Bonded and insured.", "Serving the region for 12 years.", "Fast response, fair prices.",
             "References available on request.", "")
_ASKS = ("The agency seeks qualified firms for {}.", "Bids are invited for {}.",
         "Proposals are requested for {} over a two-year term.", "This solicitation covers {}.")


def generate(seed: int = 11, vendors_per_category: int = 8, solicitations_per_category: int = 5
             ) -> tuple[list[EvalVendor], list[EvalSolicitation]]:
    rnd = random.Random(seed)
    vendors, solicitations = [], []
    for c, (code, trades, needs) in enumerate(CATEGORIES):
        for i in range(vendors_per_category):
            phrases = rnd.sample(trades, k=2)
            capability = f"{rnd.choice(_OPENINGS)} {phrases[0]}; also {phrases[1]}. {rnd.choice(_CLOSINGS)}".strip()
            codes = (code[:6] + "00",) if i % 2 == 0 else ()  # a family-level code, or none
            vendors.append(EvalVendor(
                vendor_id=f"ev-v{c:02d}{i:02d}", category=c, legal_name=f"Vendor {c:02d}-{i:02d} LLC",
                capability=capability, commodity_codes=codes,
                program=rnd.choice(PROGRAMS) if rnd.random() < 0.3 else None, local=rnd.random() < 0.2))
        for j in range(solicitations_per_category):
            title = needs[j % len(needs)]
            other = needs[(j + 1) % len(needs)]
            solicitations.append(EvalSolicitation(
                solicitation_id=f"ev-s{c:02d}{j:02d}", category=c, title=title.capitalize(),
                description=rnd.choice(_ASKS).format(other), commodity_codes=(code,)))
    return vendors, solicitations
