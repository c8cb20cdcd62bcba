"""The sample contacts of the demo organisation, Vistula Home Electronics, as data.

These texts are the held-out test of the demo: `generate_samples.py` renders them as e-mails,
scanned letters and filled-in loyalty coupons, and writes the manifest with the expected labels.
Every text was written for this purpose; none is taken from a training corpus.

Bodies hold paragraphs separated by a blank line, from the greeting to the closing phrase; the
renderers add the sender's name (a signature) below.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["email", "letter", "coupon"]
Language = Literal["en", "pl"]
Topic = Literal["billing", "claim", "delivery", "complaint", "technical", "loyalty"]
Sentiment = Literal["negative", "neutral", "positive"]
EmailFormat = Literal["plain", "alternative", "html"]
Charset = Literal["utf-8", "iso-8859-2"]
ScanFormat = Literal["png", "jpeg", "tiff", "pdf"]
AttachmentKind = Literal["invoice_pdf", "letter_pdf", "parcel_photo_jpeg", "error_screenshot_png"]

TOPIC_UNITS: dict[str, str] = {
    "billing": "billing",
    "claim": "claims",
    "delivery": "deliveries",
    "complaint": "complaints",
    "technical": "techsupport",
    "loyalty": "loyalty",
}
SENTIMENTS: tuple[str, ...] = ("negative", "neutral", "positive")
SERVICE_ADDRESS_EN = "customer.service@vistula-electronics.pl"
SERVICE_ADDRESS_PL = "obsluga@vistula-electronics.pl"


@dataclass(frozen=True)
class PostalAddress:
    street: str
    postcode: str
    town: str
    country: str = "Polska"


@dataclass(frozen=True)
class Attachment:
    """A file the customer attached; `lines` is the text printed on it (invoice rows,
    the paragraphs of a scanned letter, the error shown on a screenshot, a parcel label)."""

    kind: AttachmentKind
    filename: str
    lines: tuple[str, ...] = ()


@dataclass(frozen=True)
class CouponFields:
    """What the customer wrote on a paper Vistula Club coupon, in block capitals."""

    first_name: str
    last_name: str
    street: str
    postcode: str
    town: str
    email: str
    phone: str
    card_number: str
    newsletter: bool
    prize_draw: bool
    consent: bool
    country: Literal["PL", "GB", "US"] = "PL"


@dataclass(frozen=True)
class SampleContact:
    id: str
    kind: Kind
    language: Language
    topic: Topic
    sentiment: Sentiment
    subject: str
    body: str
    sender_name: str
    sender_email: str
    sent: str  # local time in Warsaw, "YYYY-MM-DD HH:MM"
    postal_address: PostalAddress | None = None
    email_format: EmailFormat = "plain"
    charset: Charset = "utf-8"
    attachment: Attachment | None = None
    reply_to: str | None = None  # id of the sample this one answers
    details: tuple[tuple[str, str], ...] = ()  # rows of the table in an HTML body
    scan_format: ScanFormat | None = None
    scan_dpi: int | None = None
    coupon: CouponFields | None = None

    @property
    def unit(self) -> str:
        return TOPIC_UNITS[self.topic]

    @property
    def paragraphs(self) -> list[str]:
        return [p.strip() for p in self.body.strip().split("\n\n") if p.strip()]


def _text(raw: str) -> str:
    """Joins the hard-wrapped lines of each paragraph, keeping blank lines between paragraphs."""
    paragraphs = [" ".join(line.strip() for line in p.splitlines()) for p in raw.split("\n\n")]
    return "\n\n".join(p.strip() for p in paragraphs if p.strip())


def _email(**kwargs: object) -> SampleContact:
    kwargs["body"] = _text(str(kwargs["body"]))
    return SampleContact(kind="email", **kwargs)  # type: ignore[arg-type]


def _letter(**kwargs: object) -> SampleContact:
    kwargs["body"] = _text(str(kwargs["body"]))
    kwargs.setdefault("scan_dpi", 200)
    return SampleContact(kind="letter", **kwargs)  # type: ignore[arg-type]


def _coupon(
    id: str, language: Language, sent: str, scan_format: ScanFormat, fields: CouponFields
) -> SampleContact:
    subject = "Vistula Club coupon" if language == "en" else "Kupon Klubu Vistula"
    return SampleContact(
        id=id,
        kind="coupon",
        language=language,
        topic="loyalty",
        sentiment="neutral",
        subject=subject,
        body="",
        sender_name=f"{fields.first_name.title()} {fields.last_name.title()}",
        sender_email=fields.email.lower(),
        sent=sent,
        postal_address=PostalAddress(fields.street, fields.postcode, fields.town, fields.country),
        scan_format=scan_format,
        scan_dpi=300,
        coupon=fields,
    )


# --------------------------------------------------------------------------------------------
# E-mails: eight per topic, four in English and four in Polish.
# --------------------------------------------------------------------------------------------

BILLING_EMAILS = [
    _email(
        id="en_billing_01",
        language="en",
        topic="billing",
        sentiment="negative",
        subject="Charged twice for order ORD-5531907",
        sender_name="Daniel Hughes",
        sender_email="daniel.hughes84@gmail.com",
        sent="2026-10-05 21:47",
        body="""
Hello,

I placed order ORD-5531907 on Saturday (a Philips air fryer, 449 PLN) and paid by Visa.
When I checked my banking app this morning I found two identical payments of 449 PLN to
Vistula Home Electronics, one minute apart. Only one order appears in my account.

Please cancel the second payment and return the money to my card as soon as possible.
This is not a small amount for me and I would rather not have to dispute it with my bank.

My customer number is VH-204817.

Regards,
""",
    ),
    _email(
        id="en_billing_02",
        language="en",
        topic="billing",
        sentiment="neutral",
        subject="Invoice FV/2026/10/01234 - company details missing",
        sender_name="Sarah Whitfield",
        sender_email="s.whitfield@whitfield-design.co.uk",
        sent="2026-10-08 10:12",
        email_format="alternative",
        attachment=Attachment(
            kind="invoice_pdf",
            filename="FV_2026_10_01234.pdf",
            lines=(
                "FV/2026/10/01234",
                "2026-10-02",
                "Sarah Whitfield",
                "Dell 27 monitor P2725H|1|1299.00",
                "Logitech MX Keys keyboard|1|459.00",
            ),
        ),
        body="""
Good morning,

I bought two items for my studio in your Warsaw store on 2 October (order ORD-6120458)
and asked for an invoice for my company. The invoice I received, FV/2026/10/01234, is
issued to me as a private person and the company name and VAT number are missing, so my
accountant cannot book it.

Could you please issue a corrected invoice for Whitfield Design Sp. z o.o., NIP 525-281-44-17,
ul. Mokotowska 12/4, 00-561 Warszawa? I have attached the invoice I received for reference.

Kind regards,
""",
    ),
    _email(
        id="en_billing_03",
        language="en",
        topic="billing",
        sentiment="positive",
        subject="Instalment plan for the LG OLED TV",
        sender_name="Michael O'Connor",
        sender_email="mike.oconnor@outlook.com",
        sent="2026-10-11 18:30",
        email_format="html",
        details=(
            ("Order number", "ORD-5580213"),
            ("Product", "LG OLED55C4 television"),
            ("Price", "5 499.00 PLN"),
            ("Instalments", "20 x 274.95 PLN, 0%"),
        ),
        body="""
Hi there,

Thank you for the great advice in your Gdansk store, we are very happy with the new TV.
I chose to pay in 20 interest-free instalments and I have a couple of questions about the
payments.

When is the first instalment due, and can I pay it by bank transfer instead of the direct
debit? I would also like to know whether I can pay off the remaining balance early without
any extra fee.

The details of the purchase are below. Many thanks,
""",
    ),
    _email(
        id="en_billing_04",
        language="en",
        topic="billing",
        sentiment="negative",
        subject="Re: Charged twice for order ORD-5531907",
        sender_name="Daniel Hughes",
        sender_email="daniel.hughes84@gmail.com",
        sent="2026-10-14 08:05",
        reply_to="en_billing_01",
        body="""
Hello again,

It has been over a week since my message below and the duplicate payment of 449 PLN has
still not been refunded to my card. Nobody has replied either.

I have a screenshot of both card transactions if you need it. Please confirm today when the
money will be returned, otherwise I will file a chargeback with my bank.

Daniel Hughes, VH-204817
""",
    ),
    _email(
        id="pl_billing_01",
        language="pl",
        topic="billing",
        sentiment="negative",
        subject="Podwójne obciążenie za zamówienie ORD-5547720",
        sender_name="Katarzyna Wiśniewska",
        sender_email="kasia.wisniewska@wp.pl",
        sent="2026-10-06 07:58",
        body="""
Dzień dobry,

wczoraj wieczorem zamówiłam w sklepie internetowym odkurzacz Dyson V12 (zamówienie
ORD-5547720) i zapłaciłam BLIKIEM. Płatność najpierw się zawiesiła, więc zatwierdziłam ją
drugi raz. Dzisiaj widzę w banku dwa obciążenia po 2399 zł, a zamówienie jest tylko jedno.

