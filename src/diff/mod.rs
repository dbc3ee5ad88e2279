//! Diff: what the policy renders against what is deployed, compared semantically.
//!
//! Each target has a normaliser that parses its files into [`Normalized`]: a sorted
//! map from a path in the target's own terms (`services[claude].plugins[rate-limiting].config.minute`,
//! `server[443] location[= /v1/messages] limit_req[zone=default]`) to a canonical value.
//! Formatting, comments, key order, quoting and set order disappear in that step, so
//! comparing the two maps leaves only what a rollout would change. Both sides go through
//! the same normaliser: a render diffed against itself is always clean.

pub mod kong;
pub mod litellm;
pub mod nginx;
pub mod tree;
pub mod truefoundry;
pub mod zuplo;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use crate::credentials;
use crate::render::{Rendered, Target};

/// One value of a normalised config.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Leaf {
    /// The canonical value: JSON for structured targets, the directive's arguments for nginx.
    pub value: String,
    /// The field holds a credential (by position), so its value is never shown.
    pub secret: bool,
    /// For a value that holds references the target resolves (decK's `${{ env }}`, Kong's
    /// `{vault://env/…}`): the value resolved from this process's environment as the target
    /// would, or what could not be resolved. A deployed value is compared through it.
    pub resolved: Option<Result<String, String>>,
    /// The target stores the resolved value, not the reference (decK substitutes before Kong
    /// stores it): a deployed literal here is expected, not an inline secret.
    pub stored_resolved: bool,
}

/// A config reduced to what it means.
#[derive(Clone, Debug, Default)]
pub struct Normalized {
    pub leaves: BTreeMap<String, Leaf>,
    /// Parts the normaliser could not line up by identity, compared by position instead.
    pub unmapped: BTreeSet<String>,
    /// How many leaves share each repeated path, so the next one is numbered in one step.
    repeats: HashMap<String, usize>,
    /// The secret values of this form were registered with the sink where they came from.
    registered_elsewhere: bool,
}

impl Normalized {
    /// A copy of a form already made, with its references resolved: its secret values are the
    /// original's (registered when that form was made) or the variables' values (registered as
    /// they were read), and the rest, such as the note that a variable is not set, are no secrets
    /// to search every output for.
    pub fn of_registered_values() -> Normalized {
        Normalized { registered_elsewhere: true, ..Normalized::default() }
    }

    /// Adds a leaf; a path already taken gets ` #2`, ` #3`… so nothing is silently dropped.
    /// A secret leaf's value (unless it is a reference) is registered with the masking sink:
    /// it is never printed, whatever the report does with it.
    pub fn insert(&mut self, path: String, value: String, secret: bool) {
        if secret && !self.registered_elsewhere && !is_reference(&value) {
            crate::sink::secret(&value);
            crate::sink::secret(value.trim_matches('"'));
        }
        let leaf = Leaf { value, secret, resolved: None, stored_resolved: false };
        let (path, leaf) = match self.leaves.entry(path) {
            std::collections::btree_map::Entry::Vacant(slot) => {
                slot.insert(leaf);
                return;
            }
            std::collections::btree_map::Entry::Occupied(taken) => (taken.key().clone(), leaf),
        };
        let n = self.repeats.entry(path.clone()).or_insert(1);
        let key = loop {
            *n += 1;
            let key = format!("{path} #{n}");
            if !self.leaves.contains_key(&key) {
                break key;
            }
        };
        self.leaves.insert(key, leaf);
    }
}

/// The files of one target, by their path relative to the target's folder.
pub type Files = BTreeMap<String, String>;

/// Why a diff could not be made (exit 2).
#[derive(Debug, thiserror::Error)]
pub enum DiffError {
    #[error(transparent)]
    Unreadable(crate::load::ReadError),
    #[error("{path}:{line}:{column}: not valid {format}: {reason}")]
    Unparsable { path: String, line: usize, column: usize, format: &'static str, reason: String },
    #[error("{path}: {reason}")]
    Unrecognised { path: String, reason: String },
}

impl DiffError {
    /// The same error, naming the deployed file as the user knows it rather than by its layout name.
    fn relocated(self, sources: &BTreeMap<String, String>) -> DiffError {
        let rename = |path: String| sources.get(&path).cloned().unwrap_or(path);
        match self {
            DiffError::Unparsable { path, line, column, format, reason } => {
                DiffError::Unparsable { path: rename(path), line, column, format, reason }
            }
            DiffError::Unrecognised { path, reason } => DiffError::Unrecognised { path: rename(path), reason },
            other => other,
        }
    }

