"""English words the suggestion rules read: titles, the nouns that name a part of a state, the
verbs that make a place an actor, the prepositions that keep it a place, and the words that end an
organisation's name. Data, not rules: each list is used by one rule in rules.py.

Entries are written as in running text; the rules compare them folded (annotations.folding).
"""

from __future__ import annotations


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Titles and honorifics: outside the mention (the gold convention: "President **Donald Trump**"),
# and evidence that the name after them is a person's.
TITLES = """
President; Vice President; Vice-President; President-elect; Prime Minister; Deputy Prime Minister;
Premier; Chancellor; Foreign Minister; Defence Minister; Defense Minister; Interior Minister;
Finance Minister; Oil Minister; Minister; Deputy Minister; Secretary of State; Defense Secretary;
Defence Secretary; Foreign Secretary; Home Secretary; Treasury Secretary; Secretary; Secretary-General;
Secretary General; Ambassador; Envoy; Special Envoy; Senator; Sen.; Representative; Rep.;
Congressman; Congresswoman; Speaker; Governor; Gov.; Mayor; Judge; Justice; Chief Justice;
King; Queen; Prince; Crown Prince; Princess; Emir; Amir; Sultan; Sheikh; Shaikh; Sheik;
Ayatollah; Grand Ayatollah; Hojatoleslam; Hojjatoleslam; Imam; Mullah; Sayyed; Sayyid; Seyed;
Sayed; Haj; Hajj; Haji; Pope; Patriarch; Rabbi; Cardinal; Archbishop; Bishop; Supreme Leader;
General; Gen.; Lieutenant General; Lt. Gen.; Lt Gen; Major General; Maj. Gen.; Maj Gen;
Brigadier General; Brig. Gen.; Brigadier; Colonel; Col.; Lieutenant Colonel; Lt. Col.; Major; Maj.;
Captain; Capt.; Lieutenant; Lt.; Sergeant; Sgt.; Commander; Cmdr.; Admiral; Adm.; Vice Admiral;
Rear Admiral; Field Marshal; Marshal; Commander-in-Chief; Chief of Staff;
Mr.; Mr; Mrs.; Mrs; Ms.; Ms; Miss; Dr.; Dr; Professor; Prof.; Sir; Dame; Lord; Lady
"""

# Abbreviations whose full stop belongs to the word (so "Maj. Gen. Qaani" is one run of words).
ABBREVIATIONS = _words(
    """
    gen lt maj brig col capt sgt cmdr adm sen rep gov mr mrs ms dr prof st jr sr mt ft no vs
    """
)
# Nouns that, after a state's name or adjective, name a part of that state ("US troops",
# "Iranian officials"): two phrases of one class name the same actor.
CLASS_NOUNS: dict[str, tuple[str, ...]] = {
    "government": (
        "government",
        "administration",
        "regime",
        "authorities",
        "leadership",
        "officials",
        "government officials",
        "leaders",
        "cabinet",
    ),
    "military": (
        "military",
        "forces",
        "armed forces",
        "troops",
        "soldiers",
        "army",
        "servicemen",
        "service members",
        "military personnel",
        "military forces",
    ),
    "legislature": ("parliament", "lawmakers", "legislators", "MPs", "legislature", "congress"),
    "embassy": ("embassy",),
}

# Before a capital, the place and not its government ("in Tehran", "from Washington").
PLACE_PREPOSITIONS = _words(
    """
    in to from at near into outside across around inside toward towards via through visit visited
    visiting reached arrived landed flew returned capital
    """
)

# After a capital or seat, an actor: reporting verbs, verbs of action, modals and auxiliaries.
ACTOR_VERBS = _words(
    """
    said says say told tells warned warns vowed vows announced announces claimed claims denied
    denies accused accuses blamed blames threatened threatens insisted insists stated states
    declared declares responded responds replied replies retaliated retaliates rejected rejects
    urged urges called calls demanded demands wants wanted sees saw believes believed hopes hoped
    fears feared plans planned seeks sought refused refuses ordered orders imposed imposes launched
    launches struck strikes killed kills attacked attacks sent sends deployed deploys condemned
    condemns welcomed welcomes confirmed confirms signalled signaled signals decided decides agreed
    agrees offered offers pledged pledges argued argues argue maintains maintained considers
    considered knows knew needs needed tried tries chose chooses pushed pushes backed backs supports
    supported opposes opposed reacted reacts withdrew withdraws sanctioned sanctions designated
    designates stepped moved will would could can cannot may might must shall should is was has had
    have does did appears appeared seems seemed now also already still then quickly swiftly
    immediately repeatedly
    """
)

# Words that end the name of an organisation, with the kind of actor such a name is.
ORGANISATION_HEADS: dict[str, str] = {
    **dict.fromkeys(
        _words(
            """
            council organisation organization party front movement agency institute centre center
            foundation union league association commission committee group network company
            corporation bank university times post news press television tv radio journal review
            herald tribune coalition alliance federation society club forum trust fund programme
            program mission reuters
            """
        ),
        "organization",
    ),
    **dict.fromkeys(
        _words(
            """
            ministry department office parliament assembly court senate cabinet administration
            command service services police guard authority
            """
        ),
        "government_body",
    ),
    **dict.fromkeys(
        _words(
            """
            brigade brigades militia militias army forces force corps battalion battalions regiment
            rebels jihad mujahideen state
            """
        ),
        "armed_group",
    ),
}

# Words inside a name of a place (not an actor): "Persian Gulf", "Middle East", "Strait of Hormuz".
PLACE_WORDS = _words(
    """
    gulf sea ocean strait straits river lake mountains mountain mount valley desert island islands
    peninsula coast bay canal province governorate district region city town village street square
    road avenue airport base airbase port harbour harbor bridge camp field east west north south
    central middle basin plain plains hills
    """
)

# Never the start of a name: days, months, and words capitalised only by their place in a sentence.
NOT_NAMES = _words(
    """
    monday tuesday wednesday thursday friday saturday sunday january february march april may june
    july august september october november december mr mrs ms dr photo photos read more related
    advertisement image video copyright getty afp ap i we you he she it they god allah islam muslim
    muslims shia shiite shiites sunni sunnis christian jewish arab arabs western eastern english
    twitter facebook instagram youtube covid ok tv ceo ngo pm ad bc gmt utc
    """
)

# Lowercase words allowed inside a name ("Osama bin Laden", "Centre for European Reform").
NAME_PARTICLES = _words(
    """
    al el bin ibn bint abu de del della da di du van von der den la le ul ud ad as ash ar at az
    """
)
NAME_CONNECTORS = {"of", "for", "on", "and", "the"}  # only inside an organisation's name

# The Arabic article before a name: "al-Baghdadi" is "Baghdadi" with its article, one mention.
ARABIC_ARTICLES = {"al", "el", "ad", "ash", "as", "ar", "at", "az", "an", "ud", "ul"}


def phrases(text: str) -> list[str]:
    """The entries of a `;`-separated list written across lines."""
    return [entry.strip() for entry in text.replace("\n", " ").split(";") if entry.strip()]