Proszę o pilny zwrot drugiej płatności na moje konto. To dla mnie duża kwota i nie rozumiem,
dlaczego system w ogóle pozwolił zapłacić dwa razy za to samo zamówienie.

Mój numer klienta: VH-318265.

Pozdrawiam
""",
    ),
    _email(
        id="pl_billing_02",
        language="pl",
        topic="billing",
        sentiment="neutral",
        subject="Prośba o wystawienie faktury VAT na firmę",
        sender_name="Grzegorz Żółkowski",
        sender_email="g.zolkowski@onet.pl",
        sent="2026-10-09 13:21",
        charset="iso-8859-2",
        body="""
Dzień dobry,

w dniu 7 października kupiłem w Państwa sklepie we Wrocławiu drukarkę laserową Brother
i dwa tonery (paragon nr 0412/2026). Przy kasie zapomniałem poprosić o fakturę na firmę.

Uprzejmie proszę o wystawienie faktury VAT na dane:
Żółkowski Usługi Księgowe, ul. Legnicka 48, 53-674 Wrocław, NIP 894-302-17-55.
Fakturę proszę przesłać na ten adres e-mail.

Z poważaniem
""",
    ),
    _email(
        id="pl_billing_03",
        language="pl",
        topic="billing",
        sentiment="neutral",
        subject="Pytanie o harmonogram rat",
        sender_name="Tomasz Kaczmarek",
        sender_email="tomasz.kaczmarek@interia.pl",
        sent="2026-10-13 19:44",
        email_format="html",
        details=(
            ("Numer zamówienia", "ORD-5602247"),
            ("Produkt", "Lodówka Samsung RB38"),
            ("Kwota", "3 199,00 zł"),
            ("Raty", "10 x 319,90 zł, 0%"),
        ),
        body="""
Dzień dobry,

kupiłem lodówkę na raty 0% i do dzisiaj nie dostałem harmonogramu spłat. Nie wiem, do
którego dnia miesiąca mam wpłacać ratę ani na jaki numer rachunku.

Czy mogą Państwo przesłać harmonogram rat i potwierdzić, że pierwsza rata jest płatna
dopiero w listopadzie? Chciałbym też wiedzieć, czy mogę spłacić całość wcześniej bez
dodatkowych opłat.

Dane zakupu poniżej.

Pozdrawiam serdecznie
""",
    ),
    _email(
        id="pl_billing_04",
        language="pl",
        topic="billing",
        sentiment="positive",
        subject="Zwrot nadpłaty otrzymany – prośba o fakturę korygującą",
        sender_name="Agnieszka Dąbrowska",
        sender_email="agnieszka.dabrowska@gmail.com",
        sent="2026-10-16 11:03",
        email_format="alternative",
        attachment=Attachment(
            kind="invoice_pdf",
            filename="faktura_FV_2026_10_02981.pdf",
            lines=(
                "FV/2026/10/02981",
                "2026-10-03",
                "Agnieszka Dąbrowska",
                "Ekspres do kawy DeLonghi Magnifica S|1|1899.00",
                "Młynek do kawy Bosch TSM6A|1|149.00",
            ),
        ),
        body="""
Dzień dobry,

bardzo dziękuję za szybką reakcję – nadpłata 150 zł za ekspres do kawy wróciła na moje
konto już po dwóch dniach. Jestem naprawdę mile zaskoczona.

Mam jeszcze jedną prośbę: na fakturze FV/2026/10/02981 nadal widnieje stara, wyższa cena
ekspresu. Czy mogą Państwo wystawić fakturę korygującą na kwotę zwrotu? Fakturę, którą
dostałam, przesyłam w załączniku.

Pozdrawiam serdecznie
""",
    ),
]

CLAIM_EMAILS = [
    _email(
        id="en_claim_01",
        language="en",
        topic="claim",
        sentiment="negative",
        subject="Warranty claim - washing machine leaking after three weeks",
        sender_name="Emma Clarke",
        sender_email="emma.clarke@yahoo.co.uk",
        sent="2026-10-04 16:20",
        body="""
Hello,

I bought a Bosch Serie 6 washing machine from you on 12 September (order ORD-5498821).
For the last few days water has been leaking from underneath the door during every wash, and
yesterday it flooded the bathroom floor. The machine is only three weeks old.

I would like to make a warranty claim. Please tell me whether a technician will come to
repair it or whether you will replace the machine. I cannot use it at the moment, which with
two small children is a real problem.

Thank you,
""",
    ),
    _email(
        id="en_claim_02",
        language="en",
        topic="claim",
        sentiment="neutral",
        subject="Signed return form for the faulty coffee grinder",
        sender_name="James Patel",
        sender_email="james.patel@protonmail.com",
        sent="2026-10-07 09:35",
        postal_address=PostalAddress("ul. Święty Marcin 29/8", "61-806", "Poznań"),
        email_format="alternative",
        attachment=Attachment(
            kind="letter_pdf",
            filename="return_form_signed.pdf",
            lines=(
                "WARRANTY CLAIM FORM",
                "Order: ORD-5513390. Product: Sage coffee grinder, bought 28 August 2026.",
                "Fault: the motor stops after a few seconds of grinding and the unit smells "
                "of burnt plastic.",
                "I request: repair under warranty or replacement with a working unit.",
            ),
        ),
        body="""
Dear Sir or Madam,

as requested by your colleague on the phone, I am sending the signed warranty claim form
for the coffee grinder I bought in August. The motor stops after a few seconds and there is
a smell of burnt plastic, so I have stopped using it.

The grinder is packed and ready to be collected. Please let me know when the courier will
pick it up for inspection, or whether I should bring it back to the store in Poznan.

Best regards,
""",
    ),
    _email(
        id="en_claim_03",
        language="en",
        topic="claim",
        sentiment="neutral",
        subject="Returning unwanted headphones within 14 days",
        sender_name="Olivia Bennett",
        sender_email="olivia.bennett@icloud.com",
        sent="2026-10-12 14:02",
        email_format="html",
        details=(
            ("Order number", "ORD-5577104"),
            ("Product", "Sony WH-1000XM5 headphones"),
            ("Delivered", "9 October 2026"),
            ("Condition", "unopened, original packaging"),
        ),
        body="""
Hello,

I would like to return a pair of headphones that I ordered online. They were a present, but
it turns out that my brother already has the same model. The box has not been opened.

Could you explain how the return works? Do I send the parcel back myself or will you arrange
a collection, and do I need to fill in a return form? The order details are below.

Thanks a lot,
""",
    ),
    _email(
        id="en_claim_04",
        language="en",
        topic="claim",
        sentiment="negative",
        subject="Re: Warranty claim - washing machine leaking after three weeks",
        sender_name="Emma Clarke",
        sender_email="emma.clarke@yahoo.co.uk",
        sent="2026-10-18 10:41",
        reply_to="en_claim_01",
        body="""
Hello,

two weeks after my warranty claim the washing machine is still broken. The technician came on
Tuesday, confirmed that the door seal is faulty and said that the part had to be ordered, but
since then I have heard nothing.

Under the warranty I expect the repair to be done within 14 days. If the machine cannot be
repaired this week, I would like it replaced with a new one.

Emma Clarke
""",
    ),
    _email(
        id="pl_claim_01",
        language="pl",
        topic="claim",
        sentiment="negative",
        subject="Reklamacja – odkurzacz nie ładuje się",
        sender_name="Paweł Nowicki",
        sender_email="pawel.nowicki@o2.pl",
        sent="2026-10-05 12:15",
        charset="iso-8859-2",
        body="""
Dzień dobry,

składam reklamację odkurzacza pionowego Xiaomi kupionego w Państwa sklepie internetowym
(zamówienie ORD-5460118). Od tygodnia odkurzacz nie ładuje się – dioda na stacji dokującej
miga na czerwono, a bateria pozostaje rozładowana. Próbowałem innego gniazdka, bez zmian.

Urządzenie ma dwa miesiące i jest na gwarancji. Proszę o informację, jak mam je przekazać do
naprawy, albo o wymianę na nowy egzemplarz.

Z poważaniem
""",
    ),
    _email(
        id="pl_claim_02",
        language="pl",
        topic="claim",
        sentiment="neutral",
        subject="Zwrot towaru – odstąpienie od umowy, ORD-5589012",
        sender_name="Magdalena Zielińska",
        sender_email="magda.zielinska@gmail.com",
        sent="2026-10-10 20:11",
        body="""
Dzień dobry,

chciałabym zwrócić blender kielichowy Tefal zamówiony przez internet (ORD-5589012). Po
rozpakowaniu okazało się, że jest za duży do mojej kuchni. Nie był używany, ma wszystkie
folie i oryginalne pudełko.

Odstępuję od umowy w terminie 14 dni. Proszę o informację, na jaki adres odesłać blender
i czy muszę dołączyć formularz zwrotu.

