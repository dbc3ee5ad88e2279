//! Nginx: the config is parsed into its directive tree (comments, whitespace and quoting
//! gone), then flattened into leaves named by their blocks:
//! `server[443] location[= /v1/messages] limit_req[zone=gatectl_default]`.
//!
//! Blocks are named by what identifies them (a server by its first `listen`, a location
//! or map by its arguments). Directives that repeat per key (`proxy_set_header`,
//! `add_header`, `limit_req` zones, map entries) are one leaf per key; any other repeated
//! directive is one leaf holding its values in order — and `allow`/`deny` share one leaf,
//! because nginx applies them in order.

use super::{DiffError, Files, Layout, Normalized};

/// The one file of an nginx render (named after the policy in a render layout).
pub const FILE: &str = "policy.conf";

pub const LAYOUT: Layout = Layout { files: &[FILE], normalize, identify: |_, _| FILE };

/// Blocks nested deeper than this are refused (nginx's own configs are a few levels deep);
/// it bounds the recursion of everything that walks the tree.
pub const MAX_DEPTH: usize = 64;

/// The line `nginx -T` prints before each file it read: `# configuration file PATH:`.
const DUMP_MARKER: &str = "# configuration file ";

/// When `text` is `nginx -T` output (every file nginx read, each after its marker line), the
/// policy's own file in it: the one named `file_name`, else the one whose gatectl header names
/// `policy`; as its path and text. `Err` when there is none: the files it holds.
pub fn file_in_dump(text: &str, file_name: &str, policy: &str) -> Option<Result<(String, String), String>> {
    let mut files: Vec<(String, String)> = Vec::new();
    for line in text.split_inclusive('\n') {
        let marker = line.trim_end().strip_prefix(DUMP_MARKER).and_then(|rest| rest.strip_suffix(':'));
        match (marker, files.last_mut()) {
            (Some(path), _) => files.push((path.to_string(), String::new())),
            (None, Some((_, contents))) => contents.push_str(line),
            // What nginx prints before the first file ("syntax is ok", when stderr was captured too).
            (None, None) => {}
        }
    }
    if files.is_empty() {
        return None;
    }
    let named = |path: &str| std::path::Path::new(path).file_name().is_some_and(|n| n == file_name);
    let header = format!("from policy `{policy}` (sha256 ");
    let found = files
        .iter()
        .position(|(path, _)| named(path))
        .or_else(|| files.iter().position(|(_, text)| text.lines().take(3).any(|l| l.contains(&header))));
    Some(match found {
        Some(i) => Ok(files.swap_remove(i)),
        None => Err(files.into_iter().map(|(path, _)| path).collect::<Vec<_>>().join(", ")),
    })
}

/// Directives keyed by their first argument.
const KEYED_BY_FIRST: &[&str] = &[
    "proxy_set_header",
    "add_header",
    "set",
    "log_format",
    "proxy_hide_header",
    "include",
    "ssl_conf_command",
    "error_page",
    "auth_request_set",
];
/// Directives keyed by their `zone=` argument.
const KEYED_BY_ZONE: &[&str] = &["limit_req", "limit_req_zone", "limit_conn", "limit_conn_zone"];
/// Headers whose value is a credential.
const CREDENTIAL_HEADERS: &[&str] = &["authorization", "x-api-key", "proxy-authorization"];

#[derive(Debug, Clone, PartialEq)]
pub struct Directive {
    pub name: String,
    pub args: Vec<String>,
    pub block: Option<Vec<Directive>>,
}

fn normalize(files: &Files) -> Result<Normalized, DiffError> {
    let mut out = Normalized::default();
    if let Some(text) = files.get(FILE) {
        let tree = parse(FILE, text)?;
        flatten(&tree, "", &mut out);
    }
    Ok(out)
}

