//! Just enough JSON to decide what BuildKit's `parseJSON` decides for an
//! exec-form argument list: `json.Unmarshal` into `[]interface{}`.

use super::golike;

/// What `parseJSON` makes of a text that starts with `[`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum JsonArray {
    /// A valid array of strings.
    Strings(Vec<String>),
    /// A valid array holding something else than strings (a hard error).
    NotStrings,
    /// Not valid JSON (or not decodable): the text is taken as shell form.
    Invalid,
}

/// Go's JSON decoder nesting limit.
const MAX_DEPTH: usize = 10_000;

struct P<'a> {
    b: &'a [u8],
    i: usize,
    overflow: bool,
}

/// Decode `s` (leading whitespace already trimmed by the caller or not).
pub(crate) fn parse_string_array(s: &[u8]) -> JsonArray {
    let mut p = P { b: s, i: 0, overflow: false };
    p.ws();
    if p.peek() != Some(b'[') {
        return JsonArray::Invalid;
    }
    p.i += 1;
    let mut out = Vec::new();
    let mut all_strings = true;
    p.ws();
    if p.peek() == Some(b']') {
        p.i += 1;
    } else {
        loop {
            p.ws();
            if p.peek() == Some(b'"') {
                match p.string() {
                    Some(st) => out.push(st),
                    None => return JsonArray::Invalid,
                }
            } else {
                all_strings = false;
                if p.value(1).is_none() {
                    return JsonArray::Invalid;
                }
            }
            p.ws();
            match p.peek() {
                Some(b',') => p.i += 1,
                Some(b']') => {
                    p.i += 1;
                    break;
                }
                _ => return JsonArray::Invalid,
            }
        }
    }
    p.ws();
    if p.i != s.len() || p.overflow {
        return JsonArray::Invalid;
    }
    if all_strings { JsonArray::Strings(out) } else { JsonArray::NotStrings }
}