Pozdrawiam
""",
    ),
    _email(
        id="pl_claim_03",
        language="pl",
        topic="claim",
        sentiment="negative",
        subject="Reklamacja telewizora – pionowe pasy na ekranie",
        sender_name="Krzysztof Mazur",
        sender_email="k.mazur@wp.pl",
        sent="2026-10-15 17:52",
        email_format="html",
        details=(
            ("Numer zamówienia", "ORD-5391176"),
            ("Produkt", "Telewizor Philips 50PUS8009"),
            ("Data zakupu", "14 lipca 2026"),
            ("Usterka", "pionowe zielone pasy po prawej stronie ekranu"),
        ),
        body="""
Dzień dobry,

telewizor kupiony u Państwa w lipcu zaczął wyświetlać pionowe zielone pasy po prawej stronie
ekranu. Pasy są widoczne na każdym źródle obrazu, także w menu, więc to na pewno usterka
matrycy.

Zgłaszam reklamację w ramach gwarancji i proszę o odbiór telewizora do serwisu. Szczerze
mówiąc, po czterech miesiącach od zakupu jestem bardzo rozczarowany jakością tego sprzętu.

Z poważaniem
""",
    ),
    _email(
        id="pl_claim_04",
        language="pl",
        topic="claim",
        sentiment="positive",
        subject="Reklamacja ekspresu rozpatrzona – dziękuję i pytanie o gwarancję",
        sender_name="Joanna Lewandowska",
        sender_email="joanna.lewandowska@interia.pl",
        sent="2026-10-19 09:27",
        email_format="alternative",
        body="""
Dzień dobry,

chciałam bardzo podziękować za szybkie rozpatrzenie mojej reklamacji ekspresu do kawy.
Nowy egzemplarz dotarł po tygodniu i działa świetnie – kawa smakuje tak, jak powinna.

Mam tylko jedno pytanie: czy po wymianie ekspresu w ramach reklamacji okres gwarancji liczy
się od nowa, od dnia wymiany? Chcę dobrze przechować dokumenty.

Serdecznie pozdrawiam
""",
    ),
]

DELIVERY_EMAILS = [
    _email(
        id="en_delivery_01",
        language="en",
        topic="delivery",
        sentiment="negative",
        subject="Parcel marked as delivered but never arrived",
        sender_name="Thomas Reid",
        sender_email="tom.reid@gmail.com",
        sent="2026-10-06 19:03",
        body="""
Hi,

the tracking page for my order ORD-5529384 says that the parcel was delivered yesterday at
14:32, but nothing arrived. I was at home all afternoon, nobody rang the bell, and there is
no parcel with my neighbours or at the reception of my building.

Could you please contact the courier and find out where my parcel actually went? It
contains a Garmin watch, so I am quite worried that it was left somewhere or handed to the
wrong person.

Thomas
""",
    ),
    _email(
        id="en_delivery_02",
        language="en",
        topic="delivery",
        sentiment="negative",
        subject="Fridge delivered in a crushed box",
        sender_name="Rebecca Lewis",
        sender_email="rebecca.lewis@btinternet.com",
        sent="2026-10-09 15:48",
        email_format="alternative",
        attachment=Attachment(
            kind="parcel_photo_jpeg",
            filename="IMG_20261009_1522.jpg",
            lines=("FRAGILE", "ORD-5561237"),
        ),
        body="""
Hello,

my new fridge was delivered today, but the box was badly crushed on one corner and torn on
the side. The courier was in a hurry, put it down in the hall and left before I could check
it, and would not wait for me to write a note on the delivery slip.

I have not unpacked it yet. A photo of the box is attached. Please tell me what I should do:
should I refuse the delivery and have it collected, or open it and check the fridge for
damage first?

Rebecca Lewis
""",
    ),
    _email(
        id="en_delivery_03",
        language="en",
        topic="delivery",
        sentiment="neutral",
        subject="Change of delivery slot and address for order ORD-5594410",
        sender_name="Andrew Morgan",
        sender_email="andrew.morgan@gmail.com",
        sent="2026-10-13 08:16",
        email_format="html",
        details=(
            ("Order number", "ORD-5594410"),
            ("Current slot", "Thursday 16 October, 8:00-12:00"),
            ("Requested slot", "Saturday 18 October, any time"),
            ("New address", "ul. Grunwaldzka 211/7, 80-266 Gdańsk"),
        ),
        body="""
Good morning,

I have a dishwasher coming on Thursday morning, but I will be at work then. Would it be
possible to move the delivery to Saturday?

I would also like the dishwasher to be delivered to my new flat instead of the address in
the order. Both changes are in the table below. Please confirm whether the courier can take
the new slot and address.

Thank you,
""",
    ),
    _email(
        id="en_delivery_04",
        language="en",
        topic="delivery",
        sentiment="positive",
        subject="Thanks for the quick delivery - question about the second parcel",
        sender_name="Hannah Scott",
        sender_email="hannah.scott@hotmail.com",
        sent="2026-10-17 12:55",
        body="""
Hello,

just a quick note to say thank you: the laptop I ordered on Monday arrived the very next
morning and the courier was very friendly. Great service!

The order also included a docking station, which according to the tracking is coming in a
separate parcel. Could you tell me when it will be delivered? If possible I would like it
left at the parcel locker at Rynek 5 rather than at my door.

Best wishes,
""",
    ),
    _email(
        id="pl_delivery_01",
        language="pl",
        topic="delivery",
        sentiment="negative",
        subject="Gdzie jest moja przesyłka? Zamówienie ORD-5512093",
        sender_name="Marek Wójcik",
        sender_email="marek.wojcik@onet.pl",
        sent="2026-10-07 10:30",
        charset="iso-8859-2",
        body="""
Dzień dobry,

zamówiłem soundbar 29 września, a na stronie obiecano dostawę w ciągu dwóch dni roboczych.
Minął już ponad tydzień, a paczki nadal nie ma. Status przesyłki od pięciu dni brzmi
„w drodze” i nic się nie zmienia.

Proszę o sprawdzenie u kuriera, co się dzieje z moją przesyłką, i podanie konkretnego
terminu dostawy.

Marek Wójcik
""",
    ),
    _email(
        id="pl_delivery_02",
        language="pl",
        topic="delivery",
        sentiment="negative",
        subject="Uszkodzona paczka z mikrofalówką",
        sender_name="Ewa Szymańska",
        sender_email="ewa.szymanska@wp.pl",
        sent="2026-10-11 13:40",
        attachment=Attachment(
            kind="parcel_photo_jpeg",
            filename="paczka_uszkodzona.jpg",
            lines=("OSTROŻNIE", "ORD-5570841"),
        ),
        body="""
Dzień dobry,

dzisiaj kurier przywiózł moją mikrofalówkę w mocno zgniecionym kartonie. Jeden róg paczki
był wgnieciony do środka, a taśma rozdarta. Kurier nie chciał czekać, aż sprawdzę
zawartość, i nie spisał protokołu szkody.

W załączniku przesyłam zdjęcie paczki. Proszę o informację, czy mam odesłać przesyłkę, czy
przyślą Państwo nową mikrofalówkę.

Ewa Szymańska
""",
    ),
    _email(
        id="pl_delivery_03",
        language="pl",
        topic="delivery",
        sentiment="neutral",
        subject="Zmiana adresu dostawy",
        sender_name="Piotr Kowalczyk",
        sender_email="piotr.kowalczyk@gmail.com",
        sent="2026-10-14 07:45",
        email_format="html",
        details=(
            ("Numer zamówienia", "ORD-5608835"),
            ("Obecny adres", "ul. Długa 14/3, 31-147 Kraków"),
            ("Nowy adres", "ul. Wielicka 72, 30-552 Kraków"),
            ("Okno dostawy", "piątek 17 października, 12:00–16:00"),
        ),
        body="""
Dzień dobry,

wczoraj zamówiłem pralkę z dostawą i wniesieniem. Przy zamówieniu pomyliłem adres – pralka
ma trafić do mieszkania rodziców, a nie do mnie.

Bardzo proszę o zmianę adresu dostawy na podany w tabeli poniżej. Termin dostawy może
pozostać bez zmian. Proszę o potwierdzenie, że kurier otrzyma nowy adres.

Pozdrawiam
""",
    ),
    _email(
        id="pl_delivery_04",
        language="pl",
        topic="delivery",
        sentiment="negative",
        subject="Re: Gdzie jest moja przesyłka? Zamówienie ORD-5512093",
        sender_name="Marek Wójcik",
        sender_email="marek.wojcik@onet.pl",
        sent="2026-10-10 18:12",
        charset="iso-8859-2",
        reply_to="pl_delivery_01",
        body="""
Dzień dobry,

nadal brak odpowiedzi i nadal brak paczki. Dzwoniłem na infolinię kuriera – twierdzą, że
przesyłka utknęła w sortowni i to sprzedawca musi złożyć reklamację u przewoźnika.

Proszę o to, aby Państwo to zrobili albo wysłali mi nowy soundbar. Czekam już dwa tygodnie.

Marek Wójcik
""",
    ),
]

COMPLAINT_EMAILS = [
    _email(
        id="en_complaint_01",
        language="en",
        topic="complaint",
        sentiment="negative",
        subject="Rude treatment by a member of staff at your Krakow store",
        sender_name="Charlotte Evans",
        sender_email="charlotte.evans@gmail.com",
        sent="2026-10-05 17:33",
        body="""