/// Parses nginx syntax: words, quoted strings, `;`, `{ }` and `#` comments.
pub fn parse(path: &str, text: &str) -> Result<Vec<Directive>, DiffError> {
    let tokens = tokenize(path, text)?;
    let mut stack: Vec<(Directive, Vec<Directive>)> = Vec::new();
    let mut current: Vec<Directive> = Vec::new();
    let mut words: Vec<String> = Vec::new();
    for (token, offset) in tokens {
        match token {
            Token::Word(w) => words.push(w),
            Token::Semicolon | Token::Open if words.is_empty() => {
                return Err(DiffError::at_offset(path, text, offset, "nginx", "a directive without a name".into()))
            }
            Token::Semicolon => {
                let name = words.remove(0);
                current.push(Directive { name, args: std::mem::take(&mut words), block: None });
            }
            Token::Open if stack.len() >= MAX_DEPTH => {
                return Err(DiffError::at_offset(
                    path,
                    text,
                    offset,
                    "nginx",
                    format!("blocks nested deeper than {MAX_DEPTH} levels"),
                ))
            }
            Token::Open => {
                let name = words.remove(0);
                let directive = Directive { name, args: std::mem::take(&mut words), block: None };
                stack.push((directive, std::mem::take(&mut current)));
            }
            Token::Close => {
                if !words.is_empty() {
                    return Err(DiffError::at_offset(path, text, offset, "nginx", "missing `;` before `}`".into()));
                }
                let Some((mut directive, parent)) = stack.pop() else {
                    return Err(DiffError::at_offset(path, text, offset, "nginx", "unexpected `}`".into()));
                };
                directive.block = Some(std::mem::replace(&mut current, parent));
                current.push(directive);
            }
        }
    }
    if !words.is_empty() {
        return Err(DiffError::at_offset(path, text, text.len(), "nginx", "missing `;` at the end".into()));
    }
    if !stack.is_empty() {
        return Err(DiffError::at_offset(path, text, text.len(), "nginx", "missing `}` at the end".into()));
    }
    Ok(current)
}

enum Token {
    Word(String),
    Semicolon,
    Open,
    Close,
}

fn tokenize(path: &str, text: &str) -> Result<Vec<(Token, usize)>, DiffError> {
    let bytes = text.as_bytes();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        match c {
            b' ' | b'\t' | b'\r' | b'\n' => i += 1,
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b';' => {
                tokens.push((Token::Semicolon, i));
                i += 1;
            }
            b'{' => {
                tokens.push((Token::Open, i));
                i += 1;
            }
            b'}' => {
                tokens.push((Token::Close, i));
                i += 1;
            }
            b'"' | b'\'' => {
                let start = i;
                let mut word = Vec::new();
                i += 1;
                loop {
                    match bytes.get(i) {
                        None => {
                            return Err(DiffError::at_offset(
                                path,
                                text,
                                start,
                                "nginx",
                                "unterminated quoted string".into(),
                            ))
                        }
                        Some(&q) if q == c => break,
                        // Inside quotes, `\` escapes the quote and itself; other escapes stay as written.
                        Some(b'\\') if matches!(bytes.get(i + 1), Some(&n) if n == c || n == b'\\') => {
                            word.push(bytes[i + 1]);
                            i += 2;
                        }
                        Some(&b) => {
                            word.push(b);
                            i += 1;
                        }
                    }
                }
                i += 1;
                tokens.push((Token::Word(String::from_utf8_lossy(&word).into_owned()), start));
            }
            _ => {
                let start = i;
                while i < bytes.len() && !matches!(bytes[i], b' ' | b'\t' | b'\r' | b'\n' | b';' | b'{' | b'}') {
                    // `${name}` is a variable inside a word, not a block.
                    if bytes[i] == b'$' && bytes.get(i + 1) == Some(&b'{') {
                        while i < bytes.len() && bytes[i] != b'}' {
                            i += 1;
                        }
                    }
                    i += 1;
                }
                tokens.push((Token::Word(text[start..i.min(text.len())].to_string()), start));
            }
        }
    }
    Ok(tokens)
}

/// A word as nginx would need it written: bare when it can be, quoted otherwise.
fn shown(word: &str) -> String {
    let bare = !word.is_empty()
        && !word.chars().any(|c| c.is_whitespace() || matches!(c, ';' | '{' | '}' | '"' | '\'' | '#' | '\\'));
    if bare {
        word.to_string()
    } else {
        serde_json::Value::String(word.to_string()).to_string()
    }
}

fn words(args: &[String]) -> String {
    args.iter().map(|a| shown(a)).collect::<Vec<_>>().join(" ")
}

/// A block's name in a path: what identifies it among its siblings.
fn block_name(d: &Directive) -> String {
    if d.name == "server" {
        let listen = d.block.iter().flatten().find(|c| c.name == "listen").and_then(|l| l.args.first());
        if let Some(listen) = listen {
            return format!("server[{listen}]");
        }
    }
    if d.args.is_empty() {
        d.name.clone()
    } else {
        format!("{}[{}]", d.name, words(&d.args))
    }
}

