//! Permalinks: the rules, the builder and (when small enough) the listing,
//! deflated and base64url-encoded into the URL fragment.
//!
//! The fragment never reaches a server (browsers do not send it), so a link
//! shares a whole scenario without uploading anything. Layout:
//! `v1&b=classic&f=du-b&r=<rules>&l=<listing>`, where `b`, `f` and `l` are
//! optional and `<...>` is base64url (no padding) of raw DEFLATE.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use miniz_oxide::deflate::core::{
    CompressorOxide, TDEFLFlush, TDEFLStatus, compress, create_comp_flags_from_zip_params,
};

use crate::protocol::Builder;

/// Links longer than this get a warning: many wikis, chat tools and issue
/// trackers cut or reject URLs beyond about 2,000 characters.
pub const WIKI_LIMIT: usize = 2000;

/// Listings whose encoded form exceeds this are left out of the link
/// (browsers handle a few MB, but such links are unusable anyway).
pub const MAX_LISTING_CHARS: usize = 1_000_000;

/// Listings larger than this are not even compressed for the link.
pub const MAX_LISTING_BYTES: usize = 4 << 20;

/// Decompressed parts larger than this are refused (a hostile link cannot
/// make the page allocate without bound).
pub const MAX_INFLATED: usize = 256 << 20;

/// What a permalink restores.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Permalink {
    /// The builder (`buildkit` unless the link says `classic`).
    pub builder: Builder,
    /// The `.dockerignore` text.
    pub rules: String,
    /// The listing, if the link carries it.
    pub listing: Option<String>,
    /// A listing-format override, if any.
    pub format: Option<String>,
}

/// Why a fragment could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError(pub String);

impl std::fmt::Display for DecodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "this link cannot be read: {}", self.0)
    }
}

/// Level 9 gains little over 6 on listings and costs several times more on large ones.
fn level_for(len: usize) -> u8 {
    if len > 256 << 10 { 6 } else { 9 }
}

/// Deflates and base64url-encodes `data`.
pub fn encode_part(data: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(miniz_oxide::deflate::compress_to_vec(data, level_for(data.len())))
}

/// [`encode_part`] a slice at a time: compressing a few MB takes seconds in
/// the browser, and the worker answers requests between slices.
pub struct PartEncoder {
    comp: Box<CompressorOxide>,
    data: Vec<u8>,
    pos: usize,
    out: Vec<u8>,
}

impl std::fmt::Debug for PartEncoder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PartEncoder({} of {} bytes)", self.pos, self.data.len())
    }
}

impl PartEncoder {
    /// Starts encoding `data`.
    pub fn new(data: Vec<u8>) -> PartEncoder {
        let flags = create_comp_flags_from_zip_params(level_for(data.len()).into(), 0, 0);
        let out = Vec::with_capacity(data.len() / 3);
        PartEncoder { comp: Box::new(CompressorOxide::new(flags)), data, pos: 0, out }
    }

    /// Compresses up to `chunk` more bytes; returns the part once all are.
    pub fn step(&mut self, chunk: usize) -> Option<String> {
        let end = self.pos.saturating_add(chunk.max(1)).min(self.data.len());
        let flush = if end == self.data.len() { TDEFLFlush::Finish } else { TDEFLFlush::None };
        let mut input = &self.data[self.pos..end];
        let mut buf = [0u8; 16 << 10];
        loop {
            let (status, used, written) = compress(&mut self.comp, input, &mut buf, flush);
            self.out.extend_from_slice(&buf[..written]);
            input = &input[used.min(input.len())..];
            match status {
                TDEFLStatus::Done => break,
                // More output may be pending while the buffer came back full.
                TDEFLStatus::Okay if !input.is_empty() || written == buf.len() || flush == TDEFLFlush::Finish => {
                    if used == 0 && written == 0 {
                        if flush == TDEFLFlush::Finish {
                            return Some(encode_part(&self.data));
                        }
                        break;
                    }
                }
                TDEFLStatus::Okay => break,
                // Cannot happen with valid parameters; the one-shot path then decides.
                _ => return Some(encode_part(&self.data)),
            }
        }
        self.pos = end;
        (self.pos == self.data.len()).then(|| URL_SAFE_NO_PAD.encode(&self.out))
    }
}

/// Reverses [`encode_part`].
pub fn decode_part(part: &str) -> Result<Vec<u8>, DecodeError> {
    let raw =
        URL_SAFE_NO_PAD.decode(part.trim_end_matches('=')).map_err(|e| DecodeError(format!("bad base64: {e}")))?;
    miniz_oxide::inflate::decompress_to_vec_with_limit(&raw, MAX_INFLATED)
        .map_err(|e| DecodeError(format!("bad compressed data: {e}")))
}

/// Builds a fragment (without `#`) from already encoded parts.
pub fn fragment(builder: Builder, format: Option<&str>, rules_part: &str, listing_part: Option<&str>) -> String {
    let mut s = String::from("v1");
    if builder != Builder::Buildkit {
        s.push_str("&b=");
        s.push_str(builder.name());
    }
    if let Some(f) = format {
        s.push_str("&f=");
        s.extend(f.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '-'));
    }
    s.push_str("&r=");
    s.push_str(rules_part);
    if let Some(l) = listing_part {
        s.push_str("&l=");
        s.push_str(l);
    }
    s
}