Dear Sir or Madam,

I would like to complain about the way I was treated at your store in Galeria Krakowska on
Saturday afternoon. I asked a sales assistant for help comparing two vacuum cleaners. He
rolled his eyes, told me that he "did not have time for people who only look" and walked
away to chat with a colleague.

I have been a customer of yours for years, and I have never been spoken to like that in a
shop. I expect an apology and I would like to know what you intend to do about the behaviour
of your staff.

Yours faithfully,
""",
    ),
    _email(
        id="en_complaint_02",
        language="en",
        topic="complaint",
        sentiment="negative",
        subject="Formal complaint about your customer hotline",
        sender_name="Robert Fletcher",
        sender_email="r.fletcher@aol.com",
        sent="2026-10-08 12:04",
        email_format="alternative",
        body="""
Dear Vistula customer service,

this is a formal complaint about your hotline. On Monday I waited 48 minutes on hold, and
when an agent finally answered she put me back on hold and the call was disconnected. On
Tuesday the same thing happened again. Nobody called me back, although I left my number
twice.

I find this level of service unacceptable for a company of your size. I would like a written
answer explaining why my calls were not handled and who will take responsibility for my
case.

Robert Fletcher
""",
    ),
    _email(
        id="en_complaint_03",
        language="en",
        topic="complaint",
        sentiment="neutral",
        subject="Formal complaint - letter attached",
        sender_name="Margaret Hall",
        sender_email="margaret.hall@btinternet.com",
        sent="2026-10-12 10:22",
        postal_address=PostalAddress("ul. Sienna 39/5", "00-121", "Warszawa"),
        email_format="html",
        attachment=Attachment(
            kind="letter_pdf",
            filename="complaint_letter_M_Hall.pdf",
            lines=(
                "FORMAL COMPLAINT",
                "Between 15 September and 10 October I wrote to your customer service four "
                "times and received only automatic replies.",
                "I was promised a call from a manager on 3 October. Nobody called.",
                "I ask for a written explanation and for one person who will be responsible "
                "for my case.",
            ),
        ),
        details=(
            ("Customer number", "VH-551902"),
            ("First message", "15 September 2026"),
            ("Messages without an answer", "4"),
            ("Promised manager call", "3 October 2026 (did not happen)"),
        ),
        body="""
Dear Customer Service Manager,

please find attached my formal complaint about the way my enquiries have been handled by
your customer service team over the last month.

In short: four messages sent, only automatic replies received, and a promised call from a
manager that never happened. I would be grateful for a written reply within the 14 days
your terms of service mention.

Yours sincerely,
""",
    ),
    _email(
        id="en_complaint_04",
        language="en",
        topic="complaint",
        sentiment="negative",
        subject="Re: Formal complaint about your customer hotline",
        sender_name="Robert Fletcher",
        sender_email="r.fletcher@aol.com",
        sent="2026-10-20 09:15",
        reply_to="en_complaint_02",
        body="""
Hello,

twelve days have passed since my formal complaint and I have still received no answer, not
even an acknowledgement. Frankly, this only confirms everything I wrote about your customer
service.

If I do not hear from a manager by Friday, I will take the matter to the consumer ombudsman
and post a review describing my experience.

Robert Fletcher
""",
    ),
    _email(
        id="pl_complaint_01",
        language="pl",
        topic="complaint",
        sentiment="negative",
        subject="Skarga na obsługę w sklepie w Poznaniu",
        sender_name="Barbara Jankowska",
        sender_email="barbara.jankowska@wp.pl",
        sent="2026-10-06 20:26",
        body="""
Szanowni Państwo,

chcę złożyć skargę na zachowanie pracownika Państwa sklepu w Poznaniu przy ul. Półwiejskiej.
W sobotę poprosiłam o pomoc w wyborze pralki. Sprzedawca odpowiadał opryskliwie, przerywał
mi i w końcu powiedział, że „i tak nie rozumiem, co to są obroty wirowania”.

Czułam się upokorzona przy innych klientach. Oczekuję przeprosin i informacji, jakie
wyciągną Państwo konsekwencje wobec tego pracownika.

Z poważaniem
""",
    ),
    _email(
        id="pl_complaint_02",
        language="pl",
        topic="complaint",
        sentiment="negative",
        subject="Skarga – nie da się dodzwonić na infolinię",
        sender_name="Stanisław Pietrzak",
        sender_email="s.pietrzak@onet.pl",
        sent="2026-10-09 16:58",
        email_format="alternative",
        charset="iso-8859-2",
        body="""
Szanowni Państwo,

od trzech dni próbuję dodzwonić się na Państwa infolinię. Za każdym razem czekam ponad pół
godziny, a potem połączenie jest przerywane. Obiecany kontakt zwrotny nigdy nie nastąpił.

Uważam, że to lekceważenie klientów. Proszę potraktować tę wiadomość jako formalną skargę na
jakość obsługi klienta i odpowiedzieć mi na piśmie.

Stanisław Pietrzak
""",
    ),
    _email(
        id="pl_complaint_03",
        language="pl",
        topic="complaint",
        sentiment="neutral",
        subject="Formalna skarga – brak odpowiedzi na moje wiadomości",
        sender_name="Dorota Michalska",
        sender_email="dorota.michalska@gmail.com",
        sent="2026-10-13 11:37",
        email_format="html",
        details=(
            ("Numer klienta", "VH-447311"),
            ("Pierwsza wiadomość", "22 września 2026"),
            ("Kolejne wiadomości", "29 września, 6 października"),
            ("Odpowiedź", "brak"),
        ),
        body="""
Szanowni Państwo,

składam formalną skargę na sposób prowadzenia mojej sprawy przez dział obsługi klienta.
Od trzech tygodni wysyłam wiadomości i nie otrzymuję żadnej odpowiedzi poza automatycznym
potwierdzeniem. Daty moich wiadomości zestawiłam w tabeli poniżej.

Proszę o wskazanie osoby odpowiedzialnej za moją sprawę oraz o pisemną odpowiedź na skargę
w ustawowym terminie.

Z poważaniem
""",
    ),
    _email(
        id="pl_complaint_04",
        language="pl",
        topic="complaint",
        sentiment="negative",
        subject="Skarga na doradcę – wprowadzenie w błąd",
        sender_name="Rafał Grabowski",
        sender_email="rafal.grabowski@o2.pl",
        sent="2026-10-16 14:14",
        body="""
Dzień dobry,

chcę złożyć skargę na doradcę z Państwa salonu w Łodzi. Przekonywał mnie, że wybrany laptop
ma dysk 1 TB i podświetlaną klawiaturę. W domu okazało się, że nic z tego nie jest prawdą,
a na pytanie w sklepie usłyszałem tylko, że „trzeba było czytać opis”.

Nie tak wyobrażam sobie profesjonalną obsługę. Proszę o rozpatrzenie skargi i odpowiedź,
czy tak Państwo szkolą swoich pracowników.

Rafał Grabowski
""",
    ),
]

TECHNICAL_EMAILS = [
    _email(
        id="en_technical_01",
        language="en",
        topic="technical",
        sentiment="neutral",
        subject="How do I connect the soundbar to my TV over HDMI ARC?",
        sender_name="Peter Walsh",
        sender_email="peter.walsh@gmail.com",
        sent="2026-10-05 20:40",
        body="""
Hello,

I bought a Samsung HW-Q600C soundbar last week and I am trying to connect it to my Sony
Bravia TV. I plugged the HDMI cable into the port marked ARC on both devices, but the sound
still comes from the TV speakers and the soundbar shows "D.IN".

Is there a setting on the TV that I need to change? I also cannot find out whether I should
turn on CEC (Bravia Sync). A short step-by-step guide would help a lot.

Thanks,
""",
    ),
    _email(
        id="en_technical_02",
        language="en",
        topic="technical",
        sentiment="negative",
        subject="Firmware update fails on my smart TV - error screenshot",
        sender_name="Laura Mitchell",
        sender_email="laura.mitchell@outlook.com",
        sent="2026-10-09 21:18",
        email_format="alternative",
        attachment=Attachment(
            kind="error_screenshot_png",
            filename="tv_update_error.png",
            lines=(
                "Software update",
                "Update failed (error E-1102)",
                "The new firmware could not be installed.",
                "Check the network connection and try again.",
            ),
        ),
        body="""
Hi,

every time my TV tries to install the latest firmware update, it stops at 63% and shows
"Update failed (error E-1102)". A screenshot is attached. Since then the YouTube and Netflix
apps crash after a few seconds.

I have restarted the TV, unplugged it for ten minutes and checked the Wi-Fi, which works
fine on every other device. I am getting fed up with this: how do I fix the update?

Laura
""",
    ),
    _email(
        id="en_technical_03",
        language="en",
        topic="technical",
        sentiment="positive",
        subject="Robot vacuum app cannot find my Wi-Fi network",
        sender_name="Chris Turner",
        sender_email="chris.turner@gmail.com",
        sent="2026-10-14 19:09",
        email_format="html",
        details=(
            ("Device", "Roborock Q7 Max robot vacuum"),
            ("App version", "4.21.3 (Android 14)"),
            ("Router", "TP-Link Archer AX55, 2.4 GHz and 5 GHz"),
        ),
        body="""