    pub fn help(&self) -> &'static str {
        match self {
            DiffError::Unreadable(_) => "pass the deployed file, the deployed target folder, or `-` for stdin",
            DiffError::Unparsable { .. } => "fix the deployed file, or fetch it again from the gateway",
            DiffError::Unrecognised { .. } => "check --target and --deployed point at the same gateway's config",
        }
    }

    /// A parse error at a byte offset of `text`, located by line and column.
    pub fn at_offset(path: &str, text: &str, offset: usize, format: &'static str, reason: String) -> DiffError {
        // Parsers report offsets of their own; never slice inside a character.
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let before = &text[..offset];
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        DiffError::Unparsable { path: path.to_string(), line, column, format, reason: credentials::redact(&reason) }
    }
}

/// What differs at one path.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ChangeKind {
    /// The render has it, the deployed config does not: the rollout adds it.
    Added,
    /// The deployed config has it, the render does not: the rollout removes it.
    Removed,
    Changed,
}

/// One named change. Values are already masked for display.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Change {
    pub path: String,
    pub kind: ChangeKind,
    /// What is deployed now (`None` when added; for a whole entity, a field count).
    pub deployed: Option<String>,
    /// What the policy renders (`None` when removed).
    pub rendered: Option<String>,
    pub secret: bool,
}

/// A deployed config that holds a credential value where a reference belongs.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct InlineSecret {
    pub path: String,
    /// The value, masked: at most a vendor prefix is shown.
    pub masked: String,
}

/// The comparison of one target.
#[derive(Clone, Debug, serde::Serialize)]
pub struct TargetDiff {
    pub target: Target,
    pub deployed: String,
    pub changes: Vec<Change>,
    pub inline_secrets: Vec<InlineSecret>,
    /// Parts of the deployed config compared by position because they have no identity.
    pub unmapped: Vec<String>,
    /// Positions where the render holds a reference this process cannot resolve and the
    /// deployed config a value: neither drift nor proof of its absence.
    pub not_compared: Vec<NotCompared>,
    /// Notes about the deployed config (who wrote it, files not deployed).
    pub notes: Vec<String>,
    /// The unified diff of the normalised forms, deployed → rendered, masked.
    pub unified: String,
}

impl TargetDiff {
    pub fn drift(&self) -> bool {
        !self.changes.is_empty() || !self.inline_secrets.is_empty()
    }
}

/// A position compared through a reference that could not be resolved.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct NotCompared {
    pub path: String,
    pub reason: String,
}

/// How each target reads its files.
pub struct Layout {
    /// Files of a deployed folder, the first one required; a missing other file counts as empty.
    pub files: &'static [&'static str],
    pub normalize: fn(&Files) -> Result<Normalized, DiffError>,
    /// Which of `files` a lone deployed file (or stdin) is, from its name and text.
    pub identify: fn(name: &str, text: &str) -> &'static str,
}

pub fn layout(target: Target) -> Layout {
    match target {
        Target::Kong => kong::LAYOUT,
        Target::Zuplo => zuplo::LAYOUT,
        Target::Truefoundry => truefoundry::LAYOUT,
        Target::Litellm => litellm::LAYOUT,
        Target::Nginx => nginx::LAYOUT,
    }
}

/// Where the deployed config comes from.
pub enum Deployed {
    Stdin(String),
    Path(PathBuf),
}

/// Both sides of one target's comparison, read.
pub struct Sides {
    pub rendered: Files,
    pub deployed: Files,
    /// Each deployed layout file's real path (or `stdin`), for messages.
    pub sources: BTreeMap<String, String>,
    pub notes: Vec<String>,
}

