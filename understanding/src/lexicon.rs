//! The phrase lexicon: every word and phrase the parser recognizes, with
//! its meaning, and the longest-match tagger that applies it to tokens.

use std::sync::OnceLock;

use crate::currency::Currency;
use crate::gazetteer::{self, PlaceKind};
use crate::normalize::{self, Token, TokenKind};
use crate::sectors;

/// A comparison or range word before or after an amount or a year.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Marker {
    /// "more than", "أكثر من": a lower bound.
    Min,
    /// "less than", "أقل من": an upper bound.
    Max,
    /// "between", "بين": starts a range.
    Between,
    /// "from", "من": starts a range, or a lower bound for years.
    From,
    /// "and", "و": joins the two ends of a range opened by "between".
    And,
    /// "to", "-", "إلى": joins the two ends of any range.
    To,
    /// "since", "منذ": years from the given one.
    Since,
    /// "after", "بعد": years after the given one.
    After,
    /// "before", "قبل": years before the given one.
    Before,
    /// "until", "حتى", "up to": an inclusive upper bound.
    Until,
    /// "during", "خلال": exactly the given year.
    During,
}

/// A bound written after an amount: "or more", "فأكثر", "at most".
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum PostBound {
    Min,
    Max,
}

/// The quantity that a context word next to an amount names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Measure {
    Investment,
    Capacity,
    /// "طاقة": production capacity before an amount with a unit, else the
    /// energy sector.
    CapacityOrEnergy,
}

/// A currency word. Riyal and dinar alone depend on the country named.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum CurrencyWord {
    Fixed(Currency),
    Riyal,
    Dinar,
}