Hello,

first of all, the robot vacuum is brilliant and it already cleans better than I do! There is
one thing I cannot manage, though: the app does not see my home Wi-Fi network during setup,
so I cannot set cleaning schedules.

I read somewhere that the vacuum only works on 2.4 GHz. My router broadcasts both bands
under one name. What should I change in the router or in the app to pair the vacuum? My
setup is in the table below.

Cheers,
""",
    ),
    _email(
        id="en_technical_04",
        language="en",
        topic="technical",
        sentiment="neutral",
        subject="Smartwatch does not sync with the phone app",
        sender_name="Sophie Adams",
        sender_email="sophie.adams@yahoo.com",
        sent="2026-10-18 08:51",
        body="""
Hello,

my Huawei Watch GT 4 stopped syncing with the Huawei Health app on my iPhone two days ago.
Steps and sleep data stay on the watch and the app says "Device disconnected", although
Bluetooth is on and the watch is next to the phone.

I have already restarted both devices and reinstalled the app. Do I need to reset the watch
to factory settings, and will I lose my data if I do?

Thank you,
""",
    ),
    _email(
        id="pl_technical_01",
        language="pl",
        topic="technical",
        sentiment="neutral",
        subject="Jak podłączyć pralkę do Wi-Fi i aplikacji?",
        sender_name="Zofia Wróbel",
        sender_email="zofia.wrobel@interia.pl",
        sent="2026-10-06 18:22",
        charset="iso-8859-2",
        body="""
Dzień dobry,

kupiłam pralkę LG z funkcją Wi-Fi i chciałabym sterować nią z telefonu przez aplikację
ThinQ. W instrukcji jest napisane, żeby przytrzymać przycisk „Wi-Fi” przez trzy sekundy,
ale aplikacja i tak nie znajduje pralki.

Czy mogą mi Państwo wyjaśnić krok po kroku, jak skonfigurować połączenie? Mam router
Orange Funbox i telefon z Androidem.

Pozdrawiam
""",
    ),
    _email(
        id="pl_technical_02",
        language="pl",
        topic="technical",
        sentiment="negative",
        subject="Błąd aktualizacji oprogramowania w telewizorze",
        sender_name="Michał Kamiński",
        sender_email="michal.kaminski@gmail.com",
        sent="2026-10-10 22:06",
        attachment=Attachment(
            kind="error_screenshot_png",
            filename="blad_aktualizacji.png",
            lines=(
                "Aktualizacja oprogramowania",
                "Błąd aktualizacji (kod 0x80070057)",
                "Nie można zainstalować nowego oprogramowania.",
                "Sprawdź połączenie z siecią i spróbuj ponownie.",
            ),
        ),
        body="""
Dzień dobry,

od wczoraj telewizor przy każdym uruchomieniu próbuje pobrać aktualizację oprogramowania
i kończy się to błędem 0x80070057 (zrzut ekranu w załączniku). Po tym aplikacje Netflix
i Player się zawieszają.

Resetowałem telewizor i router, sieć działa normalnie na innych urządzeniach. Jestem już
naprawdę zirytowany – jak mam zainstalować tę aktualizację?

Michał Kamiński
""",
    ),
    _email(
        id="pl_technical_03",
        language="pl",
        topic="technical",
        sentiment="positive",
        subject="Pytanie o konfigurację nowego laptopa",
        sender_name="Natalia Jasińska",
        sender_email="natalia.jasinska@gmail.com",
        sent="2026-10-15 16:45",
        email_format="html",
        details=(
            ("Model", "Lenovo IdeaPad Slim 5"),
            ("System", "Windows 11 Home"),
            ("Problem", "drugi monitor przez USB-C nie wyświetla obrazu"),
        ),
        body="""
Dzień dobry,

laptop, którego zakup mi Państwo doradzili, sprawdza się znakomicie – jest szybki i cichy,
bardzo dziękuję za pomoc w wyborze!

Mam jedno pytanie techniczne: nie mogę skonfigurować drugiego monitora podłączonego przez
USB-C. Monitor pokazuje „brak sygnału”, a Windows go nie wykrywa. Czy muszę zainstalować
jakiś sterownik albo zmienić ustawienia ekranu?

Pozdrawiam serdecznie
""",
    ),
    _email(
        id="pl_technical_04",
        language="pl",
        topic="technical",
        sentiment="negative",
        subject="Re: Jak podłączyć pralkę do Wi-Fi i aplikacji?",
        sender_name="Zofia Wróbel",
        sender_email="zofia.wrobel@interia.pl",
        sent="2026-10-13 19:30",
        charset="iso-8859-2",
        reply_to="pl_technical_01",
        body="""
Dzień dobry,

zrobiłam wszystko według Państwa instrukcji: włączyłam w routerze sieć 2,4 GHz i
zaktualizowałam aplikację ThinQ. Pralka nadal nie łączy się z Wi-Fi, a aplikacja pokazuje
komunikat „Nie udało się zarejestrować urządzenia”.

Zaczynam żałować, że dopłaciłam za model z Wi-Fi. Czy może do mnie zadzwonić ktoś z pomocy
technicznej i przeprowadzić konfigurację przez telefon?

Zofia Wróbel
""",
    ),
]

LOYALTY_EMAILS = [
    _email(
        id="en_loyalty_01",
        language="en",
        topic="loyalty",
        sentiment="neutral",
        subject="Vistula Club points missing for my last purchase",
        sender_name="George Harris",
        sender_email="george.harris@gmail.com",
        sent="2026-10-07 13:12",
        body="""
Hello,

I showed my Vistula Club card when I bought a Nespresso machine in your Warsaw Arkadia store
on 1 October (receipt 2210/2026), but the points for that purchase have not appeared in my
account. According to the rules I should have received 649 points.

Could you please add the missing points to my loyalty account? My club card number is
VC 0412 7781.

Kind regards,
""",
    ),
    _email(
        id="en_loyalty_02",
        language="en",
        topic="loyalty",
        sentiment="positive",
        subject="I won the Vistula Club prize draw - how do I claim the prize?",
        sender_name="Amelia Brooks",
        sender_email="amelia.brooks@gmail.com",
        sent="2026-10-10 09:02",
        email_format="alternative",
        body="""
Hello,

I have just received a text message saying that I won a pair of wireless earbuds in the
Vistula Club autumn prize draw. I never win anything, so I am absolutely delighted - thank
you!

What do I need to do to claim the prize? Can I pick it up in the Wroclaw store, or will you
send it to me? My club card number is VC 0388 1520.

Best wishes,
""",
    ),
    _email(
        id="en_loyalty_03",
        language="en",
        topic="loyalty",
        sentiment="neutral",
        subject="Sign-up form sent by post, still no club card",
        sender_name="William Carter",
        sender_email="will.carter@hotmail.co.uk",
        sent="2026-10-15 11:48",
        email_format="html",
        details=(
            ("Form sent", "18 September 2026, by post"),
            ("Store", "Vistula Home Electronics, Katowice"),
            ("Newsletter", "yes"),
            ("Prize draw", "yes"),
        ),
        body="""
Hello,

in September I filled in the paper sign-up form for the Vistula Club and posted it to your
office. A month later I still have no club card and no e-mail confirming that I have joined
the loyalty programme.

Could you check whether my form arrived? I would like to start collecting points before
Christmas. The details are below.

Regards,
""",
    ),
    _email(
        id="en_loyalty_04",
        language="en",
        topic="loyalty",
        sentiment="negative",
        subject="My loyalty coupon was refused at the checkout",
        sender_name="Jessica Wood",
        sender_email="jessica.wood@gmail.com",
        sent="2026-10-19 17:26",
        body="""
Hi,

I exchanged 2,000 Vistula Club points for a 100 PLN coupon, and today the cashier in your
Lodz store refused to accept it, saying that the coupon code was "not active". The points
are gone from my account, but I could not use the coupon.

That is really disappointing - what is the point of collecting points if the coupons do not
work? Please either activate the coupon or give me my points back.

Jessica
""",
    ),
    _email(
        id="pl_loyalty_01",
        language="pl",
        topic="loyalty",
        sentiment="neutral",
        subject="Nie naliczono punktów w Klubie Vistula",
        sender_name="Andrzej Nowak",
        sender_email="andrzej.nowak@onet.pl",
        sent="2026-10-08 08:37",
        charset="iso-8859-2",
        body="""
Dzień dobry,

przy zakupie zmywarki w sklepie internetowym (zamówienie ORD-5534478) podałem numer karty
Klubu Vistula, jednak punkty za ten zakup nie pojawiły się na moim koncie klubowym.

Proszę o sprawdzenie i doliczenie brakujących punktów. Numer mojej karty: VC 0173 6644.

Z poważaniem
""",
    ),
    _email(
        id="pl_loyalty_02",
        language="pl",
        topic="loyalty",
        sentiment="positive",
        subject="Wygrana w losowaniu nagród Klubu Vistula",
        sender_name="Monika Wieczorek",
        sender_email="monika.wieczorek@gmail.com",
        sent="2026-10-11 10:19",
        body="""