/// Reads the deployed side: a target folder, one file of it, or stdin. The rendered
/// files are narrowed to what was deployed, so one file compares against its counterpart.
pub fn read_deployed(target: Target, deployed: &Deployed, rendered: &Rendered) -> Result<Sides, DiffError> {
    let layout = layout(target);
    let rendered_files = layout_files(rendered);
    let mut notes = Vec::new();
    let mut sources = BTreeMap::new();
    let (deployed_files, names) = match deployed {
        Deployed::Stdin(text) => {
            let (text, source) = from_nginx_dump(target, text.clone(), "stdin", rendered, &mut notes)?;
            let name = (layout.identify)("-", &text);
            sources.insert(name.to_string(), source);
            (Files::from([(name.to_string(), text)]), vec![name])
        }
        Deployed::Path(path) if path.is_dir() => {
            let mut files = Files::new();
            for (i, name) in layout.files.iter().enumerate() {
                let file = locate(target, path, name, rendered);
                sources.insert(name.to_string(), file.display().to_string());
                match crate::load::read_deployed(&file) {
                    Ok(text) => {
                        files.insert(name.to_string(), text);
                    }
                    Err(crate::load::ReadError::Io { source, .. })
                        if source.kind() == std::io::ErrorKind::NotFound && i > 0 =>
                    {
                        notes.push(format!("{name} is not deployed: everything in it shows as added"));
                        files.insert(name.to_string(), String::new());
                    }
                    Err(e) => return Err(unreadable(e)),
                }
            }
            (files, layout.files.to_vec())
        }
        Deployed::Path(path) => {
            let text = crate::load::read_deployed(path).map_err(unreadable)?;
            let shown = path.display().to_string();
            let (text, source) = from_nginx_dump(target, text, &shown, rendered, &mut notes)?;
            let file_name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            let name = (layout.identify)(&file_name, &text);
            sources.insert(name.to_string(), source);
            (Files::from([(name.to_string(), text)]), vec![name])
        }
    };
    let rendered = rendered_files.into_iter().filter(|(name, _)| names.contains(&name.as_str())).collect();
    Ok(Sides { rendered, deployed: deployed_files, sources, notes })
}

/// `nginx -T` output read as the policy's own file in it (text and how to name it); any other
/// text as it is.
fn from_nginx_dump(
    target: Target,
    text: String,
    source: &str,
    rendered: &Rendered,
    notes: &mut Vec<String>,
) -> Result<(String, String), DiffError> {
    let file_name = rendered.files.first().map_or("", |f| f.path.as_str());
    let policy = file_name.strip_suffix(".conf").unwrap_or(file_name);
    match (target, nginx::file_in_dump(&text, file_name, policy)) {
        (Target::Nginx, Some(Ok((path, contents)))) => {
            notes.push(format!("read {path} from the nginx -T output in {source}"));
            Ok((contents, path))
        }
        (Target::Nginx, Some(Err(files))) => Err(DiffError::Unrecognised {
            path: source.to_string(),
            reason: format!(
                "this nginx -T output holds no {file_name} and no file gatectl rendered for policy `{policy}` (it holds {files})"
            ),
        }),
        _ => Ok((text, source.to_string())),
    }
}

/// A render's files by their names in the target's layout.
pub fn layout_files(rendered: &Rendered) -> Files {
    rendered.files.iter().map(|f| (layout_name(rendered.target, &f.path), f.contents.clone())).collect()
}

/// Rendered file paths in the layout's terms (nginx's config is named after the policy; its
/// other files, the main-context include and the njs and Lua code, are not compared).
fn layout_name(target: Target, path: &str) -> String {
    match target {
        Target::Nginx if path.ends_with(".conf") && !path.contains('/') => nginx::FILE.to_string(),
        _ => path.to_string(),
    }
}

/// A layout file inside a deployed folder. Nginx's is named after the policy as rendered
/// (`<policy-name>.conf`), or is the folder's only `*.conf`.
fn locate(target: Target, dir: &Path, name: &str, rendered: &Rendered) -> PathBuf {
    if target == Target::Nginx {
        if let Some(named) = rendered.files.first().map(|f| dir.join(&f.path)).filter(|p| p.is_file()) {
            return named;
        }
        let mut confs: Vec<PathBuf> = std::fs::read_dir(dir)
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "conf"))
            .collect();
        confs.sort();
        if confs.len() == 1 {
            return confs.remove(0);
        }
    }
    dir.join(name)
}

fn unreadable(e: crate::load::ReadError) -> DiffError {
    DiffError::Unreadable(e)
}