/// The meaning of a lexicon entry.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Tag {
    Country(&'static str),
    /// Index into `gazetteer::places()`.
    Place(usize),
    /// Index into `sectors::sectors()`.
    Sector(usize),
    Status(&'static str),
    /// A place outside the GCC, named in English.
    NotCovered(&'static str),
    /// "not", "except", "غير": the next filter word is an exclusion.
    Negation,
    /// Question words, colloquial fillers and function words, dropped from the text.
    Filler,
    /// "year", "عام": may stand between a marker and a year.
    YearNoun,
    Marker(Marker),
    /// "at least", "على الأقل": a bound that may also follow the amount.
    EitherBound(PostBound),
    PostBound(PostBound),
    Context(Measure),
    Currency(CurrencyWord),
    /// A scale word. `count` is the amount it stands for alone: 1 for
    /// "مليار", 2 for the dual "ملياري".
    Scale {
        factor: f64,
        count: f64,
    },
    NumberWord(f64),
    /// A capacity unit with the factor that converts to it ("GW" is 1000 MW).
    Unit {
        unit: &'static str,
        factor: f64,
    },
    /// "per year", "سنويا": confirms the period of a unit.
    Period,
    /// "%": the number before it is a share, not an amount.
    Percent,
}

/// One lexicon phrase as folded words.
struct Entry {
    words: Vec<String>,
    tag: Tag,
}

/// A tagged run of tokens.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Item {
    /// Index of the first token.
    pub first: usize,
    /// Index one past the last token.
    pub last: usize,
    pub tag: Option<Tag>,
    /// The value of a number token.
    pub number: Option<f64>,
    /// Whether a number token is a plain run of 4 digits.
    pub plain_digits: bool,
}

/// Tags `tokens` by longest match against the lexicon.
///
/// At each position the entry covering the most tokens wins. Among equally
/// long entries the one matching more tokens as written, without removing
/// clitics, wins, so "بدون" (without) is not read as "دون" (below).
pub(crate) fn tag_tokens(tokens: &[Token]) -> Vec<Item> {
    let entries = entries();

    let variants: Vec<Vec<String>> = tokens
        .iter()
        .map(|token| match token.kind {
            TokenKind::Word(script) => normalize::word_variants(&token.norm, script),
            _ => vec![token.norm.clone()],
        })
        .collect();

    let mut items = Vec::new();

    let mut position = 0;
    while position < tokens.len() {
        let mut best: Option<(usize, usize, Tag)> = None;
        for entry in entries {
            let Some(exact) = match_entry(entry, &variants, tokens, position) else {
                continue;
            };
            let length = entry.words.len();
            let better = match best {
                None => true,
                Some((best_length, best_exact, _)) => (length, exact) > (best_length, best_exact),
            };
            if better {
                best = Some((length, exact, entry.tag));
            }
        }

        let token = &tokens[position];
        match best {
            Some((length, _, tag)) => {
                let tag = resolve_amman(tag, &tokens[position..position + length]);
                items.push(Item {
                    first: position,
                    last: position + length,
                    tag: Some(tag),
                    number: None,
                    plain_digits: false,
                });
                position += length;
            }
            None => {
                let number = (token.kind == TokenKind::Number)
                    .then(|| crate::numbers::parse_number(&token.norm).ok())
                    .flatten();
                let plain_digits = number.is_some()
                    && token.norm.len() == 4
                    && token.norm.bytes().all(|b| b.is_ascii_digit());
                items.push(Item {
                    first: position,
                    last: position + 1,
                    tag: None,
                    number,
                    plain_digits,
                });
                position += 1;
            }
        }
    }

    items
}

/// Reads Oman with a written shadda on the mim (عمّان) as Amman, Jordan.
fn resolve_amman(tag: Tag, tokens: &[Token]) -> Tag {
    let is_oman = tag == Tag::Country("OM");
    if is_oman && tokens.len() == 1 && tokens[0].has_shadda && tokens[0].norm.ends_with("عمان")
    {
        Tag::NotCovered("Amman (Jordan)")
    } else {
        tag
    }
}

/// Returns how many words of `entry` match as written if the whole entry
/// matches the tokens at `position`.
fn match_entry(
    entry: &Entry,
    variants: &[Vec<String>],
    tokens: &[Token],
    position: usize,
) -> Option<usize> {
    if position + entry.words.len() > tokens.len() {
        return None;
    }

    let mut exact = 0;
    for (offset, word) in entry.words.iter().enumerate() {
        let token = &tokens[position + offset];
        if &token.norm == word {
            exact += 1;
            continue;
        }
        let forms = &variants[position + offset];
        let core = word
            .strip_prefix("ال")
            .filter(|rest| rest.chars().count() >= 4);
        let matched = forms
            .iter()
            .any(|form| form == word || Some(form.as_str()) == core);
        if !matched {
            return None;
        }
    }
    Some(exact)
}

fn entries() -> &'static [Entry] {
    static ENTRIES: OnceLock<Vec<Entry>> = OnceLock::new();
    ENTRIES.get_or_init(build_entries)
}

fn build_entries() -> Vec<Entry> {
    let mut entries = Vec::new();

    let mut add = |phrases: &[&str], tag: Tag| {
        for phrase in phrases {
            let words = normalize::fold_phrase(phrase);
            if !words.is_empty() {
                entries.push(Entry { words, tag });
            }
        }
    };

    for country in gazetteer::countries() {
        add(country.aliases, Tag::Country(country.code));
        add(&[country.en, country.ar], Tag::Country(country.code));
    }
    for (index, place) in gazetteer::places().iter().enumerate() {
        add(place.aliases, Tag::Place(index));
        add(&[place.name, place.ar], Tag::Place(index));
        if place.kind == PlaceKind::City {
            add(
                &[
                    &format!("{} city", place.name),
                    &format!("مدينة {}", place.ar),
                ],
                Tag::Place(index),
            );
        }
    }
    for (index, sector) in sectors::sectors().iter().enumerate() {
        add(sector.aliases, Tag::Sector(index));
    }

    add_statuses(&mut add);
    add_amount_words(&mut add);
    add_year_and_comparison_words(&mut add);
    add_fillers(&mut add);

    add(&["Amman", "Jordan", "الأردن"], Tag::NotCovered("Jordan"));

    add(&["Egypt", "مصر"], Tag::NotCovered("Egypt"));

    add(&["Iraq", "العراق"], Tag::NotCovered("Iraq"));

    add(&["Yemen", "اليمن"], Tag::NotCovered("Yemen"));

    add(&["Iran", "إيران"], Tag::NotCovered("Iran"));

    entries
}

