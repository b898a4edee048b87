"""The vocabulary the demo draws from: agencies, places, trades and what they buy."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class AgencyProfile:
    slug: str
    name: str
    jurisdiction: str  # selects the agency's rule pack (US-WA, US-TX; states without one: US)
    prompt_payment_days: int
    time_zone: str


@dataclass(frozen=True)
class Place:
    city: str
    state: str
    zip_prefix: str


@dataclass(frozen=True)
class Commodity:
    code: str
    what: str
    #: titles of things an agency buys under this code
    needs: tuple[str, ...]


AGENCIES = (
    AgencyProfile("sdot", "Seattle Department of Transportation", "US-WA-Seattle", 30, "America/Los_Angeles"),
    AgencyProfile("pwb", "Portland Water Bureau", "US-OR-Portland", 30, "America/Los_Angeles"),
    AgencyProfile("atx-pw", "City of Austin Public Works", "US-TX-Austin", 30, "America/Chicago"),
    AgencyProfile("cook-fm", "Cook County Facilities Management", "US-IL-Cook", 45, "America/Chicago"),
    AgencyProfile("co-oit", "Colorado Office of Information Technology", "US-CO", 45, "America/Denver"),
    AgencyProfile("mdot", "Maryland Department of Transportation", "US-MD", 30, "America/New_York"),
)

PLACES = (
    Place("Seattle", "WA", "981"), Place("Tacoma", "WA", "984"), Place("Portland", "OR", "972"),
    Place("Salem", "OR", "973"), Place("Austin", "TX", "787"), Place("San Antonio", "TX", "782"),
    Place("Chicago", "IL", "606"), Place("Evanston", "IL", "602"), Place("Denver", "CO", "802"),
    Place("Boulder", "CO", "803"), Place("Baltimore", "MD", "212"), Place("Annapolis", "MD", "214"),
)

STREETS = ("Main St", "Market St", "Oak Ave", "Industrial Way", "Harbor Blvd", "Cedar Ln",
           "Commerce Dr", "Pine St", "Union Ave", "River Rd")

NAME_STEMS = ("Cascade", "Summit", "Prairie", "Harbor", "Granite", "Evergreen", "Keystone",
              "Bluebird", "Ironwood", "Meridian", "Northstar", "Pioneer", "Redwood", "Silverline",
              "Lakeshore", "Frontier", "Horizon", "Juniper", "Copper", "Beacon", "Willow", "Falcon",
              "Riverside", "Sterling", "Aspen", "Bayside", "Crescent", "Liberty", "Magnolia", "Orchard")

NAME_TRADES = ("Paving", "Civil Works", "Data Systems", "Facility Services", "Engineering",
               "Supply", "Consulting", "Landscaping", "Fleet Services", "Electric", "Analytics",
               "Builders", "Environmental", "Safety Products", "Office Solutions")

LEGAL_FORMS = ("LLC", "Inc", "Co", "Group LLC", "Partners", "Corp")

FIRST_NAMES = ("Ana", "Marcus", "Priya", "James", "Lena", "Omar", "Grace", "Tomas", "Keiko", "Dev",
               "Rosa", "Samuel", "Ifeoma", "Nadia", "Victor")
LAST_NAMES = ("Ruiz", "Okafor", "Chen", "Patel", "Johnson", "Nguyen", "Kowalski", "Haddad",
              "Garcia", "Williams", "Tanaka", "Schmidt")

COMMODITIES = (
    Commodity("72141100", "road construction and resurfacing",
              ("Arterial road resurfacing", "Sidewalk and curb ramp upgrades", "Bridge deck repair")),
    Commodity("43211500", "computers",
              ("Replacement of staff laptops", "Rugged tablets for field crews")),
    Commodity("81112000", "data and hosting services",
              ("Open data portal hosting", "Cloud backup and recovery services")),
    Commodity("76111500", "building cleaning",
              ("Janitorial services for municipal buildings", "Window cleaning for civic center")),
    Commodity("72101500", "building maintenance",
              ("HVAC maintenance for city facilities", "Roof repair at public library")),
    Commodity("80101500", "management consulting",
              ("Procurement process review", "Strategic plan facilitation")),
    Commodity("46181500", "safety apparel",
              ("High-visibility apparel for crews", "Personal protective equipment supply")),
    Commodity("25101500", "passenger vehicles",
              ("Electric fleet sedans", "Hybrid pickup trucks")),
    Commodity("70111700", "parks and landscaping",
              ("Park landscaping and tree care", "Irrigation upgrades at city parks")),
    Commodity("81101500", "civil engineering",
              ("Stormwater design services", "Traffic signal timing study")),
    Commodity("44121600", "office supplies", ("Office supplies for all departments",)),
    Commodity("78181500", "vehicle maintenance",
              ("Fleet preventive maintenance", "Heavy equipment repair services")),
)

#: diversity programs vendors are certified in, roughly how common each is
PROGRAM_WEIGHTS = {"SBE": 30, "MBE": 22, "WBE": 20, "DBE": 8, "VOSB": 8, "SDVOSB": 4, "HUBZone": 4,
                   "LBE": 4}

ISSUERS = {"SBE": "State Office of Small Business", "MBE": "Regional Minority Supplier Council",
           "WBE": "Women's Business Enterprise National Council", "DBE": "State Department of Transportation",
           "VOSB": "Department of Veterans Affairs", "SDVOSB": "Department of Veterans Affairs",
           "HUBZone": "Small Business Administration", "LBE": "City Office of Economic Development"}

#: goals an agency may set: (program, percent range)
GOAL_RANGES = (("MBE", 8, 20), ("WBE", 5, 15), ("SBE", 15, 30), ("VOSB", 2, 6), ("DBE", 5, 12))

#: valid EIN prefixes (never-issued ones are refused at registration)
EIN_PREFIXES = ("10", "12", "20", "27", "33", "45", "46", "52", "84", "95")

EVALUATION_CRITERIA = {
    "RFP": (("price", 40), ("technical_approach", 30), ("past_performance", 20), ("key_personnel", 10)),
    "RFQ": (("price", 60), ("technical_approach", 25), ("schedule", 15)),
    "ITB": (),
    "RFI": (),
}
