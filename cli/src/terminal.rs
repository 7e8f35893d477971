//! Text that did not come from the user, made safe for a terminal.
//!
//! A hostile or broken server may put control characters in an error code, a
//! message or an output value: ESC starts sequences that move the cursor,
//! clear the screen or set the window title, BEL rings, CR overwrites the
//! line. Every such character is printed as `\u{XX}` (Rust's escape style,
//! lower-case hex) instead, in both plain text and (as a JSON `\uXXXX`
//! escape) in JSON output.

use std::borrow::Cow;
use std::fmt::Write as _;

/// True for the characters that must not reach a terminal raw: the C0
/// controls (U+0000 to U+001F, tab and line feed included), DEL (U+007F),
/// the C1 controls (U+0080 to U+009F; U+009B is a one-character CSI), and
/// the bidirectional formatting characters, which reorder what is shown.
pub fn is_unsafe(c: char) -> bool {
    c.is_control() // Unicode category Cc: exactly C0, DEL and C1
        || matches!(
            c,
            '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
        )
}

/// `text` with every [`is_unsafe`] character written as `\u{XX}`:
/// `"a\u{1b}[2J"` prints as `a\u{1b}[2J`, nine visible characters.
/// Text without such a character is returned as is.
pub fn escape(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_unsafe(c) {
            let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Serialized JSON with the [`is_unsafe`] characters serde_json leaves raw
/// (DEL, C1, bidirectional formatting) written as `\uXXXX` escapes. serde_json
/// already escapes C0 inside strings, and outside strings JSON text is
/// printable ASCII and whitespace, so what is replaced is always inside a
/// string: the result is valid JSON with the same values.
pub fn json_safe(json: String) -> String {
    if !json
        .chars()
        .any(|c| is_unsafe(c) && !c.is_ascii_whitespace())
    {
        return json;
    }
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        if is_unsafe(c) && !c.is_ascii_whitespace() {
            let _ = write!(out, "\\u{:04x}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_escaped_and_others_kept() {
        assert_eq!(escape("plain text, ünïcode ✓"), "plain text, ünïcode ✓");
        assert!(matches!(escape("plain"), Cow::Borrowed(_)));
        assert_eq!(escape("Bad\u{1b}]0;pwned\u{7}"), "Bad\\u{1b}]0;pwned\\u{7}");
        assert_eq!(escape("\u{1b}[2Jgone"), "\\u{1b}[2Jgone");
        assert_eq!(escape("a\rb\nc\td\0"), "a\\u{d}b\\u{a}c\\u{9}d\\u{0}");
        assert_eq!(escape("del\u{7f} csi\u{9b}2J"), "del\\u{7f} csi\\u{9b}2J");
        assert_eq!(escape("x\u{202e}y\u{2066}"), "x\\u{202e}y\\u{2066}");
        // U+00A0 (no-break space) is the first character after C1: kept.
        assert_eq!(escape("\u{a0}"), "\u{a0}");
    }

    #[test]
    fn json_keeps_its_structure_and_values() {
        let value = serde_json::json!({"Id": "a\u{7f}b\u{9b}c\u{1b}", "AbsoluteTime": "t"});
        let pretty = serde_json::to_string_pretty(&value).expect("json");
        let safe = json_safe(pretty.clone());
        assert!(safe.contains('\n'), "structure kept: {safe}");
        assert!(!safe.chars().any(|c| is_unsafe(c) && c != '\n'), "{safe}");
        assert!(safe.contains("a\\u007fb\\u009bc\\u001b"), "{safe}");
        let back: serde_json::Value = serde_json::from_str(&safe).expect("still JSON");
        assert_eq!(back, value);
        let plain = serde_json::to_string_pretty(&serde_json::json!({"Id": "x"})).expect("json");
        assert_eq!(json_safe(plain.clone()), plain);
    }
}