Dzień dobry,

otrzymałam SMS-a, że wygrałam robot kuchenny w październikowym losowaniu nagród dla
członków Klubu Vistula. Bardzo się cieszę, to moja pierwsza wygrana w życiu!

Jak mogę odebrać nagrodę? Czy muszę przyjść z kartą klubową do sklepu w Lublinie, czy
nagroda zostanie wysłana kurierem? Numer karty: VC 0529 9013.

Pozdrawiam serdecznie
""",
    ),
    _email(
        id="pl_loyalty_03",
        language="pl",
        topic="loyalty",
        sentiment="neutral",
        subject="Zmiana danych w Klubie Vistula i rezygnacja z newslettera",
        sender_name="Elżbieta Kubiak",
        sender_email="ela.kubiak@wp.pl",
        sent="2026-10-14 15:05",
        email_format="html",
        details=(
            ("Numer karty", "VC 0241 3378"),
            ("Nowe nazwisko", "Kubiak (poprzednio Sadowska)"),
            ("Nowy adres e-mail", "ela.kubiak@wp.pl"),
            ("Newsletter", "proszę wypisać"),
        ),
        body="""
Dzień dobry,

proszę o aktualizację moich danych w programie lojalnościowym Klubu Vistula. Po ślubie
zmieniłam nazwisko i adres e-mail. Jednocześnie rezygnuję z newslettera, ale chcę nadal
zbierać punkty i brać udział w losowaniach.

Szczegóły podaję w tabeli poniżej.

Dziękuję i pozdrawiam
""",
    ),
    _email(
        id="pl_loyalty_04",
        language="pl",
        topic="loyalty",
        sentiment="negative",
        subject="Kupon rabatowy z Klubu Vistula nie działa",
        sender_name="Jakub Zając",
        sender_email="jakub.zajac@o2.pl",
        sent="2026-10-17 20:48",
        email_format="alternative",
        charset="iso-8859-2",
        body="""
Dzień dobry,

wymieniłem 1500 punktów klubowych na kupon rabatowy 75 zł, ale przy próbie użycia go w
sklepie internetowym pojawia się komunikat „Kupon nieważny”. Punkty zniknęły z konta, a
rabatu nie ma.

Jestem zawiedziony, bo zbierałem te punkty przez pół roku. Proszę o aktywowanie kuponu albo
zwrot punktów na moje konto w Klubie Vistula.

Jakub Zając
""",
    ),
]


# --------------------------------------------------------------------------------------------
# Scanned letters: three per topic.
# --------------------------------------------------------------------------------------------

LETTERS = [
    _letter(
        id="en_billing_letter_01",
        language="en",
        topic="billing",
        sentiment="negative",
        subject="Re: Invoice FV/2026/09/04417 - wrong amount",
        sender_name="Peter Langley",
        sender_email="p.langley@btinternet.com",
        sent="2026-10-03 09:00",
        postal_address=PostalAddress("ul. Francuska 31/2", "03-905", "Warszawa"),
        scan_format="png",
        body="""
Dear Sir or Madam,

I am writing about invoice FV/2026/09/04417 for the dishwasher I bought in your Warsaw store
on 25 September. The price on the shelf and on my receipt was 1,899 PLN, but the invoice
shows 2,149 PLN, and this higher amount was taken from my credit card.

I have paid 250 PLN more than I agreed to pay. I ask you to correct the invoice and to refund
the difference to my card without delay. A copy of the receipt is enclosed.

I must say I am disappointed that a mistake like this needs a letter to be put right.

Yours faithfully,
""",
    ),
    _letter(
        id="pl_billing_letter_01",
        language="pl",
        topic="billing",
        sentiment="neutral",
        subject="Dotyczy: płatności ratalnej za zamówienie ORD-5420991",
        sender_name="Henryk Sikora",
        sender_email="henryk.sikora@wp.pl",
        sent="2026-10-02 09:00",
        postal_address=PostalAddress("ul. Kościuszki 17", "42-200", "Częstochowa"),
        scan_format="tiff",
        body="""
Szanowni Państwo,

w sierpniu kupiłem u Państwa telewizor na raty (zamówienie ORD-5420991, numer klienta
VH-129044). Raty spłacam przelewem, zawsze do 10. dnia miesiąca, zgodnie z harmonogramem,
który otrzymałem przy zakupie.

We wrześniu dostałem jednak pismo z informacją o zaległości w płatności i z naliczonymi
odsetkami w wysokości 38,40 zł. Według mojego wyciągu bankowego rata wrześniowa w kwocie
259,90 zł została zapłacona 8 września, czyli w terminie.

Proszę o sprawdzenie, czy moja wpłata została prawidłowo zaksięgowana. Być może przelew
trafił na inny numer rachunku, bo na fakturze i w harmonogramie podane są dwa różne numery
kont.

Jednocześnie proszę o anulowanie naliczonych odsetek i przesłanie aktualnego harmonogramu
rat z jednym, właściwym numerem rachunku do wpłat.

Do listu dołączam kopię potwierdzenia przelewu z 8 września.

Z poważaniem
""",
    ),
    _letter(
        id="pl_billing_letter_02",
        language="pl",
        topic="billing",
        sentiment="neutral",
        subject="Prośba o duplikat faktury",
        sender_name="Irena Kołodziej",
        sender_email="irena.kolodziej@interia.pl",
        sent="2026-10-09 09:00",
        postal_address=PostalAddress("ul. Słowackiego 5/12", "35-060", "Rzeszów"),
        scan_format="jpeg",
        body="""
Szanowni Państwo,

zwracam się z prośbą o wystawienie duplikatu faktury FV/2026/08/03152 za pralkę kupioną
w Państwa sklepie w Rzeszowie. Oryginał faktury zaginął podczas przeprowadzki, a jest mi
potrzebny do rozliczenia ulgi w urzędzie skarbowym.

Duplikat proszę przesłać pocztą na adres podany powyżej. Jeśli za wystawienie duplikatu
pobierana jest opłata, proszę o informację o jej wysokości i numerze konta do wpłaty.

Z poważaniem
""",
    ),
    _letter(
        id="pl_claim_letter_01",
        language="pl",
        topic="claim",
        sentiment="negative",
        subject="Reklamacja lodówki – zamówienie ORD-5376402",
        sender_name="Jan Kozłowski",
        sender_email="jan.kozlowski@o2.pl",
        sent="2026-10-04 09:00",
        postal_address=PostalAddress("ul. Piastowska 9", "78-100", "Kołobrzeg"),
        scan_format="jpeg",
        body="""
Szanowni Państwo,

składam reklamację lodówki Beko kupionej w Państwa sklepie internetowym w czerwcu tego roku.
Od tygodnia lodówka nie chłodzi – w komorze jest 14 stopni, a sprężarka pracuje bez przerwy
i głośno buczy. Jedzenie musiałem przenieść do sąsiadów.

Na podstawie gwarancji żądam naprawy lodówki w ciągu 14 dni albo wymiany na nową. Jeżeli
naprawa nie będzie możliwa, proszę o zwrot towaru i pieniędzy.

Kopię dowodu zakupu dołączam do pisma.

Z poważaniem
""",
    ),
    _letter(
        id="en_claim_letter_01",
        language="en",
        topic="claim",
        sentiment="neutral",
        subject="Warranty claim: Bosch cordless drill, order ORD-5467730",
        sender_name="Alan Pritchard",
        sender_email="alan.pritchard@gmail.com",
        sent="2026-10-07 09:00",
        postal_address=PostalAddress("ul. Bohaterów Monte Cassino 54", "81-767", "Sopot"),
        scan_format="pdf",
        scan_dpi=300,
        body="""
Dear Vistula Home Electronics,

I would like to make a warranty claim for a Bosch cordless drill that I bought from your
online shop in July. The battery no longer holds its charge: after a full charge the drill
runs for less than a minute.

I have enclosed the warranty card and a copy of the invoice. Please let me know whether I
should send the drill and the battery to your service centre, or whether I can return the
faulty product at your store in Gdynia.

Yours sincerely,
""",
    ),
    _letter(
        id="pl_claim_letter_02",
        language="pl",
        topic="claim",
        sentiment="negative",
        subject="Reklamacja – ponowna usterka zmywarki",
        sender_name="Teresa Baran",
        sender_email="teresa.baran@gmail.com",
        sent="2026-10-12 09:00",
        postal_address=PostalAddress("ul. Kilińskiego 22/4", "90-118", "Łódź"),
        scan_format="tiff",
        body="""
Szanowni Państwo,

w lipcu zgłosiłam reklamację zmywarki Electrolux kupionej w Państwa sklepie w Łodzi
(zamówienie ORD-5355127). Zmywarka nie odpompowywała wody. Po trzech tygodniach wróciła
z serwisu z informacją, że wymieniono pompę.

Niestety, po niecałym miesiącu usterka powtórzyła się. Po każdym zmywaniu na dnie zostaje
brudna woda, a na wyświetlaczu pojawia się kod błędu i20. Jest to już druga reklamacja tego
samego urządzenia.

