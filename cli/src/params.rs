//! Parameter loading: `file://PATH` values and the connection token from the
//! environment, before anything else happens.

use std::ffi::OsString;
use std::io::Read;
use std::path::PathBuf;

use crate::args::{SendEventArgs, SendEventFlags};
use crate::terminal::escape;

/// The environment variable read for the connection token when
/// `--connection-token` is absent.
pub const TOKEN_ENV: &str = "CONNECT_PARTICIPANT_CONNECTION_TOKEN";

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
        None => token_from_env(&env)?,
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
        region: flags.region,
        endpoint_url: flags.endpoint_url,
        use_fips_endpoint: flags.use_fips_endpoint,
        use_dualstack_endpoint: flags.use_dualstack_endpoint,
        max_attempts: flags.max_attempts,
        transport: flags.transport,
        output: flags.output,
        connect_timeout: flags.connect_timeout,
        read_timeout: flags.read_timeout,
        allow_insecure_http: flags.allow_insecure_http,
        dry_run: flags.dry_run,
    })
}

/// The token from [`TOKEN_ENV`], used as is; unset or empty is missing.
fn token_from_env(env: &impl Fn(&str) -> Option<OsString>) -> Result<String, String> {
    match env(TOKEN_ENV) {
        Some(value) if !value.is_empty() => value
            .into_string()
            .map_err(|_| format!("error: the {TOKEN_ENV} environment variable is not valid UTF-8")),
        _ => Err(format!(
            "error: the following required argument was not provided: \
             --connection-token <TOKEN> (or set the {TOKEN_ENV} environment variable)\n\n\
             For more information, try 'connect-participant send-event --help'."
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