fn add_statuses(add: &mut impl FnMut(&[&str], Tag)) {
    add(
        &[
            "under construction",
            "being built",
            "in construction",
            "under development",
            "قيد الإنشاء",
            "تحت الإنشاء",
            "قيد البناء",
            "تحت البناء",
            "قيد التنفيذ",
            "تحت التنفيذ",
            "قيد الانشاء",
            "جاري تنفيذها",
            "جاري بناؤها",
        ],
        Tag::Status("under_construction"),
    );

    add(
        &[
            "planned",
            "proposed",
            "upcoming",
            "future",
            "announced",
            "مخطط",
            "مخططة",
            "المخطط لها",
            "مقترح",
            "مقترحة",
            "مستقبلية",
            "قيد التخطيط",
            "قيد الدراسة",
            "المزمع",
            "المزمعة",
        ],
        Tag::Status("planned"),
    );

    add(
        &[
            "operational",
            "in operation",
            "operating",
            "running",
            "existing",
            "completed",
            "commissioned",
            "قائم",
            "قائمة",
            "يعمل",
            "تعمل",
            "تشغيلي",
            "تشغيلية",
            "عاملة",
            "قيد التشغيل",
            "في التشغيل",
            "مكتمل",
            "مكتملة",
            "المنجزة",
            "شغالة",
            "شغال",
        ],
        Tag::Status("operational"),
    );

    add(
        &[
            "suspended",
            "on hold",
            "halted",
            "stalled",
            "paused",
            "متوقف",
            "متوقفة",
            "معلق",
            "معلقة",
            "مجمدة",
            "مجمد",
            "واقفة",
        ],
        Tag::Status("suspended"),
    );

    add(
        &[
            "cancelled",
            "canceled",
            "scrapped",
            "abandoned",
            "ملغى",
            "ملغاة",
            "ملغية",
            "ملغي",
            "ملغاه",
        ],
        Tag::Status("cancelled"),
    );
    // "قائمة" also means "list": these phrases ask for a list of projects.
    add(
        &["قائمة المشاريع", "قائمة بالمشاريع", "قائمة مشاريع"],
        Tag::Filler,
    );
}