Ponieważ naprawa okazała się nieskuteczna, na podstawie gwarancji żądam wymiany zmywarki
na nowy, wolny od wad egzemplarz. Nie zgadzam się na kolejną naprawę.

Proszę o odbiór wadliwej zmywarki z mojego mieszkania i pisemne potwierdzenie przyjęcia
reklamacji. Jestem dostępna w dni robocze po godzinie 16.

Do pisma dołączam kopię protokołu z poprzedniej naprawy oraz dowód zakupu.

Z poważaniem
""",
    ),
    _letter(
        id="en_delivery_letter_01",
        language="en",
        topic="delivery",
        sentiment="negative",
        subject="Cooker not delivered on the agreed date",
        sender_name="Brian Kelly",
        sender_email="brian.kelly@gmail.com",
        sent="2026-10-06 09:00",
        postal_address=PostalAddress("ul. Ogrodowa 8", "05-500", "Piaseczno"),
        scan_format="png",
        body="""
Dear Sir or Madam,

I ordered an electric cooker with delivery and installation (order ORD-5509672). Delivery
was confirmed for Friday 3 October between 8:00 and 14:00. I took a day off work and waited
at home all day, but the courier never came and nobody phoned to explain.

When I called the courier company, I was told that the parcel was "not loaded onto the van".
I would like a new delivery date as soon as possible, on a Saturday if you can, and a
refund of the delivery fee.

Yours faithfully,
""",
    ),
    _letter(
        id="pl_delivery_letter_01",
        language="pl",
        topic="delivery",
        sentiment="negative",
        subject="Dostawa niekompletna – brak pilota i nóżek do telewizora",
        sender_name="Wiesław Kwiatkowski",
        sender_email="w.kwiatkowski@onet.pl",
        sent="2026-10-08 09:00",
        postal_address=PostalAddress("ul. Dworcowa 3", "62-200", "Gniezno"),
        scan_format="jpeg",
        body="""
Szanowni Państwo,

wczoraj kurier dostarczył mi telewizor zamówiony w Państwa sklepie (zamówienie ORD-5541986).
Karton był otwarty i zaklejony zwykłą taśmą, a po rozpakowaniu okazało się, że w środku
nie ma pilota ani nóżek do telewizora.

Kurier odjechał, zanim zdążyłem sprawdzić zawartość paczki. Proszę o pilne dosłanie
brakujących elementów przesyłką kurierską na mój adres.

Z poważaniem
""",
    ),
    _letter(
        id="en_delivery_letter_02",
        language="en",
        topic="delivery",
        sentiment="positive",
        subject="Delivery of my new TV - thank you, and one request",
        sender_name="Dorothy Fisher",
        sender_email="dorothy.fisher@gmail.com",
        sent="2026-10-15 09:00",
        postal_address=PostalAddress("ul. Krakowska 40", "34-500", "Zakopane"),
        scan_format="jpeg",
        scan_dpi=300,
        body="""
Dear Vistula team,

I would like to thank the two gentlemen who delivered my new television last Tuesday. They
carried it up three flights of stairs, unpacked it and took the packaging away. It was a
pleasure.

I have also ordered a wall bracket for the TV, which is due to be delivered next week. As I
am eighty-one and do not hear the doorbell well, could you kindly ask the courier to phone
me at 18 201 44 73 when he arrives?

With warm regards,
""",
    ),
    _letter(
        id="en_complaint_letter_01",
        language="en",
        topic="complaint",
        sentiment="negative",
        subject="Formal complaint about the conduct of your store manager",
        sender_name="Victoria Simmons",
        sender_email="victoria.simmons@gmail.com",
        sent="2026-10-05 09:00",
        postal_address=PostalAddress("ul. Szewska 14/6", "50-122", "Wrocław"),
        scan_format="tiff",
        body="""
Dear Sir or Madam,

I am writing to make a formal complaint about the way I was treated by the manager of your
store in Wroclaw, Pasaz Grunwaldzki, on Thursday 2 October.

I came to the store to ask a simple question about my order. The young man at the service
desk was polite but could not help me, and called the manager. The manager did not
introduce himself, raised his voice at me in front of other customers and said that I
was "wasting everyone's time".

When I asked for his name, he refused to give it and told me to "write a letter if I did
not like it". So I am doing exactly that.

I have been a loyal customer for more than ten years and I have recommended your stores to
my friends and family. I have never experienced such rude and unprofessional behaviour from
any member of your staff.

I expect a written apology and an explanation of the steps you will take so that no other
customer is treated this way. I would also like to know the name of the manager concerned.

Yours faithfully,
""",
    ),
    _letter(
        id="pl_complaint_letter_01",
        language="pl",
        topic="complaint",
        sentiment="negative",
        subject="Skarga na sposób obsługi w punkcie obsługi klienta",
        sender_name="Halina Wróblewska",
        sender_email="halina.wroblewska@wp.pl",
        sent="2026-10-10 09:00",
        postal_address=PostalAddress("ul. Lipowa 7", "15-424", "Białystok"),
        scan_format="pdf",
        scan_dpi=300,
        body="""
Szanowni Państwo,

składam skargę na sposób, w jaki zostałam obsłużona w punkcie obsługi klienta Państwa
sklepu w Białymstoku w dniu 8 października.

Czekałam w kolejce ponad godzinę, ponieważ czynne było tylko jedno stanowisko. Pracownica
rozmawiała w tym czasie przez telefon prywatny, a gdy w końcu podeszłam, zwróciła się do
mnie lekceważąco i odmówiła podania swojego nazwiska.

Oczekuję pisemnej odpowiedzi na moją skargę oraz przeprosin.

Z poważaniem
""",
    ),
    _letter(
        id="pl_complaint_letter_02",
        language="pl",
        topic="complaint",
        sentiment="negative",
        subject="Skarga – nieuprzejmy konsultant infolinii",
        sender_name="Zbigniew Adamczyk",
        sender_email="zbigniew.adamczyk@interia.pl",
        sent="2026-10-14 09:00",
        postal_address=PostalAddress("ul. Mickiewicza 30", "87-100", "Toruń"),
        scan_format="png",
        body="""
Szanowni Państwo,

piszę, ponieważ rozmowa z konsultantem Państwa infolinii w dniu 11 października była
najgorszym doświadczeniem, jakie miałem z obsługą klienta. Konsultant przerywał mi,
podnosił głos i w końcu się rozłączył w połowie rozmowy.

Jestem osobą starszą i oczekuję cierpliwości oraz szacunku. Proszę o odsłuchanie nagrania
tej rozmowy, wyciągnięcie konsekwencji i pisemną odpowiedź na moją skargę.

Z poważaniem
""",
    ),
    _letter(
        id="en_technical_letter_01",
        language="en",
        topic="technical",
        sentiment="neutral",
        subject="Help with tuning the channels on my new television",
        sender_name="Edward Hughes",
        sender_email="edward.hughes@gmail.com",
        sent="2026-10-04 09:00",
        postal_address=PostalAddress("ul. Nadmorska 12", "81-702", "Sopot"),
        scan_format="jpeg",
        body="""
Dear Sir or Madam,

I bought a Philips television in your Gdansk store last month. Since a technician from the
antenna company came to adjust my aerial, the television shows "No signal" on every channel.

I have tried the automatic channel search in the menu, but it finds nothing. I am not sure
whether I should choose "Antenna" or "Cable", or what to do with the settings for DVB-T2.

Could you please send me simple written instructions for setting up the channels? I do not
use e-mail very often, so a letter would be most welcome.

Yours sincerely,
""",
    ),
    _letter(
        id="pl_technical_letter_01",
        language="pl",
        topic="technical",
        sentiment="neutral",
        subject="Pytanie o ustawienie zegara i programów w piekarniku",
        sender_name="Krystyna Pawlak",
        sender_email="krystyna.pawlak@wp.pl",
        sent="2026-10-07 09:00",
        postal_address=PostalAddress("ul. Chrobrego 11", "96-300", "Żyrardów"),
        scan_format="png",
        body="""
Szanowni Państwo,

kupiłam u Państwa piekarnik Amica z wyświetlaczem elektronicznym. Po przerwie w dostawie
prądu na wyświetlaczu miga „0:00” i piekarnik nie chce się włączyć. Nie potrafię ustawić
zegara, a w instrukcji nie mogę znaleźć tej informacji.

Proszę o przesłanie prostej instrukcji, jak ustawić godzinę i jak włączyć program pieczenia
z termoobiegiem. Będę bardzo wdzięczna za pomoc.

Z poważaniem
""",
    ),
    _letter(
        id="en_technical_letter_02",
        language="en",
        topic="technical",
        sentiment="positive",
        subject="Setting up the hearing-aid Bluetooth on my new tablet",
        sender_name="Arthur Jenkins",
        sender_email="arthur.jenkins@gmail.com",
        sent="2026-10-13 09:00",
        postal_address=PostalAddress("ul. Garncarska 3", "30-001", "Kraków"),
        scan_format="pdf",
        scan_dpi=300,
        body="""
Dear Vistula Home Electronics,