/// Encodes a whole permalink (convenience for tests and small inputs).
pub fn encode(p: &Permalink) -> String {
    let listing = p.listing.as_deref().map(|l| encode_part(l.as_bytes()));
    fragment(p.builder, p.format.as_deref(), &encode_part(p.rules.as_bytes()), listing.as_deref())
}

/// Reads a fragment (with or without the leading `#`). `Ok(None)` when the
/// fragment is empty or not a ctxlens link.
pub fn decode(fragment: &str) -> Result<Option<Permalink>, DecodeError> {
    let f = fragment.strip_prefix('#').unwrap_or(fragment);
    let mut parts = f.split('&');
    if parts.next() != Some("v1") {
        return Ok(None);
    }
    let mut p = Permalink::default();
    let mut saw_rules = false;
    for kv in parts {
        let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
        match k {
            "b" => p.builder = Builder::from_name(v).ok_or_else(|| DecodeError(format!("unknown builder `{v}`")))?,
            "f" => p.format = Some(v.to_string()).filter(|s| !s.is_empty()),
            "r" => {
                p.rules = text(decode_part(v)?, "rules")?;
                saw_rules = true;
            }
            "l" => p.listing = Some(text(decode_part(v)?, "listing")?),
            // Unknown keys come from newer versions: ignore them.
            _ => {}
        }
    }
    if !saw_rules {
        return Err(DecodeError("no rules in the link".into()));
    }
    Ok(Some(p))
}

fn text(bytes: Vec<u8>, what: &str) -> Result<String, DecodeError> {
    String::from_utf8(bytes).map_err(|_| DecodeError(format!("the {what} are not UTF-8 text")))
}

/// Whether a link of this many characters should carry a warning.
pub fn too_long_for_wiki(url_len: usize) -> bool {
    url_len > WIKI_LIMIT
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slice_by_slice_gives_the_same_part() {
        let sample = crate::state::SAMPLE_LISTING.as_bytes();
        let mut big = Vec::new();
        for i in 0..40_000u32 {
            big.extend_from_slice(
                format!("{}\t./pkg{}/mod{}/file{i}.go\n", 1000 + i * 7 % 9000, i % 13, i % 97).as_bytes(),
            );
        }
        assert!(big.len() > 256 << 10, "level 6 is exercised");
        for data in [&b""[..], b"x", sample, &big] {
            for chunk in [1000, 64 << 10, usize::MAX] {
                let mut e = PartEncoder::new(data.to_vec());
                let mut steps = 0;
                let part = loop {
                    steps += 1;
                    if let Some(p) = e.step(chunk) {
                        break p;
                    }
                };
                assert_eq!(part, encode_part(data), "{} bytes in slices of {chunk}", data.len());
                assert!(steps >= data.len() / chunk.min(data.len().max(1)), "{steps} steps");
                assert_eq!(decode_part(&part).unwrap(), data);
            }
        }
    }

    #[test]
    fn round_trip_with_and_without_listing() {
        let p = Permalink {
            builder: Builder::Classic,
            rules: "# comment\n.git\n**/node_modules\n!README.md\nünïcödé/\n".into(),
            listing: Some("4096\t./a\n12\t./a/b c.txt\n".into()),
            format: Some("du-b".into()),
        };
        let f = encode(&p);
        assert!(f.starts_with("v1&b=classic&f=du-b&r="), "{f}");
        assert!(f.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_&=".contains(&b)), "URL-safe: {f}");
        assert_eq!(decode(&f).unwrap(), Some(p.clone()));
        assert_eq!(decode(&format!("#{f}")).unwrap(), Some(p.clone()));

        let rules_only = Permalink { listing: None, format: None, builder: Builder::Buildkit, ..p };
        let f = encode(&rules_only);
        assert!(!f.contains("&l=") && !f.contains("&b="));
        assert_eq!(decode(&f).unwrap(), Some(rules_only));
    }

    #[test]
    fn empty_rules_are_a_valid_link() {
        let p = Permalink::default();
        assert_eq!(decode(&encode(&p)).unwrap(), Some(p));
    }

    #[test]
    fn foreign_and_broken_fragments() {
        assert_eq!(decode("").unwrap(), None);
        assert_eq!(decode("#section-2").unwrap(), None);
        assert!(decode("v1&r=***").is_err());
        assert!(decode("v1&r=AAAA").is_err(), "valid base64, not deflate");
        assert!(decode("v1&b=podman&r=").is_err());
        assert!(decode("v1&l=").is_err(), "no rules");
        // Unknown keys are ignored.
        let f = format!("{}&zz=1", encode(&Permalink { rules: "x".into(), ..Permalink::default() }));
        assert_eq!(decode(&f).unwrap().unwrap().rules, "x");
    }

    #[test]
    fn compresses_listings_well() {
        let listing: String = (0..2000).map(|i| format!("{}\t./services/api/handlers/h{i}.go\n", i * 37)).collect();
        let part = encode_part(listing.as_bytes());
        assert!(part.len() * 4 < listing.len(), "{} vs {}", part.len(), listing.len());
        assert_eq!(decode_part(&part).unwrap(), listing.as_bytes());
    }

    #[test]
    fn wiki_limit() {
        assert!(!too_long_for_wiki(2000));
        assert!(too_long_for_wiki(2001));
    }
}