fn flatten(directives: &[Directive], prefix: &str, out: &mut Normalized) {
    let at = |name: &str| if prefix.is_empty() { name.to_string() } else { format!("{prefix} {name}") };
    // Repeated directives without a key: one leaf of values in order.
    let mut grouped: Vec<(String, Vec<String>)> = Vec::new();
    let mut group_of: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for d in directives {
        if let Some(block) = &d.block {
            let path = at(&block_name(d));
            if matches!(d.name.as_str(), "map" | "geo" | "split_clients") {
                entries(d, block, &path, out);
            } else {
                if block.is_empty() {
                    out.insert(path.clone(), "{}".into(), false);
                }
                flatten(block, &path, out);
            }
            continue;
        }
        let name = d.name.as_str();
        if KEYED_BY_FIRST.contains(&name) && !d.args.is_empty() {
            let key = if name.ends_with("_header") { d.args[0].to_ascii_lowercase() } else { d.args[0].clone() };
            let secret = name == "proxy_set_header" && CREDENTIAL_HEADERS.contains(&key.as_str());
            out.insert(at(&format!("{name}[{}]", shown(&key))), words(&d.args[1..]), secret);
        } else if let Some(zone) =
            KEYED_BY_ZONE.contains(&name).then(|| d.args.iter().find(|a| a.starts_with("zone="))).flatten()
        {
            let rest: Vec<String> = d.args.iter().filter(|a| *a != zone).cloned().collect();
            out.insert(at(&format!("{name}[{zone}]")), words(&rest), false);
        } else {
            let group = if matches!(name, "allow" | "deny") { "allow|deny" } else { name };
            let value = if group == "allow|deny" { format!("{name} {}", words(&d.args)) } else { words(&d.args) };
            match group_of.get(group) {
                Some(&i) => grouped[i].1.push(value),
                None => {
                    group_of.insert(group.to_string(), grouped.len());
                    grouped.push((group.to_string(), vec![value]));
                }
            }
        }
    }
    for (name, values) in grouped {
        out.insert(at(&name), values.join("; "), false);
    }
}

/// Request headers that carry no credential; a map keyed on any other request header, cookie
/// or query argument is a key map (that is how nginx authenticates keys, whatever the header).
const PLAIN_HEADERS: &[&str] = &[
    "$http_anthropic_version",
    "$http_anthropic_beta",
    "$http_anthropic_client_version",
    "$http_content_type",
    "$http_accept",
    "$http_user_agent",
    "$http_host",
    "$http_origin",
    "$http_upgrade",
];

/// Whether a `map`'s source variable may carry a credential (a request header, cookie or
/// query argument that is not a [`PLAIN_HEADERS`] one).
fn keyed_on_credential(source: &str) -> bool {
    let s = source.to_ascii_lowercase();
    ["$http_", "$cookie_", "$arg_"].iter().any(|p| s.starts_with(p)) && !PLAIN_HEADERS.contains(&s.as_str())
}