fn add_amount_words(add: &mut impl FnMut(&[&str], Tag)) {
    let usd = Tag::Currency(CurrencyWord::Fixed(Currency::Usd));

    add(
        &[
            "$",
            "usd",
            "us$",
            "us $",
            "dollar",
            "dollars",
            "us dollars",
            "دولار",
            "دولارات",
            "الدولارات",
            "دولار أمريكي",
            "دولار امريكي",
        ],
        usd,
    );

    add(
        &[
            "sar",
            "sr",
            "saudi riyal",
            "saudi riyals",
            "ريال سعودي",
            "ريالات سعودية",
            "ر.س",
        ],
        Tag::Currency(CurrencyWord::Fixed(Currency::Sar)),
    );

    add(
        &[
            "aed",
            "dirham",
            "dirhams",
            "uae dirham",
            "emirati dirham",
            "درهم",
            "دراهم",
            "درهم إماراتي",
        ],
        Tag::Currency(CurrencyWord::Fixed(Currency::Aed)),
    );

    add(
        &[
            "qar",
            "qr",
            "qatari riyal",
            "qatari riyals",
            "ريال قطري",
            "ريالات قطرية",
        ],
        Tag::Currency(CurrencyWord::Fixed(Currency::Qar)),
    );

    add(
        &[
            "kwd",
            "kd",
            "kuwaiti dinar",
            "kuwaiti dinars",
            "دينار كويتي",
            "دنانير كويتية",
        ],
        Tag::Currency(CurrencyWord::Fixed(Currency::Kwd)),
    );

    add(
        &[
            "bhd",
            "bd",
            "bahraini dinar",
            "bahraini dinars",
            "دينار بحريني",
            "دنانير بحرينية",
        ],
        Tag::Currency(CurrencyWord::Fixed(Currency::Bhd)),
    );

    add(
        &[
            "omr",
            "ro",
            "omani rial",
            "omani rials",
            "omani riyal",
            "ريال عماني",
            "ريالات عمانية",
        ],
        Tag::Currency(CurrencyWord::Fixed(Currency::Omr)),
    );

    add(
        &["riyal", "riyals", "rial", "rials", "ريال", "ريالات"],
        Tag::Currency(CurrencyWord::Riyal),
    );

    add(
        &["dinar", "dinars", "دينار", "دنانير"],
        Tag::Currency(CurrencyWord::Dinar),
    );

    let scale = |factor: f64, count: f64| Tag::Scale { factor, count };
    add(
        &["thousand", "thousands", "k", "ألف", "آلاف", "الاف"],
        scale(1e3, 1.0),
    );

    add(&["ألفين", "ألفان"], scale(1e3, 2.0));

    add(
        &[
            "million",
            "millions",
            "m",
            "mn",
            "mln",
            "mm",
            "مليون",
            "ملايين",
        ],
        scale(1e6, 1.0),
    );

    add(&["مليونين", "مليونان", "مليوني"], scale(1e6, 2.0));

    add(
        &[
            "billion",
            "billions",
            "bn",
            "b",
            "bln",
            "مليار",
            "مليارات",
            "بليون",
            "بلايين",
        ],
        scale(1e9, 1.0),
    );

    add(&["مليارين", "ملياران", "ملياري"], scale(1e9, 2.0));

    add(&["trillion", "tn", "تريليون", "ترليون"], scale(1e12, 1.0));

    let numbers: &[(&[&str], f64)] = &[
        (&["one", "واحد", "واحدة"], 1.0),
        (&["two", "اثنين", "اثنان"], 2.0),
        (&["three", "ثلاث", "ثلاثة"], 3.0),
        (&["four", "أربع", "أربعة"], 4.0),
        (&["five", "خمس", "خمسة"], 5.0),
        (&["six", "ست", "ستة"], 6.0),
        (&["seven", "سبع", "سبعة"], 7.0),
        (&["eight", "ثمان", "ثماني", "ثمانية"], 8.0),
        (&["nine", "تسع", "تسعة"], 9.0),
        (&["ten", "عشر", "عشرة"], 10.0),
        (&["twenty", "عشرين", "عشرون"], 20.0),
        (&["fifty", "خمسين", "خمسون"], 50.0),
        (
            &["hundred", "a hundred", "one hundred", "مئة", "مائة"],
            100.0,
        ),
        (&["مئتين", "مائتين", "مئتي", "مائتي"], 200.0),
        (&["ثلاثمائة", "ثلاثمئة", "ثلاث مائة", "ثلاث مئة"], 300.0),
        (&["أربعمائة", "أربعمئة", "أربع مائة", "أربع مئة"], 400.0),
        (&["خمسمائة", "خمسمئة", "خمس مائة", "خمس مئة"], 500.0),
        (&["half", "half a", "نصف"], 0.5),
        (&["quarter", "quarter of a", "ربع"], 0.25),
    ];
    for (phrases, value) in numbers {
        add(phrases, Tag::NumberWord(*value));
    }

    add(
        &[
            "investment",
            "investments",
            "invested",
            "worth",
            "valued",
            "valued at",
            "value",
            "cost",
            "costs",
            "costing",
            "capex",
            "budget",
            "capital",
            "استثمار",
            "استثمارات",
            "استثماراتها",
            "استثماراته",
            "استثمارية",
            "بقيمة",
            "قيمة",
            "قيمتها",
            "قيمته",
            "تكلفة",
            "تكلفتها",
            "تكلفته",
            "تكاليف",
            "ميزانية",
            "ميزانيتها",
            "رأس مال",
            "رأسمال",
            "حجم استثمارات",
            "حجم الاستثمار",
            "حجم الاستثمارات",
            "بتكلفة",
            "بحجم",
        ],
        Tag::Context(Measure::Investment),
    );

    add(
        &[
            "capacity",
            "production capacity",
            "output",
            "طاقة إنتاجية",
            "طاقتها",
            "طاقته",
            "طاقتها الإنتاجية",
            "سعة",
            "سعتها",
            "إنتاج",
            "إنتاجها",
            "قدرة",
            "قدرتها",
        ],
        Tag::Context(Measure::Capacity),
    );

    add(&["طاقة"], Tag::Context(Measure::CapacityOrEnergy));

    let unit = |unit: &'static str, factor: f64| Tag::Unit { unit, factor };
    add(
        &[
            "tonnes",
            "tonne",
            "tons",
            "ton",
            "t",
            "tpa",
            "tpy",
            "t/y",
            "طن",
            "أطنان",
            "طنا",
            "metric tons",
            "metric tonnes",
        ],
        unit("t/y", 1.0),
    );

    add(
        &[
            "mtpa",
            "mtpy",
            "mt",
            "million tonnes",
            "million tons",
            "مليون طن",
        ],
        unit("t/y", 1e6),
    );

    add(&["ktpa", "kta", "kt"], unit("t/y", 1e3));

    add(
        &[
            "tpd",
            "tons per day",
            "tonnes per day",
            "طن يوميا",
            "طن في اليوم",
        ],
        unit("t/d", 1.0),
    );

    add(
        &[
            "mw",
            "megawatt",
            "megawatts",
            "ميجاواط",
            "ميغاواط",
            "ميقاواط",
            "ميجا واط",
            "ميغا واط",
        ],
        unit("MW", 1.0),
    );

    add(
        &[
            "gw",
            "gigawatt",
            "gigawatts",
            "جيجاواط",
            "غيغاواط",
            "جيجا واط",
            "غيغا واط",
        ],
        unit("MW", 1e3),
    );

    add(
        &[
            "bpd",
            "b/d",
            "barrels per day",
            "barrels a day",
            "برميل",
            "براميل",
            "برميل يوميا",
        ],
        unit("bbl/d", 1.0),
    );

    add(
        &[
            "m3",
            "m3/d",
            "cubic meters",
            "cubic metres",
            "متر مكعب",
            "م3",
            "أمتار مكعبة",
        ],
        unit("m3/d", 1.0),
    );

    add(
        &[
            "per year",
            "a year",
            "per annum",
            "annually",
            "yearly",
            "سنويا",
            "في السنة",
            "بالسنة",
            "per day",
            "a day",
            "daily",
            "يوميا",
            "في اليوم",
            "باليوم",
        ],
        Tag::Period,
    );
}