/// Compares a target's rendered files with the deployed ones.
pub fn compare(target: Target, sides: Sides, deployed_name: &str) -> Result<TargetDiff, DiffError> {
    let normalize = layout(target).normalize;
    // The two sides are independent, and at 10,000 consumers each is tens of milliseconds.
    let (ours, theirs) = std::thread::scope(|scope| {
        let theirs = scope.spawn(|| normalize(&sides.deployed));
        let ours = normalize(&sides.rendered);
        (ours, theirs.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
    });
    let ours = ours?;
    let mut theirs = theirs.map_err(|e| e.relocated(&sides.sources))?;
    let mut notes = sides.notes;
    notes.extend(provenance_notes(&sides.rendered, &sides.deployed));

    let (not_compared, mut inline_secrets) = through_references(&ours, &mut theirs);
    inline_secrets.extend(
        theirs
            .leaves
            .iter()
            // Where the target stores the resolved value, a literal is what a live dump holds.
            .filter(|(path, leaf)| is_inline_secret(leaf) && !ours.leaves.get(*path).is_some_and(|o| o.stored_resolved))
            .map(|(path, leaf)| InlineSecret { path: credentials::redact(path), masked: mask(&leaf.value) }),
    );
    inline_secrets.sort_by(|a, b| a.path.cmp(&b.path));
    let changes = changes(&ours, &theirs);
    let unified = unified(&ours, &theirs, deployed_name);
    Ok(TargetDiff {
        target,
        deployed: deployed_name.to_string(),
        changes,
        inline_secrets,
        unmapped: theirs.unmapped.iter().chain(&ours.unmapped).cloned().collect::<BTreeSet<_>>().into_iter().collect(),
        not_compared,
        notes,
        unified,
    })
}

/// Compares every deployed value that sits where the render holds a reference through that
/// reference, resolved as the target resolves it: the same value counts as the reference (no
/// drift), another is a masked change, and one that cannot be resolved is not compared. A
/// literal where the target could hold the reference itself is an inline secret all the same.
fn through_references(ours: &Normalized, theirs: &mut Normalized) -> (Vec<NotCompared>, Vec<InlineSecret>) {
    let (mut not_compared, mut inline) = (Vec::new(), Vec::new());
    for (path, leaf) in &ours.leaves {
        let (Some(resolved), Some(deployed)) = (&leaf.resolved, theirs.leaves.get_mut(path)) else { continue };
        if deployed.value == leaf.value {
            continue;
        }
        // A value in a credential position: never printed, whatever it looks like.
        let literal = serde_json::from_str::<String>(&deployed.value).unwrap_or_else(|_| deployed.value.clone());
        crate::sink::secret(&literal);
        let inline_literal = !leaf.stored_resolved && !is_reference(&deployed.value);
        let masked = mask(&deployed.value);
        match resolved {
            Ok(value) if *value == deployed.value => deployed.value = leaf.value.clone(),
            Ok(_) => {
                deployed.secret = true;
                continue;
            }
            Err(why) => {
                not_compared.push(NotCompared { path: credentials::redact(path), reason: why.clone() });
                deployed.value = leaf.value.clone();
            }
        }
        if inline_literal {
            inline.push(InlineSecret { path: credentials::redact(path), masked });
        }
    }
    (not_compared, inline)
}

/// Says when the deployed files were not written by gatectl, or from another policy version.
fn provenance_notes(rendered: &Files, deployed: &Files) -> Vec<String> {
    let stamp = |text: &str| {
        text.lines().take(3).find_map(|l| l.split("(sha256 ").nth(1).map(|s| s.trim_end_matches(").").to_string()))
    };
    let mut notes = Vec::new();
    for (name, text) in deployed {
        let Some(ours) = rendered.get(name).and_then(|t| stamp(t)) else { continue };
        match stamp(text) {
            None if !text.is_empty() => notes.push(format!("{name} carries no gatectl header: hand-written or edited")),
            Some(theirs) if theirs != ours => notes.push(format!(
                "{name} was rendered from another version of the policy (sha256 {})",
                theirs.chars().take(12).collect::<String>()
            )),
            _ => {}
        }
    }
    notes
}

/// Exactly a reference form a target resolves at run or deploy time (not a secret itself): a
/// credential position may show it. Anything else there — a value that merely starts with `$`
/// or contains `{vault://` — is a value, and masked.
pub fn is_reference(value: &str) -> bool {
    // Structured targets' leaves are JSON-quoted strings; nginx's are the words as written.
    let unquoted;
    let v = if value.starts_with('"') {
        match serde_json::from_str::<String>(value) {
            Ok(s) => {
                unquoted = s;
                unquoted.as_str()
            }
            Err(_) => return false,
        }
    } else {
        value
    };
    let name = |s: &str, extra: &[u8]| {
        s.bytes().next().is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
            && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || extra.contains(&b))
    };
    let deck = |s: &str| {
        let Some(rest) = s.strip_prefix("${{ env \"").and_then(|r| r.strip_suffix(" }}")) else { return false };
        let (variable, pipes) = rest.split_once('"').unwrap_or((rest, "!"));
        let prefix_ok = |p: &str| p.bytes().all(|b| b.is_ascii_alphanumeric() || b" -:".contains(&b));
        let pipes_ok = pipes.is_empty()
            || pipes == " | printf \"%q\""
            || pipes
                .strip_prefix(" | printf \"")
                .and_then(|p| p.strip_suffix("%s\" | printf \"%q\""))
                .is_some_and(prefix_ok);
        name(variable, &[]) && pipes_ok
    };
    let kong_vault = |s: &str| {
        s.strip_prefix("{vault://").and_then(|r| r.strip_suffix('}')).is_some_and(|r| {
            r.split_once('/').is_some_and(|(vault, path)| {
                name(vault, b"-") && !path.is_empty() && path.bytes().all(|b| b.is_ascii_graphic() && b != b'}')
            })
        })
    };
    let truefoundry = |s: &str| {
        s.strip_prefix("tfy-secret://").is_some_and(|r| {
            let parts: Vec<&str> = r.split(':').collect();
            parts.len() == 3 && parts.iter().all(|p| name(p, b"-"))
        })
    };
    v.is_empty()
        || v.strip_prefix('$').is_some_and(|n| name(n, &[]))
        || v.strip_prefix("os.environ/").is_some_and(|n| name(n, &[]))
        || v.strip_prefix("$env(").and_then(|r| r.strip_suffix(')')).is_some_and(|n| name(n, &[]))
        || deck(v)
        || kong_vault(v)
        || truefoundry(v)
}

