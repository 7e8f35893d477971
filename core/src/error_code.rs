//! Finding an error's code and message in a restJson1 error response.

use serde_core::Deserialize;

/// Sanitizes a restJson1 error code: everything from the first `:` is cut,
/// then what follows the last `#` is kept.
///
/// ```
/// use connect_participant_core::sanitize_error_code;
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

/// A top-level string member; any other JSON value counts as absent.
#[derive(Default)]
struct Text<'a>(Option<std::borrow::Cow<'a, str>>);

impl<'de: 'a, 'a> Deserialize<'de> for Text<'a> {
    fn deserialize<D: serde_core::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde_core::de::Visitor<'de> for V {
            type Value = Text<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Text(Some(v.into())))
            }
            fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Text(Some(v.to_owned().into())))
            }
            fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
                Ok(Text(Some(v.into())))
            }
            fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
                Ok(Text(None))
            }
            fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
                Ok(Text(None))
            }
            fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
                Ok(Text(None))
            }
            fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
                Ok(Text(None))
            }
            fn visit_unit<E>(self) -> Result<Self::Value, E> {
                Ok(Text(None))
            }
            fn visit_none<E>(self) -> Result<Self::Value, E> {
                Ok(Text(None))
            }
            fn visit_some<D: serde_core::Deserializer<'de>>(
                self,
                d: D,
            ) -> Result<Self::Value, D::Error> {
                d.deserialize_any(V)
            }
            fn visit_seq<A: serde_core::de::SeqAccess<'de>>(
                self,
                mut a: A,
            ) -> Result<Self::Value, A::Error> {
                while a.next_element::<serde_core::de::IgnoredAny>()?.is_some() {}
                Ok(Text(None))
            }
            fn visit_map<A: serde_core::de::MapAccess<'de>>(
                self,
                mut a: A,
            ) -> Result<Self::Value, A::Error> {
                while a
                    .next_entry::<serde_core::de::IgnoredAny, serde_core::de::IgnoredAny>()?
                    .is_some()
                {}
                Ok(Text(None))
            }
        }
        d.deserialize_any(V)
    }
}

const ERROR_TYPE: http::HeaderName = http::HeaderName::from_static("x-amzn-errortype");

/// The members of an error body that name its code and message. A member
/// given twice keeps its last value (as a JSON object map would), so a
/// repeated key never hides the code or the message.
#[derive(Default)]
struct ErrorBody<'a> {
    code: Text<'a>,
    code_upper: Text<'a>,
    dunder_type: Text<'a>,
    message: Text<'a>,
    message_upper: Text<'a>,
    error_message: Text<'a>,
}

impl<'de: 'a, 'a> Deserialize<'de> for ErrorBody<'a> {
    fn deserialize<D: serde_core::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde_core::de::Visitor<'de> for V {
            type Value = ErrorBody<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: serde_core::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Self::Value, A::Error> {
                let mut body = ErrorBody::default();
                // Keys are borrowed from the body (no allocation) unless escaped.
                while let Some(key) = map.next_key::<Text<'de>>()? {
                    let slot = match key.0.as_deref().unwrap_or_default() {
                        "code" => &mut body.code,
                        "Code" => &mut body.code_upper,
                        "__type" => &mut body.dunder_type,
                        "message" => &mut body.message,
                        "Message" => &mut body.message_upper,
                        "errorMessage" => &mut body.error_message,
                        _ => {
                            map.next_value::<serde_core::de::IgnoredAny>()?;
                            continue;
                        }
                    };
                    *slot = map.next_value()?;
                }
                Ok(body)
            }
        }
        d.deserialize_map(V)
    }
}

/// The code and message of an error response, both sanitized and owned.
pub(crate) struct CodeAndMessage {
    pub code: Option<String>,
    pub message: Option<String>,
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
    let parsed: ErrorBody<'_> = serde_json::from_slice(body).unwrap_or_default();
    let code = header_code.or_else(|| {
        [&parsed.code, &parsed.code_upper, &parsed.dunder_type]
            .into_iter()
            .find_map(|t| t.0.as_deref().and_then(non_empty_code))
    });
    let message = [
        &parsed.message,
        &parsed.message_upper,
        &parsed.error_message,
    ]
    .into_iter()
    .find_map(|t| t.0.as_deref().map(str::to_owned));
    CodeAndMessage { code, message }
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