fn add_year_and_comparison_words(add: &mut impl FnMut(&[&str], Tag)) {
    let marker = |marker: Marker| Tag::Marker(marker);

    add(
        &[
            "more than",
            "over",
            "above",
            "exceeding",
            "exceeds",
            "exceed",
            "greater than",
            "larger than",
            "bigger than",
            "higher than",
            "upwards of",
            "in excess of",
            "minimum",
            "min",
            "no less than",
            "not less than",
            ">",
            ">=",
            "≥",
            "أكثر من",
            "اكثر",
            "أكبر من",
            "أعلى من",
            "تتجاوز",
            "يتجاوز",
            "تتخطى",
            "يتخطى",
            "تفوق",
            "يفوق",
            "تزيد عن",
            "تزيد على",
            "يزيد عن",
            "يزيد على",
            "تزيد",
            "يزيد",
            "فوق",
            "لا يقل عن",
            "لا تقل عن",
            "لا يقل",
            "لا تقل",
            "ما لا يقل عن",
            "الحد الأدنى",
            "حد أدنى",
            "بحد أدنى",
            "زيادة عن",
        ],
        marker(Marker::Min),
    );

    add(
        &[
            "less than",
            "under",
            "below",
            "smaller than",
            "lower than",
            "maximum",
            "max",
            "no more than",
            "not more than",
            "لا تزيد",
            "لا يزيد",
            "not exceeding",
            "not over",
            "<",
            "<=",
            "≤",
            "أقل من",
            "اقل",
            "أصغر من",
            "أدنى من",
            "دون",
            "لا يزيد عن",
            "لا تزيد عن",
            "لا يزيد على",
            "لا تزيد على",
            "لا يتجاوز",
            "لا تتجاوز",
            "لا تتعدى",
            "لا يتعدى",
            "الحد الأقصى",
            "حد أقصى",
            "بحد أقصى",
            "تحت",
        ],
        marker(Marker::Max),
    );

    add(
        &["at least", "على الأقل", "كحد أدنى", "بالحد الأدنى"],
        Tag::EitherBound(PostBound::Min),
    );

    add(
        &["at most", "كحد أقصى", "بالحد الأقصى", "at the most"],
        Tag::EitherBound(PostBound::Max),
    );

    add(
        &[
            "or more",
            "and more",
            "and above",
            "or above",
            "or higher",
            "and over",
            "plus",
            "+",
            "onwards",
            "and later",
            "or later",
            "فأكثر",
            "فما فوق",
            "وما فوق",
            "أو أكثر",
            "وأكثر",
            "فما بعد",
            "وما بعدها",
            "وما بعده",
        ],
        Tag::PostBound(PostBound::Min),
    );

    add(
        &[
            "or less",
            "and less",
            "or below",
            "and below",
            "and under",
            "or under",
            "فأقل",
            "or earlier",
            "and earlier",
            "فما دون",
            "وما دون",
            "أو أقل",
            "وأقل",
            "وما قبلها",
            "وما قبله",
        ],
        Tag::PostBound(PostBound::Max),
    );

    add(
        &["between", "بين", "ما بين", "فيما بين"],
        marker(Marker::Between),
    );

    add(&["from", "من"], marker(Marker::From));

    add(&["and", "و"], marker(Marker::And));

    add(&["to", "-", "–", "إلى", "through"], marker(Marker::To));

    add(
        &[
            "since",
            "starting",
            "starting from",
            "starting in",
            "as of",
            "منذ",
            "ابتداء من",
            "اعتبارا من",
            "بدءا من",
            "ابتداءً من",
        ],
        marker(Marker::Since),
    );

    add(&["after", "later than", "بعد"], marker(Marker::After));

    add(
        &["before", "prior to", "earlier than", "قبل"],
        marker(Marker::Before),
    );

    add(
        &[
            "until",
            "till",
            "by",
            "up to",
            "no later than",
            "حتى",
            "لغاية",
            "إلى غاية",
            "بحلول",
            "وحتى",
        ],
        marker(Marker::Until),
    );

    add(&["during", "خلال", "في خلال"], marker(Marker::During));

    add(
        &["%", "٪", "percent", "بالمئة", "بالمائة", "في المئة"],
        Tag::Percent,
    );

    add(
        &[
            "year",
            "the year",
            "عام",
            "العام",
            "سنة",
            "السنة",
            "year of",
        ],
        Tag::YearNoun,
    );

    add(
        &[
            "not",
            "except",
            "excluding",
            "other than",
            "outside",
            "outside of",
            "but not",
            "غير",
            "خارج",
            "بدون",
            "عدا",
            "ما عدا",
            "باستثناء",
            "سوى",
            "ليس",
            "ليست",
            "لا",
        ],
        Tag::Negation,
    );
}

