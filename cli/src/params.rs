//! Parameter loading: `file://PATH` values and the tokens from the
//! environment, before anything else happens.

use std::ffi::OsString;
use std::io::Read;
use std::path::PathBuf;

use crate::args::{
    CreateParticipantConnectionArgs, CreateParticipantConnectionFlags, SendEventArgs,
    SendEventFlags,
};
use crate::terminal::escape;

/// The environment variable read for the connection token when
/// `--connection-token` is absent.
pub const TOKEN_ENV: &str = "CONNECT_PARTICIPANT_CONNECTION_TOKEN";

/// The environment variable read for the participant token when
/// `--participant-token` is absent.
pub const PARTICIPANT_TOKEN_ENV: &str = "CONNECT_PARTICIPANT_PARTICIPANT_TOKEN";

/// The prefix that makes a parameter's value the contents of a file.
pub const FILE_PREFIX: &str = "file://";

/// The largest parameter file read (a content is at most 16384 characters,
/// a token 1000): a bigger file, or an endless one such as `/dev/zero`, is an
/// error rather than memory used up.
pub const MAX_PARAM_FILE_BYTES: u64 = 1024 * 1024;

/// What `--cli-connect-timeout 0` and `--cli-read-timeout 0` become: no
/// timeout in practice (100 years). Not `Duration::MAX`: ureq adds the
/// timeout to `Instant::now()`, which panics on overflow; tokio clamps a far
/// deadline itself.
pub const NO_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(100 * 365 * 24 * 3600);

/// What is done with a file's contents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Contents {
    /// Used exactly as read (as the AWS CLI does).
    AsIs,
    /// One trailing `\n` or `\r\n` removed.
    LineEndingRemoved,
}

/// Reads the files and the environment `flags` point to. `env` looks up an
/// environment variable (`std::env::var_os` in the command). The error is
/// the message for stderr; the command then ends with exit code 252.
pub fn resolve(
    flags: SendEventFlags,
    env: impl Fn(&str) -> Option<OsString>,
) -> Result<SendEventArgs, String> {
    let home = env("HOME");
    let load = |flag: &str, value: String, contents: Contents| {
        load(flag, value, contents, home.as_deref())
    };
    let connection_token = match flags.connection_token {
        Some(value) => load("--connection-token", value, Contents::LineEndingRemoved)?,
        None => token_from_env(&env, TOKEN_ENV, "--connection-token", "send-event")?,
    };
    Ok(SendEventArgs {
        content_type: load(
            "--content-type",
            flags.content_type,
            Contents::LineEndingRemoved,
        )?,
        connection_token,
        content: flags
            .content
            .map(|v| load("--content", v, Contents::AsIs))
            .transpose()?,
        client_token: flags
            .client_token
            .map(|v| load("--client-token", v, Contents::LineEndingRemoved))
            .transpose()?,
        common: flags.common,
    })
}

/// As [`resolve`], for `create-participant-connection`: the participant
/// token from `--participant-token` (or `file://`) or
/// [`PARTICIPANT_TOKEN_ENV`]; each `--type` value from a file if it names
/// one, and a value that is a JSON list (`["WEBSOCKET"]`, as the AWS CLI
/// also takes) read as its strings.
pub fn resolve_connection(
    flags: CreateParticipantConnectionFlags,
    env: impl Fn(&str) -> Option<OsString>,
) -> Result<CreateParticipantConnectionArgs, String> {
    let home = env("HOME");
    let load =
        |flag: &str, value: String| load(flag, value, Contents::LineEndingRemoved, home.as_deref());
    let participant_token = match flags.participant_token {
        Some(value) => load("--participant-token", value)?,
        None => token_from_env(
            &env,
            PARTICIPANT_TOKEN_ENV,
            "--participant-token",
            "create-participant-connection",
        )?,
    };
    let types = match flags.types {
        None => None,
        Some(values) => {
            let mut types = Vec::new();
            for value in values {
                types.extend(type_list(load("--type", value)?)?);
            }
            Some(types)
        }
    };
    let connect_participant = match (flags.connect_participant, flags.no_connect_participant) {
        (true, _) => Some(true),
        (false, true) => Some(false),
        (false, false) => None,
    };
    Ok(CreateParticipantConnectionArgs {
        participant_token,
        types,
        connect_participant,
        common: flags.common,
    })
}

/// One `--type` value: a JSON list of strings when it starts with `[`
/// (after leading whitespace), else the value itself.
fn type_list(value: String) -> Result<Vec<String>, String> {
    if !value.trim_start().starts_with('[') {
        return Ok(vec![value]);
    }
    serde_json::from_str::<Vec<String>>(&value).map_err(|e| {
        format!(
            "Error parsing parameter '--type': Invalid JSON: {e}\nJSON received: {}",
            escape(&value)
        )
    })
}

/// The token from the environment variable `var`, used as is; unset or
/// empty is missing, and the error names `flag` and the variable.
fn token_from_env(
    env: &impl Fn(&str) -> Option<OsString>,
    var: &str,
    flag: &str,
    command: &str,
) -> Result<String, String> {
    match env(var) {
        Some(value) if !value.is_empty() => value
            .into_string()
            .map_err(|_| format!("error: the {var} environment variable is not valid UTF-8")),
        _ => Err(format!(
            "error: the following required argument was not provided: \
             {flag} <TOKEN> (or set the {var} environment variable)\n\n\
             For more information, try 'connect-participant {command} --help'."
        )),
    }
}

