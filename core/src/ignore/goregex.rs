//! Translation of a Go (RE2, `syntax.Perl` flags) regular expression into an
//! equivalent expression for the `regex` crate.
//!
//! Docker turns wildcard patterns into Go regexps and copies `[...]` classes and
//! backslash escapes into them verbatim, so their meaning is Go's, not the
//! `regex` crate's: `\d` is ASCII-only, `\b` is an ASCII word boundary, classes
//! do not nest (`[[^/]*]` is the class `[[^/]` then `*` then `]`), `\Q` quotes
//! to the end, octal escapes exist, and the set of valid escapes and Unicode
//! class names differs. This module parses Go's syntax itself and emits an
//! unambiguous `regex` expression (every literal escaped, every class spelt
//! out as ranges), and reports the errors Go's compiler would report.

use std::fmt::Write as _;

/// A Go regexp syntax error, described as Go would.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct GoRegexError(pub(crate) String);

type Res<T> = Result<T, GoRegexError>;

fn err<T>(msg: impl Into<String>) -> Res<T> {
    Err(GoRegexError(msg.into()))
}

const MAX_RUNE: u32 = 0x10FFFF;

/// A Go regexp rewritten for the `regex` crate.
pub(crate) struct Translation {
    /// The `regex` crate source.
    pub(crate) rust: String,
    /// Whether it has a counted repetition (`a{2,9}`), which can compile to
    /// megabytes where every other construct stays small.
    pub(crate) counted: bool,
}

/// Translates Go regexp source `src` into `regex` crate syntax.
pub(crate) fn translate(src: &str) -> Res<Translation> {
    let mut p =
        Parser { s: src, out: String::with_capacity(src.len() * 2), depth: 0, last: Last::Nothing, counted: false };
    p.run()?;
    if p.depth != 0 {
        return err(format!("missing closing ): `{src}`"));
    }
    Ok(Translation { rust: p.out, counted: p.counted })
}

struct Parser<'a> {
    s: &'a str,
    out: String,
    depth: usize,
    /// What came last, which decides whether a repetition operator is legal.
    last: Last,
    counted: bool,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Last {
    /// Start of the expression, `(` or `|`: nothing to repeat.
    Nothing,
    /// Something a repetition can apply to.
    Operand,
    /// A repetition operator: Perl syntax forbids stacking another one.
    Repeat,
}

fn push_lit(out: &mut String, c: char) {
    if c.is_ascii_alphanumeric() {
        out.push(c);
    } else {
        let _ = write!(out, "\\x{{{:X}}}", c as u32);
    }
}

fn next_char(s: &str) -> Option<(char, &str)> {
    let mut it = s.chars();
    let c = it.next()?;
    Some((c, it.as_str()))
}