fn add_fillers(add: &mut impl FnMut(&[&str], Tag)) {
    add(
        &[
            // Gulf colloquial question words and requests.
            "وش",
            "ايش",
            "إيش",
            "شو",
            "ابي",
            "أبي",
            "ابغى",
            "أبغى",
            "ابغي",
            "أبغي",
            "ودي",
            "بغيت",
            "عطني",
            "عطنا",
            "اعطني",
            "أعطني",
            "أعطنا",
            "هات",
            "جيب",
            "وين",
            "فين",
            "كم",
            "فيه",
            "فيها",
            "هل",
            "ما",
            "ماهي",
            "ماهو",
            "ما هي",
            "ما هو",
            "ماذا",
            "أريد",
            "اريد",
            "نريد",
            "لو سمحت",
            "ممكن",
            "اللي",
            "الي",
            "يا",
            "هاذي",
            "هذي",
            "هذه",
            "ذي",
            "عندنا",
            "عندكم",
            "حق",
            "تبع",
            "شنو",
            "شنهي",
            "أي",
            "اي",
            "أين",
            "كيف",
            // Modern Standard Arabic function words and request verbs.
            "في",
            "على",
            "عن",
            "التي",
            "الذي",
            "اللتي",
            "الذين",
            "هي",
            "هو",
            "ذات",
            "أو",
            "مع",
            "حول",
            "كل",
            "جميع",
            "هناك",
            "توجد",
            "يوجد",
            "الموجودة",
            "موجودة",
            "اذكر",
            "أذكر",
            "اعرض",
            "أعرض",
            "اعرض لي",
            "ابحث",
            "ابحث عن",
            "لي",
            "لنا",
            "مشاريع",
            "المشاريع",
            "مشروع",
            "المشروع",
            "بها",
            "به",
            "فيها",
            "دولة",
            "منطقة",
            "الواقعة",
            "الواقعه",
            "تقع",
            "يقع",
            "أبرز",
            "اهم",
            "أهم",
            // English question words and function words.
            "show",
            "show me",
            "list",
            "list all",
            "what",
            "what are",
            "which",
            "find",
            "give",
            "give me",
            "get",
            "tell me",
            "about",
            "the",
            "a",
            "an",
            "of",
            "in",
            "at",
            "on",
            "for",
            "with",
            "projects",
            "project",
            "all",
            "any",
            "there",
            "please",
            "i",
            "want",
            "need",
            "looking",
            "search",
            "me",
            "how",
            "many",
            "do",
            "does",
            "we",
            "have",
            "or",
            "that",
            "located",
            "based",
            "are",
            "is",
            "were",
            "was",
            "s",
            "whose",
            "where",
            "country",
            "region",
            "?",
            "؟",
            "!",
            ".",
            ",",
            "،",
            ":",
            "؛",
            "(",
            ")",
            "\"",
        ],
        Tag::Filler,
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tags(question: &str) -> Vec<Option<Tag>> {
        tag_tokens(&normalize::tokenize(question))
            .into_iter()
            .map(|item| item.tag)
            .collect()
    }

    #[test]
    fn longest_phrase_wins() {
        assert_eq!(
            tags("ريال عماني"),
            [Some(Tag::Currency(CurrencyWord::Fixed(Currency::Omr)))]
        );
        assert_eq!(tags("عماني"), [Some(Tag::Country("OM"))]);
    }

    #[test]
    fn written_form_beats_stripped_clitic() {
        assert_eq!(tags("بدون"), [Some(Tag::Negation)]);
        assert_eq!(tags("دون"), [Some(Tag::Marker(Marker::Max))]);
    }

    #[test]
    fn amman_with_shadda_is_not_oman() {
        assert_eq!(tags("عمّان"), [Some(Tag::NotCovered("Amman (Jordan)"))]);
        assert_eq!(tags("عُمان"), [Some(Tag::Country("OM"))]);
    }

    #[test]
    fn minimum_phrase_is_not_hidd() {
        assert_eq!(tags("الحد الأدنى"), [Some(Tag::Marker(Marker::Min))]);
    }
}
