//! Numbers as listing tools print them: plain counts, block counts and human
//! sizes (`4.0K`, `26.3 MiB`, `1.5Mi`), turned into byte intervals that the
//! printing tool's rounding implies.

/// How a tool rounded a human size to the digits it printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Round {
    /// GNU coreutils (`du -h`, `ls -h`): towards +∞, so the true value is in `(shown − step, shown]`.
    Up,
    /// `printf("%.1f")` style (BusyBox, tree, gdu, dua): `[shown − step/2, shown + step/2]`.
    Nearest,
    /// Integer division (dust for values of 10 units and more): `[shown, shown + step)`.
    Floor,
    /// Either [`Up`](Round::Up) or [`Nearest`](Round::Nearest): the union of both intervals,
    /// for human sizes that do not show which tool printed them (`4.0K`, `8.0K`).
    UpOrNearest,
}

/// A decimal number exactly as printed: `digits / 10^decimals`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Dec {
    pub digits: u128,
    pub decimals: u32,
}

/// Why a number could not be read.
pub(crate) const TOO_LARGE: &str = "number too large";

/// Parses ASCII digits into a `u64` (no sign, no spaces).
pub(crate) fn parse_u64(s: &[u8]) -> Result<u64, &'static str> {
    if s.is_empty() || !s.iter().all(u8::is_ascii_digit) {
        return Err("not a number");
    }
    let mut v: u64 = 0;
    for &b in s {
        v = v.checked_mul(10).and_then(|v| v.checked_add(u64::from(b - b'0'))).ok_or(TOO_LARGE)?;
    }
    Ok(v)
}

/// Parses `123`, `1.5` or `1,5` (a decimal comma, as some locales print).
pub(crate) fn parse_dec(s: &[u8]) -> Result<Dec, &'static str> {
    let (int, frac) = match s.iter().position(|&b| b == b'.' || b == b',') {
        Some(i) => (&s[..i], &s[i + 1..]),
        None => (s, &b""[..]),
    };
    if int.is_empty() || !int.iter().all(u8::is_ascii_digit) || !frac.iter().all(u8::is_ascii_digit) {
        return Err("not a number");
    }
    if (s.len() - int.len()) > 0 && frac.is_empty() {
        return Err("not a number");
    }
    if int.len() + frac.len() > 30 || frac.len() > 6 {
        return Err(TOO_LARGE);
    }
    let mut digits: u128 = 0;
    for &b in int.iter().chain(frac) {
        digits = digits * 10 + u128::from(b - b'0');
    }
    Ok(Dec { digits, decimals: frac.len() as u32 })
}

fn to_u64(v: u128) -> Result<u64, &'static str> {
    u64::try_from(v).map_err(|_| TOO_LARGE)
}

fn div_ceil(a: u128, b: u128) -> u128 {
    a.div_ceil(b)
}

/// The byte interval a printed number stands for, given the unit it was
/// printed in and the tool's rounding. Exact integers in bytes give `(n, n)`.
pub(crate) fn bounds(dec: Dec, unit: u64, round: Round) -> Result<(u64, u64), &'static str> {
    let m = dec.digits;
    if unit == 1 && dec.decimals == 0 {
        let v = to_u64(m)?;
        return Ok((v, v));
    }
    let scale = 10u128.pow(dec.decimals);
    let unit = u128::from(unit);
    if m.checked_mul(unit).and_then(|v| v.checked_mul(2)).is_none() {
        return Err(TOO_LARGE);
    }
    if round == Round::UpOrNearest {
        let up = bounds(dec, unit as u64, Round::Up)?;
        let near = bounds(dec, unit as u64, Round::Nearest)?;
        return Ok((up.0.min(near.0), up.1.max(near.1)));
    }
    let (lo, hi) = match round {
        Round::Up => {
            if m == 0 {
                (0, 0)
            } else {
                ((m - 1) * unit / scale + 1, m * unit / scale)
            }
        }
        Round::Nearest => {
            // Half a step either side, widened by 1% of a step for tools that
            // round in binary floating point.
            let two_scale = 2 * scale;
            let slack = unit / (scale * 100);
            let lo = if m == 0 { 0 } else { div_ceil((2 * m - 1) * unit, two_scale).saturating_sub(slack) };
            let hi = (2 * m + 1) * unit / two_scale + slack;
            (lo, hi)
        }
        Round::UpOrNearest => unreachable!("handled above"),
        Round::Floor => {
            let lo = div_ceil(m * unit, scale);
            let hi = div_ceil((m + 1) * unit, scale).saturating_sub(1).max(lo);
            (lo, hi)
        }
    };
    Ok((to_u64(lo)?, to_u64(hi)?))
}