impl Parser<'_> {
    fn check_repeat(&self, op: char) -> Res<()> {
        match self.last {
            Last::Nothing => err(format!("missing argument to repetition operator: `{op}`")),
            Last::Repeat => err(format!("invalid nested repetition operator: `{op}`")),
            Last::Operand => Ok(()),
        }
    }

    /// Consumes a non-greedy `?` and records that a repetition was the last item.
    fn after_repeat(&mut self) {
        if let Some(r) = self.s.strip_prefix('?') {
            self.s = r;
            self.out.push('?');
        }
        self.last = Last::Repeat;
    }

    fn run(&mut self) -> Res<()> {
        while let Some((c, rest)) = next_char(self.s) {
            match c {
                '(' => {
                    if rest.starts_with('?') {
                        return err("flag groups are not produced by Docker patterns");
                    }
                    self.s = rest;
                    self.depth += 1;
                    self.out.push_str("(?:");
                    self.last = Last::Nothing;
                }
                ')' => {
                    if self.depth == 0 {
                        return err("unexpected )");
                    }
                    self.s = rest;
                    self.depth -= 1;
                    self.out.push(')');
                    self.last = Last::Operand;
                }
                '|' => {
                    self.s = rest;
                    self.out.push('|');
                    self.last = Last::Nothing;
                }
                '^' => {
                    self.s = rest;
                    self.out.push_str("\\A");
                    self.last = Last::Operand;
                }
                '$' => {
                    self.s = rest;
                    self.out.push_str("\\z");
                    self.last = Last::Operand;
                }
                '.' => {
                    self.s = rest;
                    // Go's `.` without the s flag: any rune but newline.
                    self.out.push_str("[^\\n]");
                    self.last = Last::Operand;
                }
                '*' | '+' | '?' => {
                    self.check_repeat(c)?;
                    self.s = rest;
                    self.out.push(c);
                    self.after_repeat();
                }
                '{' => match parse_repeat(self.s) {
                    // Go reads `{` as a literal unless it spells a valid repeat.
                    None => {
                        self.s = rest;
                        push_lit(&mut self.out, '{');
                        self.last = Last::Operand;
                    }
                    Some((min, max, r)) => {
                        self.check_repeat('{')?;
                        if min > 1000 || max.is_some_and(|m| m > 1000 || m < min) {
                            return err(format!("invalid repeat count: `{}`", &self.s[..self.s.len() - r.len()]));
                        }
                        self.s = r;
                        self.counted = true;
                        let _ = match max {
                            Some(m) if m == min => write!(self.out, "{{{min}}}"),
                            Some(m) => write!(self.out, "{{{min},{m}}}"),
                            None => write!(self.out, "{{{min},}}"),
                        };
                        self.after_repeat();
                    }
                },
                '[' => {
                    let (class, r) = parse_class(self.s)?;
                    self.s = r;
                    class.emit(&mut self.out);
                    self.last = Last::Operand;
                }
                '\\' => self.escape()?,
                _ => {
                    self.s = rest;
                    push_lit(&mut self.out, c);
                    self.last = Last::Operand;
                }
            }
        }
        Ok(())
    }

    fn escape(&mut self) -> Res<()> {
        let t = self.s;
        let b = t.as_bytes();
        if b.len() >= 2 {
            let simple = match b[1] {
                b'A' => Some("\\A"),
                b'z' => Some("\\z"),
                b'b' => Some("(?-u:\\b)"),
                b'B' => Some("(?-u:\\B)"),
                b'C' => return err("invalid escape sequence: `\\C`"),
                b'Q' => {
                    let body = &t[2..];
                    let (lit, rest) = match body.find("\\E") {
                        Some(i) => (&body[..i], &body[i + 2..]),
                        None => (body, ""),
                    };
                    for c in lit.chars() {
                        push_lit(&mut self.out, c);
                        self.last = Last::Operand;
                    }
                    self.s = rest;
                    return Ok(());
                }
                _ => None,
            };
            if let Some(s) = simple {
                self.out.push_str(s);
                self.s = &t[2..];
                self.last = Last::Operand;
                return Ok(());
            }
        }
        if let Some((class, rest)) = parse_unicode_class(t)? {
            class.emit(&mut self.out);
            self.s = rest;
            self.last = Last::Operand;
            return Ok(());
        }
        if let Some((class, rest)) = parse_perl_class(t) {
            class.emit(&mut self.out);
            self.s = rest;
            self.last = Last::Operand;
            return Ok(());
        }
        let (c, rest) = parse_escape(t)?;
        match char::from_u32(c) {
            Some(c) => push_lit(&mut self.out, c),
            // A surrogate is a valid Go literal that no decoded rune can equal.
            None => self.out.push_str("[^\\x{0}-\\x{10FFFF}]"),
        }
        self.s = rest;
        self.last = Last::Operand;
        Ok(())
    }
}