fn is_inline_secret(leaf: &Leaf) -> bool {
    (leaf.secret && !is_reference(&leaf.value)) || credentials::looks_like_credential(&leaf.value)
}

/// A value for display: references as they are; a credential never.
fn mask(value: &str) -> String {
    let redacted = credentials::redact(value);
    if redacted != value {
        redacted
    } else {
        "\"****\"".to_string()
    }
}

fn shown(leaf: &Leaf) -> String {
    if is_inline_secret(leaf) {
        mask(&leaf.value)
    } else {
        credentials::redact(&leaf.value)
    }
}

/// The named changes. An entity (a `[key]` element) present on one side only is one change, not one per field.
fn changes(ours: &Normalized, theirs: &Normalized) -> Vec<Change> {
    let mut out = Vec::new();
    let mut whole: BTreeMap<String, (ChangeKind, usize)> = BTreeMap::new();
    for (path, leaf) in &ours.leaves {
        match theirs.leaves.get(path) {
            Some(old) if old.value == leaf.value => {}
            Some(old) => out.push(Change {
                path: credentials::redact(path),
                kind: ChangeKind::Changed,
                // The old value of a changed secret is never shown.
                deployed: Some(if leaf.secret || old.secret { "\"****\"".into() } else { shown(old) }),
                rendered: Some(shown(leaf)),
                secret: leaf.secret || old.secret,
            }),
            None => match missing_entity(path, theirs) {
                Some(entity) => whole.entry(entity).or_insert((ChangeKind::Added, 0)).1 += 1,
                None => out.push(Change {
                    path: credentials::redact(path),
                    kind: ChangeKind::Added,
                    deployed: None,
                    rendered: Some(shown(leaf)),
                    secret: leaf.secret,
                }),
            },
        }
    }
    for (path, leaf) in &theirs.leaves {
        if ours.leaves.contains_key(path) {
            continue;
        }
        match missing_entity(path, ours) {
            Some(entity) => whole.entry(entity).or_insert((ChangeKind::Removed, 0)).1 += 1,
            None => out.push(Change {
                path: credentials::redact(path),
                kind: ChangeKind::Removed,
                deployed: Some(if leaf.secret { "\"****\"".into() } else { shown(leaf) }),
                rendered: None,
                secret: leaf.secret,
            }),
        }
    }
    for (path, (kind, fields)) in whole {
        let summary = format!("({fields} field{})", if fields == 1 { "" } else { "s" });
        let (deployed, rendered) = match kind {
            ChangeKind::Added => (None, Some(summary)),
            _ => (Some(summary), None),
        };
        out.push(Change { path: credentials::redact(&path), kind, deployed, rendered, secret: false });
    }
    out.sort_by(|a, b| a.path.cmp(&b.path));
    out
}