/// `map`/`geo` entries: one leaf per source value. A map keyed on what may carry a credential
/// is keyed by its result instead, its sources secret by position: no key ends up in a path.
fn entries(d: &Directive, block: &[Directive], path: &str, out: &mut Normalized) {
    let by_credential = d.name == "map" && d.args.first().is_some_and(|source| keyed_on_credential(source));
    for entry in block {
        let mut all = vec![entry.name.clone()];
        all.extend(entry.args.iter().cloned());
        let is_setting =
            matches!(entry.name.as_str(), "default" | "include" | "hostnames" | "volatile" | "ranges" | "proxy");
        if by_credential && !is_setting {
            let value = all.get(1).cloned().unwrap_or_default();
            out.insert(format!("{path} [{}]", shown(&value)), shown(&all[0]), true);
        } else {
            let value = words(&all[1..]);
            out.insert(format!("{path} [{}]", shown(&all[0])), value, false);
        }
    }
    if block.is_empty() {
        out.insert(path.to_string(), "{}".into(), false);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leaves(text: &str) -> Vec<(String, String)> {
        let files = Files::from([(FILE.to_string(), text.to_string())]);
        normalize(&files).unwrap().leaves.into_iter().map(|(p, l)| (p, l.value)).collect()
    }

    #[test]
    fn formatting_comments_and_quoting_do_not_matter() {
        let a = "server {\n    listen 443 ssl;\n    location = /v1/messages { limit_req zone=a burst=5; proxy_set_header Host \"api.anthropic.com\"; }\n}\n";
        let b = "# gateway\nserver{listen 443 ssl;location = /v1/messages{\nproxy_set_header host 'api.anthropic.com'; # upstream\nlimit_req   zone=a burst=5;}}";
        assert_eq!(leaves(a), leaves(b));
        assert!(
            leaves(a).contains(&("server[443] location[= /v1/messages] limit_req[zone=a]".into(), "burst=5".into()))
        );
    }

    #[test]
    fn allow_and_deny_keep_their_order() {
        let a = leaves("server { listen 80; allow 10.0.0.0/8; deny all; }");
        let b = leaves("server { listen 80; deny all; allow 10.0.0.0/8; }");
        assert_ne!(a, b);
        assert!(a.contains(&("server[80] allow|deny".into(), "allow 10.0.0.0/8; deny all".into())));
    }

    #[test]
    fn maps_on_a_credential_never_put_a_key_in_a_path() {
        let files = Files::from([(
            FILE.to_string(),
            "map $http_x_api_key $c { default \"\"; sk-secret-value alice; }".to_string(),
        )]);
        let n = normalize(&files).unwrap();
        assert!(n.leaves.keys().all(|p| !p.contains("sk-secret")), "{:?}", n.leaves.keys());
        assert!(n.leaves.get("map[$http_x_api_key $c] [alice]").is_some_and(|l| l.secret));
    }

    #[test]
    fn maps_on_any_request_header_are_key_maps_whatever_the_keys_look_like() {
        let files = Files::from([(
            FILE.to_string(),
            "map $http_x_gateway_key $c { default \"\"; plainword1234 alice; }\nmap $http_anthropic_version $v { \"\" 2023-06-01; }".to_string(),
        )]);
        let n = normalize(&files).unwrap();
        assert!(n.leaves.keys().all(|p| !p.contains("plainword")), "{:?}", n.leaves.keys());
        assert!(n.leaves.get("map[$http_x_gateway_key $c] [alice]").is_some_and(|l| l.secret));
        assert!(n.leaves.get("map[$http_anthropic_version $v] [\"\"]").is_some_and(|l| !l.secret));
    }

    #[test]
    fn nesting_is_bounded_with_a_located_error() {
        let text = "a {".repeat(100_000) + &"}".repeat(100_000);
        let err = parse("f", &text).unwrap_err();
        assert!(err.to_string().contains("nested deeper than 64"), "{err}");
    }

    #[test]
    fn broken_configs_are_located_errors() {
        for (text, line) in [("server {\n listen 80\n}", 3), ("server {\n", 2), ("}\n", 1), ("a \"b;\n", 1)] {
            let err = parse("f", text).unwrap_err();
            assert!(matches!(err, DiffError::Unparsable { line: l, .. } if l == line), "{text:?}: {err:?}");
        }
    }

    #[test]
    fn the_policys_file_is_found_in_nginx_t_output() {
        let dump = "nginx: the configuration file /etc/nginx/nginx.conf syntax is ok\n\
            # configuration file /etc/nginx/nginx.conf:\nhttp { include sites/*.conf; }\n\n\
            # configuration file /etc/nginx/sites/renamed.conf:\n# Generated by gatectl 0.1.0 from policy `p` (sha256 00).\nserver { listen 443; }\n";
        let by_header = file_in_dump(dump, "p.conf", "p").unwrap().unwrap();
        assert_eq!(by_header.0, "/etc/nginx/sites/renamed.conf");
        assert!(by_header.1.starts_with("# Generated by gatectl") && by_header.1.ends_with("server { listen 443; }\n"));
        let by_name = file_in_dump(dump, "nginx.conf", "q").unwrap().unwrap();
        assert_eq!(by_name, ("/etc/nginx/nginx.conf".to_string(), "http { include sites/*.conf; }\n\n".to_string()));
        let none = file_in_dump(dump, "q.conf", "q").unwrap().unwrap_err();
        assert_eq!(none, "/etc/nginx/nginx.conf, /etc/nginx/sites/renamed.conf");
        assert!(file_in_dump("server { listen 80; }\n", "p.conf", "p").is_none());
    }
}