/// `{n}`, `{n,}`, `{n,m}` at the start of `s`; anything else is a literal `{` in Go.
fn parse_repeat(s: &str) -> Option<(u32, Option<u32>, &str)> {
    let s = s.strip_prefix('{')?;
    let digits = |s: &str| -> Option<(u32, usize)> {
        let n = s.bytes().take_while(u8::is_ascii_digit).count();
        if n == 0 {
            return None;
        }
        Some((s[..n].parse().unwrap_or(u32::MAX), n))
    };
    let (min, n) = digits(s)?;
    let s = &s[n..];
    if let Some(r) = s.strip_prefix('}') {
        return Some((min, Some(min), r));
    }
    let s = s.strip_prefix(',')?;
    if let Some(r) = s.strip_prefix('}') {
        return Some((min, None, r));
    }
    let (max, n) = digits(s)?;
    let r = s[n..].strip_prefix('}')?;
    Some((min, Some(max), r))
}

/// A character class as a list of rune ranges plus references to Unicode tables.
#[derive(Default)]
struct Class {
    ranges: Vec<(u32, u32)>,
    /// `(name, negated)` in `regex` syntax, e.g. `("sc=Greek", false)`.
    tables: Vec<(String, bool)>,
    negated: bool,
}

impl Class {
    fn add(&mut self, lo: u32, hi: u32) {
        self.ranges.push((lo, hi));
    }

    fn add_negated(&mut self, ranges: &[(u32, u32)]) {
        let mut next = 0u32;
        let mut sorted = ranges.to_vec();
        sorted.sort_unstable();
        for (lo, hi) in sorted {
            if lo > next {
                self.add(next, lo - 1);
            }
            next = next.max(hi + 1);
        }
        if next <= MAX_RUNE {
            self.add(next, MAX_RUNE);
        }
    }

    fn emit(&self, out: &mut String) {
        let mut body = String::new();
        for &(lo, hi) in &self.ranges {
            // Surrogates are not scalar values: Go's tables may name them, but
            // no decoded rune can ever be one.
            for (a, b) in [(lo, hi.min(0xD7FF)), (lo.max(0xE000), hi)] {
                if a <= b {
                    let _ = write!(body, "\\x{{{a:X}}}-\\x{{{b:X}}}");
                }
            }
        }
        for (name, neg) in &self.tables {
            let _ = write!(body, "\\{}{{{name}}}", if *neg { 'P' } else { 'p' });
        }
        match (body.is_empty(), self.negated) {
            (true, false) => out.push_str("[^\\x{0}-\\x{10FFFF}]"),
            (true, true) => out.push_str("[\\x{0}-\\x{10FFFF}]"),
            (false, neg) => {
                out.push('[');
                if neg {
                    out.push('^');
                }
                out.push_str(&body);
                out.push(']');
            }
        }
    }
}

fn parse_class(s: &str) -> Res<(Class, &str)> {
    let whole = s;
    let mut t = &s[1..];
    let mut class = Class::default();
    if let Some(r) = t.strip_prefix('^') {
        class.negated = true;
        t = r;
    }
    let mut first = true;
    while t.is_empty() || !t.starts_with(']') || first {
        first = false;
        if t.len() > 2
            && t.starts_with("[:")
            && let Some((ranges, neg, rest)) = parse_named_class(t)?
        {
            if neg {
                class.add_negated(&ranges);
            } else {
                ranges.iter().for_each(|&(a, b)| class.add(a, b));
            }
            t = rest;
            continue;
        }
        if let Some((sub, rest)) = parse_unicode_class(t)? {
            class.ranges.extend(sub.ranges);
            class.tables.extend(sub.tables);
            t = rest;
            continue;
        }
        if let Some((sub, rest)) = parse_perl_class(t) {
            if sub.negated {
                class.add_negated(&sub.ranges);
            } else {
                class.ranges.extend(sub.ranges);
            }
            t = rest;
            continue;
        }
        let (lo, rest) = parse_class_char(t, whole)?;
        t = rest;
        let mut hi = lo;
        let tb = t.as_bytes();
        if tb.len() >= 2 && tb[0] == b'-' && tb[1] != b']' {
            let (h, rest) = parse_class_char(&t[1..], whole)?;
            if h < lo {
                return err("invalid character class range");
            }
            hi = h;
            t = rest;
        }
        class.add(lo, hi);
    }
    Ok((class, &t[1..]))
}