my granddaughter bought me a Samsung tablet from your shop and I am enjoying it very much.
Your staff were wonderfully patient with me, thank you.

I would like to connect the tablet to my hearing aids over Bluetooth, so that I can hear
video calls clearly. I have found the Bluetooth menu, but the hearing aids do not appear in
the list of devices. Is there a special setting I need to switch on, or an app to install?

With many thanks,
""",
    ),
    _letter(
        id="pl_loyalty_letter_01",
        language="pl",
        topic="loyalty",
        sentiment="neutral",
        subject="Dotyczy: przeniesienia punktów na nową kartę Klubu Vistula",
        sender_name="Leszek Czarnecki",
        sender_email="leszek.czarnecki@onet.pl",
        sent="2026-10-06 09:00",
        postal_address=PostalAddress("ul. Wojska Polskiego 18", "61-200", "Gniezno"),
        scan_format="tiff",
        body="""
Szanowni Państwo,

jestem członkiem Klubu Vistula od 2019 roku. We wrześniu zgubiłem kartę klubową o numerze
VC 0098 4412 i w sklepie w Gnieźnie otrzymałem nową kartę o numerze VC 0577 2309.

Na starej karcie miałem zgromadzone około 3 200 punktów. Pracownik sklepu poinformował mnie,
że punkty zostaną automatycznie przeniesione na nową kartę w ciągu tygodnia, jednak minął
już miesiąc, a saldo nowej karty nadal wynosi zero punktów.

Proszę o przeniesienie wszystkich punktów ze starej karty na nową oraz o zablokowanie
zgubionej karty, aby nikt inny nie mógł z niej skorzystać.

Chciałbym również zapytać, czy kupony rabatowe wymienione za punkty przed utratą karty
nadal są ważne. Mam dwa kupony po 50 zł z terminem ważności do końca roku.

Proszę o odpowiedź listowną na adres podany powyżej.

Z poważaniem
""",
    ),
    _letter(
        id="en_loyalty_letter_01",
        language="en",
        topic="loyalty",
        sentiment="positive",
        subject="Joining the Vistula Club",
        sender_name="Margaret Owen",
        sender_email="margaret.owen@gmail.com",
        sent="2026-10-09 09:00",
        postal_address=PostalAddress("ul. Rynek 4", "20-001", "Lublin"),
        scan_format="jpeg",
        body="""
Dear Vistula Club,

I have been shopping at your Lublin store for years and I am always very pleased with the
friendly service, so I have finally decided to join your loyalty programme.

Please find enclosed my completed sign-up form. I would like to receive the newsletter by
post rather than by e-mail, and I am happy to take part in the prize draws. Could you also
tell me whether the points from my purchase last week can still be added to my new card?

Kind regards,
""",
    ),
    _letter(
        id="pl_loyalty_letter_02",
        language="pl",
        topic="loyalty",
        sentiment="negative",
        subject="Wygasłe punkty w Klubie Vistula",
        sender_name="Bożena Włodarczyk",
        sender_email="bozena.wlodarczyk@o2.pl",
        sent="2026-10-16 09:00",
        postal_address=PostalAddress("ul. Hallera 6", "80-831", "Gdańsk"),
        scan_format="png",
        body="""
Szanowni Państwo,

z przykrością stwierdziłam, że z mojego konta w Klubie Vistula zniknęło 1 850 punktów.
Infolinia poinformowała mnie, że punkty wygasły, ale nikt mnie wcześniej o tym nie
uprzedził – nie dostałam ani listu, ani SMS-a.

Zbierałam punkty, żeby wymienić je na kupon przed świętami. Proszę o przywrócenie punktów
na moją kartę klubową numer VC 0315 8826.

Z poważaniem
""",
    ),
]


# --------------------------------------------------------------------------------------------
# Paper Vistula Club coupons, filled in by hand. Postcode and town pairs come from the GeoNames
# postal files in shared/data/postal (GB files hold outward codes: the full postcode starts
# with one).
# --------------------------------------------------------------------------------------------

COUPONS = [
    _coupon(
        "pl_loyalty_coupon_01",
        "pl",
        "2026-10-02 09:00",
        "jpeg",
        CouponFields(
            "AGATA",
            "KRAWCZYK",
            "UL. PIŁSUDSKIEGO 14/3",
            "78-100",
            "KOŁOBRZEG",
            "AGATA.KRAWCZYK@WP.PL",
            "601 284 375",
            "VC 0611 2045",
            True,
            True,
            True,
        ),
    ),
    _coupon(
        "pl_loyalty_coupon_02",
        "pl",
        "2026-10-03 09:00",
        "png",
        CouponFields(
            "ŁUKASZ",
            "PIOTROWSKI",
            "UL. ZAMOJSKA 9",
            "20-001",
            "LUBLIN",
            "LUKASZ.P@ONET.PL",
            "512 908 114",
            "VC 0634 7790",
            False,
            True,
            True,
        ),
    ),
    _coupon(
        "pl_loyalty_coupon_03",
        "pl",
        "2026-10-07 09:00",
        "jpeg",
        CouponFields(
            "GRAŻYNA",
            "ŚWIĄTEK",
            "UL. KRUPÓWKI 21",
            "34-500",
            "ZAKOPANE",
            "G.SWIATEK@INTERIA.PL",
            "698 450 221",
            "VC 0655 0138",
            True,
            False,
            True,
        ),
    ),
    _coupon(
        "pl_loyalty_coupon_04",
        "pl",
        "2026-10-10 09:00",
        "tiff",
        CouponFields(
            "MARIUSZ",
            "KOWALEWSKI",
            "UL. SZEROKA 33",
            "87-100",
            "TORUŃ",
            "MARIUSZ.KOWALEWSKI@GMAIL.COM",
            "783 006 549",
            "VC 0672 3361",
            True,
            True,
            True,
        ),
    ),
    _coupon(
        "pl_loyalty_coupon_05",
        "pl",
        "2026-10-14 09:00",
        "pdf",
        CouponFields(
            "ANNA",
            "ŻUREK",
            "UL. MONIUSZKI 2/7",
            "96-300",
            "ŻYRARDÓW",
            "ANNA.ZUREK@O2.PL",
            "505 713 882",
            "VC 0690 8824",
            False,
            False,
            True,
        ),
    ),
    _coupon(
        "en_loyalty_coupon_01",
        "en",
        "2026-10-04 09:00",
        "jpeg",
        CouponFields(
            "OLIVER",
            "BRADSHAW",
            "14 STONEGATE",
            "YO1 8AS",
            "YORK",
            "OLIVER.BRADSHAW@GMAIL.COM",
            "+44 7700 900412",
            "VC 0702 1187",
            True,
            True,
            True,
            country="GB",
        ),
    ),
    _coupon(
        "en_loyalty_coupon_02",
        "en",
        "2026-10-06 09:00",
        "png",
        CouponFields(
            "EMILY",
            "THORNTON",
            "27 ELM GROVE",
            "NR2 3PL",
            "NORWICH",
            "EMILY.THORNTON@OUTLOOK.COM",
            "+44 7700 900835",
            "VC 0718 4402",
            False,
            True,
            True,
            country="GB",
        ),
    ),
    _coupon(
        "en_loyalty_coupon_03",
        "en",
        "2026-10-09 09:00",
        "jpeg",
        CouponFields(
            "HARRY",
            "CALLAGHAN",
            "8 QUEEN SQUARE",
            "BS1 4NT",
            "BRISTOL",
            "H.CALLAGHAN@BTINTERNET.COM",
            "+44 7700 900167",
            "VC 0725 9031",
            True,
            False,
            True,
            country="GB",
        ),
    ),
    _coupon(
        "en_loyalty_coupon_04",
        "en",
        "2026-10-12 09:00",
        "png",
        CouponFields(
            "MEGAN",
            "RILEY",
            "412 W RANDOLPH ST",
            "60601",
            "CHICAGO",
            "MEGAN.RILEY@YAHOO.COM",
            "+1 312 555 0148",
            "VC 0740 6615",
            True,
            True,
            True,
            country="US",
        ),
    ),
    _coupon(
        "en_loyalty_coupon_05",
        "en",
        "2026-10-16 09:00",
        "jpeg",
        CouponFields(
            "DANIEL",
            "FOSTER",
            "1105 CONGRESS AVE",
            "78701",
            "AUSTIN",
            "DAN.FOSTER@GMAIL.COM",
            "+1 512 555 0193",
            "VC 0757 2278",
            False,
            True,
            False,
            country="US",
        ),
    ),
]

EMAILS: list[SampleContact] = [
    *BILLING_EMAILS,
    *CLAIM_EMAILS,
    *DELIVERY_EMAILS,
    *COMPLAINT_EMAILS,
    *TECHNICAL_EMAILS,
    *LOYALTY_EMAILS,
]
SAMPLE_CONTACTS: list[SampleContact] = [*EMAILS, *LETTERS, *COUPONS]


def contact_by_id(contact_id: str) -> SampleContact:
    for contact in SAMPLE_CONTACTS:
        if contact.id == contact_id:
            return contact
    raise KeyError(f"no sample contact with id {contact_id!r}")
