"""Facts about the world that the suggestion rules read: states by ISO 3166-1 alpha-3 code (the
code a vocabulary's actors carry in `Term.country`), their names, the adjective and the word for
their people, their capitals, and the buildings that stand for a government.

One row a state: `ISO3 | names | adjectives | people | capitals`, several values split by `;`.
The rules look a state up by its actor's country, so any state term gets its demonyms and its
capital without an alias typed for it.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

_STATES = """
AFG|Afghanistan|Afghan|Afghans|Kabul
ALB|Albania|Albanian|Albanians|Tirana
DZA|Algeria|Algerian|Algerians|Algiers
AND|Andorra|Andorran|Andorrans|Andorra la Vella
AGO|Angola|Angolan|Angolans|Luanda
ATG|Antigua and Barbuda|Antiguan|Antiguans|St John's
ARG|Argentina|Argentine;Argentinian|Argentines;Argentinians|Buenos Aires
ARM|Armenia|Armenian|Armenians|Yerevan
AUS|Australia|Australian|Australians|Canberra
AUT|Austria|Austrian|Austrians|Vienna
AZE|Azerbaijan|Azerbaijani;Azeri|Azerbaijanis;Azeris|Baku
BHS|Bahamas;The Bahamas|Bahamian|Bahamians|Nassau
BHR|Bahrain|Bahraini|Bahrainis|Manama
BGD|Bangladesh|Bangladeshi|Bangladeshis|Dhaka
BRB|Barbados|Barbadian|Barbadians|Bridgetown
BLR|Belarus|Belarusian|Belarusians|Minsk
BEL|Belgium|Belgian|Belgians|Brussels
BLZ|Belize|Belizean|Belizeans|Belmopan
BEN|Benin|Beninese||Porto-Novo
BTN|Bhutan|Bhutanese||Thimphu
BOL|Bolivia|Bolivian|Bolivians|La Paz;Sucre
BIH|Bosnia and Herzegovina;Bosnia|Bosnian|Bosnians|Sarajevo
BWA|Botswana|Botswanan;Motswana|Batswana|Gaborone
BRA|Brazil|Brazilian|Brazilians|Brasilia
BRN|Brunei|Bruneian|Bruneians|Bandar Seri Begawan
BGR|Bulgaria|Bulgarian|Bulgarians|Sofia
BFA|Burkina Faso|Burkinabe||Ouagadougou
BDI|Burundi|Burundian|Burundians|Gitega
CPV|Cape Verde;Cabo Verde|Cape Verdean|Cape Verdeans|Praia
KHM|Cambodia|Cambodian|Cambodians|Phnom Penh
CMR|Cameroon|Cameroonian|Cameroonians|Yaounde
CAN|Canada|Canadian|Canadians|Ottawa
CAF|Central African Republic|Central African|Central Africans|Bangui
TCD|Chad|Chadian|Chadians|N'Djamena
CHL|Chile|Chilean|Chileans|Santiago
CHN|China;People's Republic of China;PRC|Chinese||Beijing
COL|Colombia|Colombian|Colombians|Bogota
COM|Comoros|Comoran|Comorans|Moroni
COG|Republic of the Congo;Congo-Brazzaville|Congolese||Brazzaville
COD|Democratic Republic of the Congo;DRC;DR Congo;Congo-Kinshasa|Congolese||Kinshasa
CRI|Costa Rica|Costa Rican|Costa Ricans|San Jose
CIV|Ivory Coast;Cote d'Ivoire|Ivorian|Ivorians|Yamoussoukro
HRV|Croatia|Croatian;Croat|Croatians;Croats|Zagreb
CUB|Cuba|Cuban|Cubans|Havana
CYP|Cyprus|Cypriot|Cypriots|Nicosia
CZE|Czech Republic;Czechia|Czech|Czechs|Prague
DNK|Denmark|Danish|Danes|Copenhagen
DJI|Djibouti|Djiboutian|Djiboutians|Djibouti
DMA|Dominica|Dominican|Dominicans|Roseau
DOM|Dominican Republic|Dominican|Dominicans|Santo Domingo
ECU|Ecuador|Ecuadorian|Ecuadorians|Quito
EGY|Egypt|Egyptian|Egyptians|Cairo
SLV|El Salvador|Salvadoran|Salvadorans|San Salvador
GNQ|Equatorial Guinea|Equatoguinean|Equatoguineans|Malabo
ERI|Eritrea|Eritrean|Eritreans|Asmara
EST|Estonia|Estonian|Estonians|Tallinn
SWZ|Eswatini;Swaziland|Swazi|Swazis|Mbabane
ETH|Ethiopia|Ethiopian|Ethiopians|Addis Ababa
FJI|Fiji|Fijian|Fijians|Suva
FIN|Finland|Finnish|Finns|Helsinki
FRA|France;French Republic|French|Frenchmen|Paris
GAB|Gabon|Gabonese||Libreville
GMB|Gambia;The Gambia|Gambian|Gambians|Banjul
GEO|Georgia|Georgian|Georgians|Tbilisi
DEU|Germany;Federal Republic of Germany|German|Germans|Berlin
GHA|Ghana|Ghanaian|Ghanaians|Accra
GRC|Greece|Greek|Greeks|Athens
GRD|Grenada|Grenadian|Grenadians|St George's
GTM|Guatemala|Guatemalan|Guatemalans|Guatemala City
GIN|Guinea|Guinean|Guineans|Conakry
GNB|Guinea-Bissau|Bissau-Guinean|Bissau-Guineans|Bissau
GUY|Guyana|Guyanese||Georgetown
HTI|Haiti|Haitian|Haitians|Port-au-Prince
HND|Honduras|Honduran|Hondurans|Tegucigalpa
HUN|Hungary|Hungarian|Hungarians|Budapest
ISL|Iceland|Icelandic|Icelanders|Reykjavik
IND|India|Indian|Indians|New Delhi
IDN|Indonesia|Indonesian|Indonesians|Jakarta
IRN|Iran;Islamic Republic of Iran;Islamic Republic|Iranian|Iranians|Tehran
IRQ|Iraq;Republic of Iraq|Iraqi|Iraqis|Baghdad
IRL|Ireland;Republic of Ireland|Irish||Dublin
ISR|Israel;State of Israel|Israeli|Israelis|Jerusalem
ITA|Italy|Italian|Italians|Rome
JAM|Jamaica|Jamaican|Jamaicans|Kingston
JPN|Japan|Japanese||Tokyo
JOR|Jordan|Jordanian|Jordanians|Amman
KAZ|Kazakhstan|Kazakh;Kazakhstani|Kazakhs;Kazakhstanis|Astana
KEN|Kenya|Kenyan|Kenyans|Nairobi
KIR|Kiribati|I-Kiribati||Tarawa
PRK|North Korea;Democratic People's Republic of Korea;DPRK|North Korean|North Koreans|Pyongyang
KOR|South Korea;Republic of Korea|South Korean|South Koreans|Seoul
XKX|Kosovo|Kosovar;Kosovan|Kosovars|Pristina
KWT|Kuwait|Kuwaiti|Kuwaitis|Kuwait City
KGZ|Kyrgyzstan|Kyrgyz||Bishkek
LAO|Laos|Lao;Laotian|Laotians|Vientiane
LVA|Latvia|Latvian|Latvians|Riga
LBN|Lebanon|Lebanese||Beirut
LSO|Lesotho|Basotho|Basotho|Maseru
LBR|Liberia|Liberian|Liberians|Monrovia
LBY|Libya|Libyan|Libyans|Tripoli
LIE|Liechtenstein|Liechtensteiner|Liechtensteiners|Vaduz
LTU|Lithuania|Lithuanian|Lithuanians|Vilnius
LUX|Luxembourg|Luxembourgish|Luxembourgers|Luxembourg
MDG|Madagascar|Malagasy||Antananarivo
MWI|Malawi|Malawian|Malawians|Lilongwe
MYS|Malaysia|Malaysian|Malaysians|Kuala Lumpur
MDV|Maldives|Maldivian|Maldivians|Male
MLI|Mali|Malian|Malians|Bamako
MLT|Malta|Maltese||Valletta
MHL|Marshall Islands|Marshallese||Majuro
MRT|Mauritania|Mauritanian|Mauritanians|Nouakchott
MUS|Mauritius|Mauritian|Mauritians|Port Louis
MEX|Mexico|Mexican|Mexicans|Mexico City
FSM|Micronesia|Micronesian|Micronesians|Palikir
MDA|Moldova|Moldovan|Moldovans|Chisinau
MCO|Monaco|Monegasque|Monegasques|Monaco
MNG|Mongolia|Mongolian|Mongolians|Ulaanbaatar
MNE|Montenegro|Montenegrin|Montenegrins|Podgorica
MAR|Morocco|Moroccan|Moroccans|Rabat
MOZ|Mozambique|Mozambican|Mozambicans|Maputo
MMR|Myanmar;Burma|Burmese;Myanmar||Naypyidaw
NAM|Namibia|Namibian|Namibians|Windhoek
NRU|Nauru|Nauruan|Nauruans|Yaren
NPL|Nepal|Nepalese;Nepali|Nepalis|Kathmandu
NLD|Netherlands;The Netherlands;Holland|Dutch||Amsterdam;The Hague
NZL|New Zealand|New Zealand|New Zealanders|Wellington
NIC|Nicaragua|Nicaraguan|Nicaraguans|Managua
NER|Niger|Nigerien|Nigeriens|Niamey
NGA|Nigeria|Nigerian|Nigerians|Abuja
MKD|North Macedonia;Macedonia|Macedonian|Macedonians|Skopje
NOR|Norway|Norwegian|Norwegians|Oslo
OMN|Oman|Omani|Omanis|Muscat
PAK|Pakistan|Pakistani|Pakistanis|Islamabad
PLW|Palau|Palauan|Palauans|Ngerulmud
PSE|Palestine;State of Palestine;Palestinian territories|Palestinian|Palestinians|Ramallah
PAN|Panama|Panamanian|Panamanians|Panama City
PNG|Papua New Guinea|Papua New Guinean|Papua New Guineans|Port Moresby
PRY|Paraguay|Paraguayan|Paraguayans|Asuncion
PER|Peru|Peruvian|Peruvians|Lima
PHL|Philippines;The Philippines|Filipino;Philippine|Filipinos|Manila
POL|Poland|Polish|Poles|Warsaw
PRT|Portugal|Portuguese||Lisbon
QAT|Qatar|Qatari|Qataris|Doha
ROU|Romania|Romanian|Romanians|Bucharest
RUS|Russia;Russian Federation|Russian|Russians|Moscow
RWA|Rwanda|Rwandan|Rwandans|Kigali
KNA|Saint Kitts and Nevis|Kittitian|Kittitians|Basseterre
LCA|Saint Lucia|Saint Lucian|Saint Lucians|Castries
VCT|Saint Vincent and the Grenadines|Vincentian|Vincentians|Kingstown
WSM|Samoa|Samoan|Samoans|Apia
SMR|San Marino|Sammarinese||San Marino
STP|Sao Tome and Principe|Santomean|Santomeans|Sao Tome
SAU|Saudi Arabia;Kingdom of Saudi Arabia|Saudi;Saudi Arabian|Saudis|Riyadh
SEN|Senegal|Senegalese||Dakar
SRB|Serbia|Serbian;Serb|Serbians;Serbs|Belgrade
SYC|Seychelles|Seychellois||Victoria
SLE|Sierra Leone|Sierra Leonean|Sierra Leoneans|Freetown
SGP|Singapore|Singaporean|Singaporeans|Singapore
SVK|Slovakia|Slovak|Slovaks|Bratislava
SVN|Slovenia|Slovenian;Slovene|Slovenians;Slovenes|Ljubljana
SLB|Solomon Islands|Solomon Islander|Solomon Islanders|Honiara
SOM|Somalia|Somali|Somalis|Mogadishu
ZAF|South Africa|South African|South Africans|Pretoria;Cape Town
SSD|South Sudan|South Sudanese||Juba
ESP|Spain|Spanish|Spaniards|Madrid
LKA|Sri Lanka|Sri Lankan|Sri Lankans|Colombo
SDN|Sudan|Sudanese||Khartoum
SUR|Suriname|Surinamese||Paramaribo
SWE|Sweden|Swedish|Swedes|Stockholm
CHE|Switzerland|Swiss||Bern
SYR|Syria;Syrian Arab Republic|Syrian|Syrians|Damascus
TWN|Taiwan;Republic of China|Taiwanese||Taipei
TJK|Tajikistan|Tajik|Tajiks|Dushanbe
TZA|Tanzania|Tanzanian|Tanzanians|Dodoma
THA|Thailand|Thai|Thais|Bangkok
TLS|East Timor;Timor-Leste|Timorese||Dili
TGO|Togo|Togolese||Lome
TON|Tonga|Tongan|Tongans|Nuku'alofa
TTO|Trinidad and Tobago|Trinidadian|Trinidadians|Port of Spain
TUN|Tunisia|Tunisian|Tunisians|Tunis
TUR|Turkey;Turkiye;Republic of Turkey|Turkish|Turks|Ankara
TKM|Turkmenistan|Turkmen||Ashgabat
TUV|Tuvalu|Tuvaluan|Tuvaluans|Funafuti
UGA|Uganda|Ugandan|Ugandans|Kampala
UKR|Ukraine|Ukrainian|Ukrainians|Kyiv;Kiev
ARE|United Arab Emirates;UAE;Emirates|Emirati|Emiratis|Abu Dhabi
GBR|United Kingdom;UK;U.K.;Britain;Great Britain|British|Britons|London
USA|United States;United States of America;US;U.S.;USA;U.S.A.;America|American|Americans|Washington
URY|Uruguay|Uruguayan|Uruguayans|Montevideo
UZB|Uzbekistan|Uzbek|Uzbeks|Tashkent
VUT|Vanuatu|Ni-Vanuatu||Port Vila
VAT|Vatican;Holy See|Vatican||Vatican City
VEN|Venezuela|Venezuelan|Venezuelans|Caracas
VNM|Vietnam|Vietnamese||Hanoi
YEM|Yemen|Yemeni|Yemenis|Sanaa
ZMB|Zambia|Zambian|Zambians|Lusaka
ZWE|Zimbabwe|Zimbabwean|Zimbabweans|Harare
"""

# Buildings and places that stand for a government or a part of it: (country, the part).
# The part is one of the classes in lexicon.CLASS_NOUNS ("government", "military", "legislature").
SEATS: dict[str, tuple[str, str]] = {
    "Kremlin": ("RUS", "government"),
    "White House": ("USA", "government"),
    "Pentagon": ("USA", "military"),
    "Foggy Bottom": ("USA", "government"),
    "Capitol Hill": ("USA", "legislature"),
    "Downing Street": ("GBR", "government"),
    "Whitehall": ("GBR", "government"),
    "Westminster": ("GBR", "legislature"),
    "Elysee": ("FRA", "government"),
    "Elysee Palace": ("FRA", "government"),
    "Quai d'Orsay": ("FRA", "government"),
    "Zhongnanhai": ("CHN", "government"),
    "Knesset": ("ISR", "legislature"),
    "Majlis": ("IRN", "legislature"),
    "Bundestag": ("DEU", "legislature"),
    "Blue House": ("KOR", "government"),
}


@dataclass(frozen=True)
class State:
    iso3: str
    names: tuple[str, ...]
    adjectives: tuple[str, ...]
    people: tuple[str, ...]
    capitals: tuple[str, ...]


@functools.cache
def states() -> dict[str, State]:
    """Every state of the table, by ISO 3166-1 alpha-3 code."""
    table = {}
    for line in _STATES.strip().splitlines():
        iso3, names, adjectives, people, capitals = (field.strip() for field in line.split("|"))
        table[iso3] = State(
            iso3, *(tuple(v for v in f.split(";") if v) for f in (names, adjectives, people, capitals))
        )
    return table
