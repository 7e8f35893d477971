//! The rule checks every operation's input shares (docs/spec.md#requests).

use crate::error::{Field, InvalidInput, Rule};

/// Checks that `value` holds `min..=max` Unicode scalar values (not bytes).
pub(crate) fn check_length(
    field: Field,
    value: &str,
    (min, max): (usize, usize),
) -> Result<(), InvalidInput> {
    check_count(field, value.chars().count(), (min, max))
}

/// The length rule for a value of `actual` characters.
fn check_count(
    field: Field,
    actual: usize,
    (min, max): (usize, usize),
) -> Result<(), InvalidInput> {
    if actual < min || actual > max {
        return Err(InvalidInput::new(field, Rule::Length { min, max, actual }));
    }
    Ok(())
}

/// Checks that `value` can be sent as a header value: printable ASCII, no
/// leading or trailing space. The error gives the position, never the value.
pub(crate) fn check_header_value(field: Field, value: &str) -> Result<(), InvalidInput> {
    let bad = |position| Err(InvalidInput::new(field, Rule::HeaderValue { position }));
    // Every allowed character is ASCII, so a byte index before the first bad
    // byte is also a character index. One pass without early exit (which
    // the compiler vectorizes) clears a good token; only a bad one is walked
    // again for the position to report.
    let clean = value
        .bytes()
        .fold(true, |ok, b| ok & (b' '..=b'~').contains(&b));
    if !clean {
        let position = value
            .bytes()
            .position(|b| !(b' '..=b'~').contains(&b))
            .unwrap_or(0);
        return bad(position);
    }
    if value.starts_with(' ') {
        return bad(0);
    }
    if value.ends_with(' ') {
        return bad(value.len() - 1);
    }
    Ok(())
}

/// Checks a bearer token: length, then header validity.
pub(crate) fn check_token(
    field: Field,
    value: &str,
    limits: (usize, usize),
) -> Result<(), InvalidInput> {
    // A header-safe value is ASCII, so its length in bytes is its length in
    // characters; only a refused one has its characters counted, for the
    // length rule that is reported first.
    match check_header_value(field, value) {
        Ok(()) => check_count(field, value.len(), limits),
        Err(refused) => check_length(field, value, limits).and(Err(refused)),
    }
}