impl P<'_> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    fn ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.i += 1;
        }
    }

    fn lit(&mut self, word: &[u8]) -> Option<()> {
        let end = self.i.checked_add(word.len())?;
        if self.b.get(self.i..end)? == word {
            self.i = end;
            Some(())
        } else {
            None
        }
    }

    fn hex4(&mut self) -> Option<u32> {
        let end = self.i.checked_add(4)?;
        let s = std::str::from_utf8(self.b.get(self.i..end)?).ok()?;
        if !s.bytes().all(|c| c.is_ascii_hexdigit()) {
            return None;
        }
        self.i = end;
        u32::from_str_radix(s, 16).ok()
    }

    /// A string starting at the opening quote; invalid bytes become U+FFFD.
    fn string(&mut self) -> Option<String> {
        self.i += 1;
        let mut out = String::new();
        loop {
            let c = self.peek()?;
            match c {
                b'"' => {
                    self.i += 1;
                    return Some(out);
                }
                b'\\' => {
                    self.i += 1;
                    let e = self.peek()?;
                    self.i += 1;
                    match e {
                        b'"' => out.push('"'),
                        b'\\' => out.push('\\'),
                        b'/' => out.push('/'),
                        b'b' => out.push('\u{8}'),
                        b'f' => out.push('\u{c}'),
                        b'n' => out.push('\n'),
                        b'r' => out.push('\r'),
                        b't' => out.push('\t'),
                        b'u' => {
                            let r = self.hex4()?;
                            if (0xD800..0xE000).contains(&r) {
                                // A surrogate: valid only as a pair.
                                let save = self.i;
                                let pair =
                                    if self.b.get(self.i) == Some(&b'\\') && self.b.get(self.i + 1) == Some(&b'u') {
                                        self.i += 2;
                                        self.hex4()
                                    } else {
                                        None
                                    };
                                match pair {
                                    Some(lo) if (0xD800..0xDC00).contains(&r) && (0xDC00..0xE000).contains(&lo) => {
                                        let cp = 0x10000 + ((r - 0xD800) << 10) + (lo - 0xDC00);
                                        out.push(char::from_u32(cp).unwrap_or(golike::RUNE_ERROR));
                                    }
                                    _ => {
                                        // The following escape, if any, is decoded on its own.
                                        self.i = save;
                                        out.push(golike::RUNE_ERROR);
                                    }
                                }
                            } else {
                                out.push(char::from_u32(r).unwrap_or(golike::RUNE_ERROR));
                            }
                        }
                        _ => return None,
                    }
                }
                c if c < 0x20 => return None,
                _ => {
                    let rest = self.b.get(self.i..)?;
                    let (r, w) = golike::decode_rune(rest);
                    out.push(r);
                    self.i += w.max(1);
                }
            }
        }
    }

    fn number(&mut self) -> Option<()> {
        let start = self.i;
        if self.peek() == Some(b'-') {
            self.i += 1;
        }
        match self.peek()? {
            b'0' => self.i += 1,
            b'1'..=b'9' => {
                while matches!(self.peek(), Some(b'0'..=b'9')) {
                    self.i += 1;
                }
            }
            _ => return None,
        }
        if self.peek() == Some(b'.') {
            self.i += 1;
            if !matches!(self.peek(), Some(b'0'..=b'9')) {
                return None;
            }
            while matches!(self.peek(), Some(b'0'..=b'9')) {
                self.i += 1;
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.i += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.i += 1;
            }
            if !matches!(self.peek(), Some(b'0'..=b'9')) {
                return None;
            }
            while matches!(self.peek(), Some(b'0'..=b'9')) {
                self.i += 1;
            }
        }
        let text = std::str::from_utf8(self.b.get(start..self.i)?).ok()?;
        // Go's decoder reports numbers beyond float64's range as an error.
        if !text.parse::<f64>().map(f64::is_finite).unwrap_or(false) {
            self.overflow = true;
        }
        Some(())
    }

    /// Any value, iteratively (containers may nest deeply). `depth` is the
    /// number of containers already open.
    fn value(&mut self, depth: usize) -> Option<()> {
        let mut stack: Vec<u8> = Vec::new();
        'value: loop {
            self.ws();
            match self.peek()? {
                open @ (b'[' | b'{') => {
                    self.i += 1;
                    if depth + stack.len() + 1 > MAX_DEPTH {
                        return None;
                    }
                    stack.push(open);
                    self.ws();
                    let close = if open == b'[' { b']' } else { b'}' };
                    if self.peek() == Some(close) {
                        self.i += 1;
                        stack.pop();
                    } else {
                        if open == b'{' {
                            self.key()?;
                        }
                        continue 'value;
                    }
                }
                b'"' => {
                    self.string()?;
                }
                b't' => self.lit(b"true")?,
                b'f' => self.lit(b"false")?,
                b'n' => self.lit(b"null")?,
                b'-' | b'0'..=b'9' => self.number()?,
                _ => return None,
            }
            // A value is complete: close containers or move to the next element.
            loop {
                let Some(&top) = stack.last() else {
                    return Some(());
                };
                self.ws();
                match self.peek()? {
                    b',' => {
                        self.i += 1;
                        if top == b'{' {
                            self.ws();
                            self.key()?;
                        }
                        continue 'value;
                    }
                    b']' if top == b'[' => {
                        self.i += 1;
                        stack.pop();
                    }
                    b'}' if top == b'{' => {
                        self.i += 1;
                        stack.pop();
                    }
                    _ => return None,
                }
            }
        }
    }

    fn key(&mut self) -> Option<()> {
        if self.peek() != Some(b'"') {
            return None;
        }
        self.string()?;
        self.ws();
        if self.peek() != Some(b':') {
            return None;
        }
        self.i += 1;
        Some(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms() {
        assert_eq!(parse_string_array(br#"["a", "b c"]"#), JsonArray::Strings(vec!["a".into(), "b c".into()]));
        assert_eq!(parse_string_array(b"[]"), JsonArray::Strings(vec![]));
        assert_eq!(parse_string_array(br#"["a", /x"#), JsonArray::Invalid);
        assert_eq!(parse_string_array(br#"["a"] x"#), JsonArray::Invalid);
        assert_eq!(parse_string_array(br#"["a", 1]"#), JsonArray::NotStrings);
        assert_eq!(parse_string_array(br#"["a", {"k": [1, null]}]"#), JsonArray::NotStrings);
        assert_eq!(parse_string_array(br#"["a", 1e999]"#), JsonArray::Invalid);
        assert_eq!(parse_string_array(br#"['a']"#), JsonArray::Invalid);
        assert_eq!(
            parse_string_array(br#"["\u00e9\ud83d\ude00\ud800"]"#),
            JsonArray::Strings(vec!["é😀\u{FFFD}".into()])
        );
        assert_eq!(parse_string_array(b"[\"\xff\"]"), JsonArray::Strings(vec!["\u{FFFD}".into()]));
        let deep = format!("[{}{}]", "[".repeat(20_000), "]".repeat(20_000));
        assert_eq!(parse_string_array(deep.as_bytes()), JsonArray::Invalid);
    }
}