/// The outermost `…[key]` prefix of `path` that `other` has nothing under, if any.
fn missing_entity(path: &str, other: &Normalized) -> Option<String> {
    let mut depth = 0usize;
    for (i, c) in path.char_indices() {
        match c {
            '[' => depth += 1,
            ']' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    let prefix = &path[..=i];
                    if !has_under(other, prefix) {
                        return Some(prefix.to_string());
                    }
                }
            }
            _ => {}
        }
    }
    None
}

fn has_under(n: &Normalized, prefix: &str) -> bool {
    n.leaves
        .range(prefix.to_string()..)
        .take_while(|(p, _)| p.starts_with(prefix))
        .any(|(p, _)| matches!(p[prefix.len()..].chars().next(), None | Some('.' | ' ' | '[' | ':')))
}

/// The normalised forms as `path = value` lines, masked, as a unified diff.
///
/// Both forms are sorted by path, so the diff is a merge of two sorted lists: linear in their
/// length whatever they hold (a general-purpose line diff is quadratic when the sides differ a lot).
/// Only the lines a hunk shows are written out: at 10,000 consumers almost every leaf is the same
/// on both sides, and formatting (and masking) each was most of the diff's time.
fn unified(ours: &Normalized, theirs: &Normalized, deployed_name: &str) -> String {
    // A leaf's line, shown against the other side's leaf at the same path.
    let line = |(other, path, leaf): &(&Normalized, &String, &Leaf)| -> String {
        let changed_secret = leaf.secret && other.leaves.get(*path).is_none_or(|o| o.value != leaf.value);
        let value = if changed_secret && !is_reference(&leaf.value) || is_inline_secret(leaf) {
            mask(&leaf.value)
        } else {
            credentials::redact(&leaf.value)
        };
        format!("{} = {value}", credentials::redact(path))
    };
    let mut ops = Vec::new();
    let (mut old, mut new) = (theirs.leaves.iter().peekable(), ours.leaves.iter().peekable());
    loop {
        match (old.peek(), new.peek()) {
            (None, None) => break,
            (Some(&(po, lo)), Some(&(pn, ln))) if po == pn => {
                let (a, b) = ((ours, po, lo), (theirs, pn, ln));
                // The same value and position print the same line; only a difference is formatted.
                if lo.value == ln.value && lo.secret == ln.secret || line(&a) == line(&b) {
                    ops.push((' ', a));
                } else {
                    ops.push(('-', a));
                    ops.push(('+', b));
                }
                old.next();
                new.next();
            }
            (Some(&(po, lo)), Some(&(pn, _))) if po < pn => {
                ops.push(('-', (ours, po, lo)));
                old.next();
            }
            (Some(&(po, lo)), None) => {
                ops.push(('-', (ours, po, lo)));
                old.next();
            }
            (_, Some(&(pn, ln))) => {
                ops.push(('+', (theirs, pn, ln)));
                new.next();
            }
        }
    }
    hunks(&ops, 2, deployed_name, line)
}

/// Unified-diff text of `ops` (`' '`, `-`, `+` lines) with `context` lines around each change;
/// `text` writes the line of an op a hunk shows.
fn hunks<T>(ops: &[(char, T)], context: usize, deployed_name: &str, text: impl Fn(&T) -> String) -> String {
    let changes: Vec<usize> = ops.iter().enumerate().filter(|(_, (op, _))| *op != ' ').map(|(i, _)| i).collect();
    if changes.is_empty() {
        return String::new();
    }
    // Line numbers before each op, on each side.
    let mut before = Vec::with_capacity(ops.len() + 1);
    let (mut old_no, mut new_no) = (0usize, 0usize);
    for (op, _) in ops {
        before.push((old_no, new_no));
        if *op != '+' {
            old_no += 1;
        }
        if *op != '-' {
            new_no += 1;
        }
    }
    before.push((old_no, new_no));
    let mut out = format!("--- deployed: {deployed_name}\n+++ rendered: policy\n");
    let mut i = 0;
    while i < changes.len() {
        let first = changes[i];
        let mut last = first;
        while i + 1 < changes.len() && changes[i + 1] - last <= 2 * context + 1 {
            i += 1;
            last = changes[i];
        }
        i += 1;
        let start = first.saturating_sub(context);
        let end = (last + context + 1).min(ops.len());
        let (old_start, new_start) = before[start];
        let (old_end, new_end) = before[end];
        let range = |from: usize, to: usize| {
            let len = to - from;
            if len == 1 {
                format!("{}", from + 1)
            } else {
                format!("{},{len}", if len == 0 { from } else { from + 1 })
            }
        };
        out.push_str(&format!("@@ -{} +{} @@\n", range(old_start, old_end), range(new_start, new_end)));
        for (op, item) in &ops[start..end] {
            out.push(*op);
            out.push_str(&text(item));
            out.push('\n');
        }
    }
    out
}