fn parse_class_char<'a>(s: &'a str, whole: &str) -> Res<(u32, &'a str)> {
    if s.is_empty() {
        return err(format!("missing closing ]: `{whole}`"));
    }
    if s.starts_with('\\') {
        return parse_escape(s);
    }
    let (c, rest) = next_char(s).expect("non-empty");
    Ok((c as u32, rest))
}

const POSIX: &[(&str, &[(u32, u32)])] = &[
    ("alnum", &[(0x30, 0x39), (0x41, 0x5A), (0x61, 0x7A)]),
    ("alpha", &[(0x41, 0x5A), (0x61, 0x7A)]),
    ("ascii", &[(0x00, 0x7F)]),
    ("blank", &[(0x09, 0x09), (0x20, 0x20)]),
    ("cntrl", &[(0x00, 0x1F), (0x7F, 0x7F)]),
    ("digit", &[(0x30, 0x39)]),
    ("graph", &[(0x21, 0x7E)]),
    ("lower", &[(0x61, 0x7A)]),
    ("print", &[(0x20, 0x7E)]),
    ("punct", &[(0x21, 0x2F), (0x3A, 0x40), (0x5B, 0x60), (0x7B, 0x7E)]),
    ("space", &[(0x09, 0x0D), (0x20, 0x20)]),
    ("upper", &[(0x41, 0x5A)]),
    ("word", &[(0x30, 0x39), (0x41, 0x5A), (0x5F, 0x5F), (0x61, 0x7A)]),
    ("xdigit", &[(0x30, 0x39), (0x41, 0x46), (0x61, 0x66)]),
];

type NamedClass<'a> = Option<(Vec<(u32, u32)>, bool, &'a str)>;

/// `[:name:]` inside a class. Like Go, the closing `:]` is searched for in the
/// whole rest of the expression, not just up to the class's `]`.
fn parse_named_class(s: &str) -> Res<NamedClass<'_>> {
    let Some(i) = s[2..].find(":]") else {
        return Ok(None);
    };
    let i = i + 2;
    let name = &s[2..i];
    let rest = &s[i + 2..];
    let (neg, name) = match name.strip_prefix('^') {
        Some(n) => (true, n),
        None => (false, name),
    };
    match POSIX.iter().find(|(n, _)| *n == name) {
        Some((_, ranges)) => Ok(Some((ranges.to_vec(), neg, rest))),
        None => err(format!("invalid character class range: `{}`", &s[..i + 2])),
    }
}

/// `\d \D \s \S \w \W`: ASCII-only in Go.
fn parse_perl_class(s: &str) -> Option<(Class, &str)> {
    let b = s.as_bytes();
    if b.len() < 2 || b[0] != b'\\' {
        return None;
    }
    let ranges: &[(u32, u32)] = match b[1].to_ascii_lowercase() {
        b'd' => &[(0x30, 0x39)],
        b's' => &[(0x09, 0x0A), (0x0C, 0x0D), (0x20, 0x20)],
        b'w' => &[(0x30, 0x39), (0x41, 0x5A), (0x5F, 0x5F), (0x61, 0x7A)],
        _ => return None,
    };
    let class = Class { ranges: ranges.to_vec(), tables: Vec::new(), negated: b[1].is_ascii_uppercase() };
    Some((class, &s[2..]))
}