/// `value` itself, or the contents of the file it names with `file://`.
/// The error names the parameter and the path, never the contents.
fn load(
    flag: &str,
    value: String,
    contents: Contents,
    home: Option<&std::ffi::OsStr>,
) -> Result<String, String> {
    let Some(path) = value.strip_prefix(FILE_PREFIX) else {
        return Ok(value);
    };
    let fail = |why: &str| {
        format!(
            "Error parsing parameter '{flag}': Unable to load paramfile {}: {why}",
            escape(&value)
        )
    };
    let text = read_file(&expand_home(path, home)).map_err(|why| fail(&why))?;
    Ok(match contents {
        Contents::AsIs => text,
        Contents::LineEndingRemoved => strip_line_ending(text),
    })
}

/// A leading `~/` (or a lone `~`) is the home directory, as in the AWS CLI.
fn expand_home(path: &str, home: Option<&std::ffi::OsStr>) -> PathBuf {
    match (path.strip_prefix('~'), home) {
        (Some(rest), Some(home)) if rest.is_empty() || rest.starts_with('/') => {
            let mut full = PathBuf::from(home);
            full.push(rest.trim_start_matches('/'));
            full
        }
        _ => PathBuf::from(path),
    }
}

fn read_file(path: &std::path::Path) -> Result<String, String> {
    let file = std::fs::File::open(path).map_err(|e| e.to_string())?;
    let mut bytes = Vec::new();
    file.take(MAX_PARAM_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| e.to_string())?;
    if bytes.len() as u64 > MAX_PARAM_FILE_BYTES {
        return Err(format!("larger than {MAX_PARAM_FILE_BYTES} bytes"));
    }
    String::from_utf8(bytes).map_err(|_| "not UTF-8 text".to_owned())
}

/// Removes one trailing `\r\n` or `\n`, nothing else.
fn strip_line_ending(mut text: String) -> String {
    if text.ends_with("\r\n") {
        text.truncate(text.len() - 2);
    } else if text.ends_with('\n') {
        text.truncate(text.len() - 1);
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_ending_is_removed_and_nothing_else() {
        assert_eq!(strip_line_ending("tok\n".into()), "tok");
        assert_eq!(strip_line_ending("tok\r\n".into()), "tok");
        assert_eq!(strip_line_ending("tok\n\n".into()), "tok\n");
        assert_eq!(strip_line_ending(" tok \t".into()), " tok \t");
        assert_eq!(strip_line_ending("tok\r".into()), "tok\r");
        assert_eq!(strip_line_ending(String::new()), "");
    }

    #[test]
    fn a_type_value_is_itself_or_a_json_list() {
        assert_eq!(
            type_list("WEBSOCKET".into()),
            Ok(vec!["WEBSOCKET".to_owned()])
        );
        assert_eq!(
            type_list(r#" ["WEBSOCKET", "CONNECTION_CREDENTIALS"]"#.into()),
            Ok(vec![
                "WEBSOCKET".to_owned(),
                "CONNECTION_CREDENTIALS".to_owned()
            ])
        );
        let err = type_list("[WEBSOCKET]".into()).unwrap_err();
        assert!(err.starts_with("Error parsing parameter '--type'"), "{err}");
        assert!(type_list("[1]".into()).is_err());
    }

    #[test]
    fn home_is_expanded_only_at_the_start() {
        let home = Some(std::ffi::OsStr::new("/home/u"));
        assert_eq!(expand_home("~/t", home), PathBuf::from("/home/u/t"));
        assert_eq!(expand_home("~", home), PathBuf::from("/home/u"));
        assert_eq!(expand_home("~bob/t", home), PathBuf::from("~bob/t"));
        assert_eq!(expand_home("/a/~/t", home), PathBuf::from("/a/~/t"));
        assert_eq!(expand_home("~/t", None), PathBuf::from("~/t"));
    }

    #[test]
    fn literal_values_are_kept_whatever_they_hold() {
        for value in ["-abc", "tok\n", "File://x", " file://x", ""] {
            assert_eq!(
                load("--x", value.into(), Contents::LineEndingRemoved, None),
                Ok(value.to_owned())
            );
        }
    }

    #[test]
    fn too_big_and_non_utf8_files_are_refused_without_their_contents() {
        let dir = std::env::temp_dir().join(format!("cp-params-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let big = dir.join("big");
        std::fs::write(&big, vec![b'a'; MAX_PARAM_FILE_BYTES as usize + 1]).expect("write");
        let bad = dir.join("bad");
        std::fs::write(&bad, b"secret\xff").expect("write");
        let exact = dir.join("exact");
        std::fs::write(&exact, vec![b'a'; MAX_PARAM_FILE_BYTES as usize]).expect("write");
        let err = load(
            "--content",
            format!("file://{}", big.display()),
            Contents::AsIs,
            None,
        )
        .unwrap_err();
        assert!(
            err.contains("--content") && err.contains("larger than"),
            "{err}"
        );
        let err = load(
            "--client-token",
            format!("file://{}", bad.display()),
            Contents::AsIs,
            None,
        )
        .unwrap_err();
        assert!(
            err.contains("--client-token") && err.contains("not UTF-8") && !err.contains("secret"),
            "{err}"
        );
        let ok = load(
            "--content",
            format!("file://{}", exact.display()),
            Contents::AsIs,
            None,
        )
        .expect("1 MiB exactly is allowed");
        assert_eq!(ok.len() as u64, MAX_PARAM_FILE_BYTES);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