/// A JSON scalar as canonical text: integers without `.0`, strings JSON-quoted.
pub fn canonical_scalar(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::Number(n) => match n.as_f64() {
            Some(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => format!("{}", f as i64),
            _ => n.to_string(),
        },
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn normalized(pairs: &[(&str, &str, bool)]) -> Normalized {
        let mut n = Normalized::default();
        for (p, v, s) in pairs {
            n.insert(p.to_string(), v.to_string(), *s);
        }
        n
    }

    #[test]
    fn a_missing_entity_is_one_change() {
        let ours = normalized(&[
            ("consumers[a].username", "\"a\"", false),
            ("consumers[b].username", "\"b\"", false),
            ("consumers[b].tags", "[]", false),
        ]);
        let theirs = normalized(&[("consumers[a].username", "\"a\"", false)]);
        let changes = changes(&ours, &theirs);
        assert_eq!(changes.len(), 1);
        assert_eq!(changes[0].path, "consumers[b]");
        assert_eq!(changes[0].kind, ChangeKind::Added);
        assert_eq!(changes[0].rendered.as_deref(), Some("(2 fields)"));
    }

    #[test]
    fn a_changed_secret_never_shows_its_old_value() {
        let ours = normalized(&[("k.key", "\"${{ env \\\"DECK_K\\\" }}\"", true)]);
        let theirs = normalized(&[("k.key", "\"hunter2-but-longer\"", true)]);
        let c = &changes(&ours, &theirs)[0];
        assert_eq!(c.deployed.as_deref(), Some("\"****\""));
        let text = unified(&ours, &theirs, "d");
        assert!(!text.contains("hunter2"), "{text}");
        assert!(text.contains("DECK_K"), "{text}");
    }

    #[test]
    fn identical_forms_have_no_unified_diff() {
        let a = normalized(&[("x", "1", false)]);
        assert_eq!(unified(&a, &a.clone(), "d"), "");
        assert!(changes(&a, &a).is_empty());
    }

    #[test]
    fn exactly_a_reference_form_is_not_a_secret() {
        for r in [
            "\"os.environ/KEY\"",
            "\"$env(KEY)\"",
            "\"{vault://env/k}\"",
            "\"{vault://hcv/path/to/key}\"",
            "$gatectl_key",
            "\"tfy-secret://a:b:c\"",
            r#""${{ env \"DECK_K\" }}""#,
            r#""${{ env \"DECK_K\" | printf \"%q\" }}""#,
            r#""${{ env \"DECK_K\" | printf \"Bearer %s\" | printf \"%q\" }}""#,
            "\"\"",
        ] {
            assert!(is_reference(r), "{r}");
        }
        // Only exactly: a value that merely starts like a reference is a value.
        for v in [
            "\"plain\"",
            "\"$hunter2 is my key\"",
            "\"x {vault://env/k} hunter2\"",
            "\"{vault://env/k}hunter2\"",
            "\"os.environ/KEY hunter2\"",
            r#""${{ env \"DECK_K\" }} hunter2""#,
            "\"tfy-secret://a:b:c:hunter2\"",
            "$",
        ] {
            assert!(!is_reference(v), "{v}");
        }
    }

    #[test]
    fn parse_errors_are_located() {
        let e = DiffError::at_offset("f", "a\nbc\n", 4, "YAML", "bad".into());
        assert!(matches!(e, DiffError::Unparsable { line: 2, column: 3, .. }), "{e:?}");
    }
}