/// `\pL`, `\p{Greek}`, `\P{^Lu}`: Go's Unicode general categories and scripts.
fn parse_unicode_class(s: &str) -> Res<Option<(Class, &str)>> {
    let b = s.as_bytes();
    if b.len() < 2 || b[0] != b'\\' || (b[1] != b'p' && b[1] != b'P') {
        return Ok(None);
    }
    let mut neg = b[1] == b'P';
    let t = &s[2..];
    let (name, rest) = match next_char(t) {
        Some(('{', _)) => match s.find('}') {
            Some(end) => (&s[3..end], &s[end + 1..]),
            None => return err(format!("invalid character class range: `{s}`")),
        },
        Some((c, r)) => (&t[..c.len_utf8()], r),
        None => ("", ""),
    };
    let mut name = name;
    if let Some(n) = name.strip_prefix('^') {
        neg = !neg;
        name = n;
    }
    let table = if name == "Any" {
        "Any".to_string()
    } else if GO_CATEGORIES.contains(&name) {
        format!("gc={name}")
    } else if GO_SCRIPTS.contains(&name) {
        format!("sc={name}")
    } else {
        return err(format!("invalid character class range: `\\p{{{name}}}`"));
    };
    let class = Class { ranges: Vec::new(), tables: vec![(table, neg)], negated: false };
    Ok(Some((class, rest)))
}

/// Go's `parseEscape`: one escaped rune.
fn parse_escape(s: &str) -> Res<(u32, &str)> {
    let t = &s[1..];
    let Some((c, mut t)) = next_char(t) else {
        return err("trailing backslash at end of expression");
    };
    let invalid = |t: &str| err(format!("invalid escape sequence: `{}`", &s[..s.len() - t.len()]));
    match c {
        '1'..='7' if !t.starts_with(|d: char| ('0'..='7').contains(&d)) => invalid(t),
        '0'..='7' => {
            let mut r = c as u32 - '0' as u32;
            for _ in 1..3 {
                match t.as_bytes().first() {
                    Some(&d @ b'0'..=b'7') => {
                        r = r * 8 + (d - b'0') as u32;
                        t = &t[1..];
                    }
                    _ => break,
                }
            }
            Ok((r, t))
        }
        'x' => {
            let Some((c, rest)) = next_char(t) else {
                return invalid(t);
            };
            t = rest;
            if c == '{' {
                let mut r: u32 = 0;
                let mut nhex = 0;
                loop {
                    let Some((c, rest)) = next_char(t) else {
                        return invalid(t);
                    };
                    t = rest;
                    if c == '}' {
                        break;
                    }
                    let Some(v) = c.to_digit(16) else {
                        return invalid(t);
                    };
                    r = r * 16 + v;
                    if r > MAX_RUNE {
                        return invalid(t);
                    }
                    nhex += 1;
                }
                if nhex == 0 {
                    return invalid(t);
                }
                return Ok((r, t));
            }
            let x = c.to_digit(16);
            let Some((c2, rest)) = next_char(t) else {
                return invalid(t);
            };
            t = rest;
            match (x, c2.to_digit(16)) {
                (Some(x), Some(y)) => Ok((x * 16 + y, t)),
                _ => invalid(t),
            }
        }
        'a' => Ok((0x07, t)),
        'f' => Ok((0x0C, t)),
        'n' => Ok((0x0A, t)),
        'r' => Ok((0x0D, t)),
        't' => Ok((0x09, t)),
        'v' => Ok((0x0B, t)),
        c if c.is_ascii() && !c.is_ascii_alphanumeric() => Ok((c as u32, t)),
        _ => invalid(t),
    }
}

const GO_CATEGORIES: &[&str] = &[
    "C", "Cc", "Cf", "Co", "Cs", "L", "Ll", "Lm", "Lo", "Lt", "Lu", "M", "Mc", "Me", "Mn", "N", "Nd", "Nl", "No", "P",
    "Pc", "Pd", "Pe", "Pf", "Pi", "Po", "Ps", "S", "Sc", "Sk", "Sm", "So", "Z", "Zl", "Zp", "Zs",
];