/// The multiplier of a size suffix: `K`, `Ki`, `KiB`, `KB`, `k` (SI), `M`, … ;
/// an empty suffix or `B`/`b` is bytes. `None` for anything else.
pub(crate) fn suffix_unit(s: &[u8]) -> Option<u64> {
    let (letter, rest) = match s {
        [] | [b'B'] | [b'b'] => return Some(1),
        [l, rest @ ..] => (*l, rest),
    };
    let si_k = letter == b'k';
    let power = match letter.to_ascii_uppercase() {
        b'K' => 1,
        b'M' => 2,
        b'G' => 3,
        b'T' => 4,
        b'P' => 5,
        b'E' => 6,
        _ => return None,
    };
    let base: u64 = match rest {
        [] if si_k => 1000,
        [] | [b'i'] | [b'i', b'B'] => 1024,
        [b'B'] if si_k => 1000,
        [b'B'] => 1024,
        _ => return None,
    };
    Some(base.pow(power))
}

/// Splits `4.0K`, `977K`, `1023`, `1.5Mi`, `37638144B` into number and unit.
pub(crate) fn parse_human(tok: &[u8]) -> Result<(Dec, u64), &'static str> {
    let end = tok.iter().position(|b| !(b.is_ascii_digit() || *b == b'.' || *b == b',')).unwrap_or(tok.len());
    let dec = parse_dec(&tok[..end])?;
    let unit = suffix_unit(&tok[end..]).ok_or("unknown size unit")?;
    Ok((dec, unit))
}

/// Whether `tok` carries a unit suffix or decimals (a human size rather than a count).
pub(crate) fn is_human(tok: &[u8]) -> bool {
    tok.iter().any(|b| !b.is_ascii_digit())
}

/// Whether human sizes show GNU's rounding: an integer of 10 or more with a
/// unit (`12K`; BusyBox would print `12.0K`).
pub(crate) fn gnu_evidence<'a>(tokens: impl IntoIterator<Item = &'a [u8]>) -> bool {
    tokens.into_iter().any(|t| {
        let digits = t.iter().take_while(|b| b.is_ascii_digit()).count();
        digits >= 2 && digits < t.len() && t[digits].is_ascii_alphabetic()
    })
}

/// Adds two intervals, saturating.
pub(crate) fn add(a: (u64, u64), b: (u64, u64)) -> (u64, u64) {
    (a.0.saturating_add(b.0), a.1.saturating_add(b.1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b(s: &str, round: Round) -> (u64, u64) {
        let (d, u) = parse_human(s.as_bytes()).unwrap();
        bounds(d, u, round).unwrap()
    }

    #[test]
    fn gnu_ceiling() {
        // 1025 B prints 1.1K, 10241 B prints 11K, 8,680,937 B prints 8.3M.
        let (lo, hi) = b("1.1K", Round::Up);
        assert!(lo <= 1025 && 1025 <= hi && lo == 1025);
        let (lo, hi) = b("11K", Round::Up);
        assert!(lo <= 10241 && 10241 <= hi);
        let (lo, hi) = b("8.3M", Round::Up);
        assert!(lo <= 8_680_937 && 8_680_937 <= hi);
        // 1048575 B prints 1.0M with GNU.
        let (lo, hi) = b("1.0M", Round::Up);
        assert!(lo <= 1_048_575 && 1_048_575 <= hi);
        assert_eq!(b("0", Round::Up), (0, 0));
        assert_eq!(b("1023", Round::Up), (1023, 1023));
    }

    #[test]
    fn nearest_and_floor() {
        // tree: 10239 B prints 10.0K, 1048575 B prints 1024K.
        let (lo, hi) = b("10.0K", Round::Nearest);
        assert!(lo <= 10239 && 10239 <= hi);
        let (lo, hi) = b("1024K", Round::Nearest);
        assert!(lo <= 1_048_575 && 1_048_575 <= hi);
        // dust: 1048575 B prints 1023Ki (integer division).
        let (lo, hi) = b("1023Ki", Round::Floor);
        assert!(lo <= 1_048_575 && 1_048_575 <= hi);
        assert!(hi < 1024 * 1024);
    }

    #[test]
    fn overflow_is_an_error() {
        assert_eq!(parse_u64(b"99999999999999999999999"), Err(TOO_LARGE));
        assert!(parse_human(b"99999999999999999999999999999999999E").is_err());
        let (d, u) = parse_human(b"999999999E").unwrap();
        assert!(bounds(d, u, Round::Up).is_err());
        assert!(parse_human(b"1.5X").is_err());
        assert!(parse_dec(b"1.").is_err());
    }
}
