//! Finding an error's code and message in a restJson1 error response.

/// Sanitizes a restJson1 error code: everything from the first `:` is cut,
/// then what follows the last `#` is kept.
///
/// ```
/// use connect_participant::error::sanitize_error_code;
///
/// assert_eq!(
///     sanitize_error_code("aws.protocoltests.restjson#FooError:http://internal.amazon.com/coral/com.amazon.coral.validate/"),
///     "FooError"
/// );
/// ```
pub fn sanitize_error_code(code: &str) -> &str {
    let code = code.split(':').next().unwrap_or(code);
    code.rsplit('#').next().unwrap_or(code)
}

const ERROR_TYPE: http::HeaderName = http::HeaderName::from_static("x-amzn-errortype");

/// The code and message of an error response, both sanitized and owned.
pub(crate) struct CodeAndMessage {
    pub code: Option<String>,
    pub message: Option<String>,
    /// The body was a JSON object (a missing message then stays empty
    /// rather than falling back to the status's reason phrase).
    pub json_body: bool,
}

fn non_empty_code(raw: &str) -> Option<String> {
    let code = sanitize_error_code(raw.trim()).trim();
    (!code.is_empty()).then(|| code.to_owned())
}

/// Finds the code (header, then `code`/`Code`, then `__type`) and the message
/// (`message`, `Message`, `errorMessage`). A body that is not a JSON object
/// gives no code and no message; it is never an error.
pub(crate) fn code_and_message(headers: &http::HeaderMap, body: &[u8]) -> CodeAndMessage {
    let header_code = headers
        .get(&ERROR_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(non_empty_code);
    // A JSON object keeps the last value of a repeated key, so a repeated
    // key never hides the code or the message; any other body gives none.
    let parsed = serde_json::from_slice::<serde_json::Map<String, serde_json::Value>>(body).ok();
    let text = |key: &str| {
        parsed
            .as_ref()
            .and_then(|map| map.get(key))
            .and_then(serde_json::Value::as_str)
    };
    let code = header_code.or_else(|| {
        ["code", "Code", "__type"]
            .into_iter()
            .find_map(|key| text(key).and_then(non_empty_code))
    });
    let message = ["message", "Message", "errorMessage"]
        .into_iter()
        .find_map(|key| text(key).map(str::to_owned));
    CodeAndMessage {
        code,
        message,
        json_body: parsed.is_some(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sanitize_examples() {
        assert_eq!(sanitize_error_code("FooError"), "FooError");
        assert_eq!(sanitize_error_code("FooError:http://x/y"), "FooError");
        assert_eq!(sanitize_error_code("a.b#FooError"), "FooError");
        assert_eq!(sanitize_error_code("a:b#c"), "a");
        assert_eq!(sanitize_error_code(""), "");
    }

    #[test]
    fn odd_bodies_give_nothing_and_never_fail() {
        let h = http::HeaderMap::new();
        for body in [
            &b""[..],
            b"<html>",
            b"[1]",
            b"[\"FooError\", \"msg\"]",
            b"{\"code\": 5, \"message\": {\"a\": 1}}",
            b"{\"code\":\"A\"} junk",
        ] {
            let cm = code_and_message(&h, body);
            assert!(
                cm.code.is_none() && cm.message.is_none(),
                "{:?}",
                String::from_utf8_lossy(body)
            );
        }
        let cm = code_and_message(
            &h,
            br#"{"Code":"x#Y","errorMessage":"m","other":[1,{"a":null}]}"#,
        );
        assert_eq!(
            (cm.code.as_deref(), cm.message.as_deref()),
            (Some("Y"), Some("m"))
        );
    }
}