/// Go's `unicode.Scripts` (Unicode 15.0).
const GO_SCRIPTS: &[&str] = &[
    "Adlam",
    "Ahom",
    "Anatolian_Hieroglyphs",
    "Arabic",
    "Armenian",
    "Avestan",
    "Balinese",
    "Bamum",
    "Bassa_Vah",
    "Batak",
    "Bengali",
    "Bhaiksuki",
    "Bopomofo",
    "Brahmi",
    "Braille",
    "Buginese",
    "Buhid",
    "Canadian_Aboriginal",
    "Carian",
    "Caucasian_Albanian",
    "Chakma",
    "Cham",
    "Cherokee",
    "Chorasmian",
    "Common",
    "Coptic",
    "Cuneiform",
    "Cypriot",
    "Cypro_Minoan",
    "Cyrillic",
    "Deseret",
    "Devanagari",
    "Dives_Akuru",
    "Dogra",
    "Duployan",
    "Egyptian_Hieroglyphs",
    "Elbasan",
    "Elymaic",
    "Ethiopic",
    "Georgian",
    "Glagolitic",
    "Gothic",
    "Grantha",
    "Greek",
    "Gujarati",
    "Gunjala_Gondi",
    "Gurmukhi",
    "Han",
    "Hangul",
    "Hanifi_Rohingya",
    "Hanunoo",
    "Hatran",
    "Hebrew",
    "Hiragana",
    "Imperial_Aramaic",
    "Inherited",
    "Inscriptional_Pahlavi",
    "Inscriptional_Parthian",
    "Javanese",
    "Kaithi",
    "Kannada",
    "Katakana",
    "Kawi",
    "Kayah_Li",
    "Kharoshthi",
    "Khitan_Small_Script",
    "Khmer",
    "Khojki",
    "Khudawadi",
    "Lao",
    "Latin",
    "Lepcha",
    "Limbu",
    "Linear_A",
    "Linear_B",
    "Lisu",
    "Lycian",
    "Lydian",
    "Mahajani",
    "Makasar",
    "Malayalam",
    "Mandaic",
    "Manichaean",
    "Marchen",
    "Masaram_Gondi",
    "Medefaidrin",
    "Meetei_Mayek",
    "Mende_Kikakui",
    "Meroitic_Cursive",
    "Meroitic_Hieroglyphs",
    "Miao",
    "Modi",
    "Mongolian",
    "Mro",
    "Multani",
    "Myanmar",
    "Nabataean",
    "Nag_Mundari",
    "Nandinagari",
    "New_Tai_Lue",
    "Newa",
    "Nko",
    "Nushu",
    "Nyiakeng_Puachue_Hmong",
    "Ogham",
    "Ol_Chiki",
    "Old_Hungarian",
    "Old_Italic",
    "Old_North_Arabian",
    "Old_Permic",
    "Old_Persian",
    "Old_Sogdian",
    "Old_South_Arabian",
    "Old_Turkic",
    "Old_Uyghur",
    "Oriya",
    "Osage",
    "Osmanya",
    "Pahawh_Hmong",
    "Palmyrene",
    "Pau_Cin_Hau",
    "Phags_Pa",
    "Phoenician",
    "Psalter_Pahlavi",
    "Rejang",
    "Runic",
    "Samaritan",
    "Saurashtra",
    "Sharada",
    "Shavian",
    "Siddham",
    "SignWriting",
    "Sinhala",
    "Sogdian",
    "Sora_Sompeng",
    "Soyombo",
    "Sundanese",
    "Syloti_Nagri",
    "Syriac",
    "Tagalog",
    "Tagbanwa",
    "Tai_Le",
    "Tai_Tham",
    "Tai_Viet",
    "Takri",
    "Tamil",
    "Tangsa",
    "Tangut",
    "Telugu",
    "Thaana",
    "Thai",
    "Tibetan",
    "Tifinagh",
    "Tirhuta",
    "Toto",
    "Ugaritic",
    "Vai",
    "Vithkuqi",
    "Wancho",
    "Warang_Citi",
    "Yezidi",
    "Yi",
    "Zanabazar_Square",
];
