//! Writing a folder all-or-nothing: a render layout (`render --out DIR`) or nginx's secrets
//! folder (`materialize`). Afterwards DIR is the previous tree or the new one, never a mix,
//! whatever fails and wherever the process is killed.
//!
//! 1. **Lock.** DIR (created empty when missing) is locked (`flock`) for the whole run; a run
//!    that finds it locked stops with [`OutputError::Locked`] and changes nothing.
//! 2. **Ownership.** DIR must be empty or a tree gatectl wrote: its manifest
//!    ([`MANIFEST`]) lists every file, and DIR holds nothing else. A folder holding anything
//!    gatectl did not write (a user's unrelated folder, a file added to a layout) is refused
//!    with [`OutputError::Foreign`], untouched.
//! 3. **Stage.** The new tree is written and synced in a hidden folder beside DIR
//!    (`.<DIR>.gatectl-staging-*`, same filesystem); one left by a killed run is removed first.
//! 4. **Swap.** One `renameat2(RENAME_EXCHANGE)` swaps the staging folder and DIR: the only
//!    step that changes DIR, and it is atomic. The previous tree, now in the staging folder, is
//!    then removed. (Outside Linux the swap is two renames, with a moment where DIR is missing.)

use std::fs::{self, OpenOptions};
use std::io::Write;
use std::path::{Component, Path, PathBuf};

use super::File;

/// The file in every gatectl-written folder that lists what gatectl wrote there.
pub const MANIFEST: &str = ".gatectl-manifest";
const STAGING: &str = "gatectl-staging-";

/// One folder of a render layout: its path relative to the output folder (`kong`, or
/// `<policy>/kong` when several policies are rendered) and the files in it.
pub struct Folder<'a> {
    pub path: String,
    pub files: &'a [File],
}

/// One file of a tree: its path relative to the tree's folder.
pub struct Entry<'a> {
    pub path: String,
    pub contents: &'a [u8],
}

/// Permissions of what is written (before the umask).
#[derive(Clone, Copy)]
pub struct Modes {
    pub file: u32,
    pub dir: u32,
}

impl Modes {
    pub const PUBLIC: Modes = Modes { file: 0o666, dir: 0o777 };
    /// Secrets: readable by the owner only.
    pub const PRIVATE: Modes = Modes { file: 0o600, dir: 0o700 };
}

#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    #[error("cannot write {path}: {source}")]
    Io { path: String, source: std::io::Error },
    #[error("{dir} is being written by another gatectl run (it holds the lock); try again when it has finished")]
    Locked { dir: String },
    #[error("{dir} holds `{entry}`, which gatectl did not write: refusing to replace the folder (use a new or empty folder, or remove what you added)")]
    Foreign { dir: String, entry: String },
    #[error("refusing to write outside the folder: {path}")]
    Outside { path: String },
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> OutputError + '_ {
    move |source| OutputError::Io { path: path.display().to_string(), source }
}

/// Writes `DIR/<folder>/<file>` for every folder: DIR becomes exactly this layout, in one step.
pub fn write_layout(out: &Path, folders: &[Folder]) -> Result<(), OutputError> {
    let mut entries = Vec::new();
    for folder in folders {
        check_relative(&folder.path)?;
        for file in folder.files {
            check_relative(&file.path)?;
            entries.push(Entry { path: format!("{}/{}", folder.path, file.path), contents: file.contents.as_bytes() });
        }
    }
    write_tree(out, &entries, Modes::PUBLIC)
}

/// Replaces `dir` with exactly `entries` (plus the manifest), all-or-nothing, under a lock.
pub fn write_tree(dir: &Path, entries: &[Entry], modes: Modes) -> Result<(), OutputError> {
    for entry in entries {
        check_relative(&entry.path)?;
    }
    create_dir_all(dir, modes)?;
    let dir = fs::canonicalize(dir).map_err(io(dir))?;
    let _lock = lock(&dir)?;
    check_owned(&dir)?;
    let (parent, name) = match (dir.parent(), dir.file_name()) {
        (Some(parent), Some(name)) => (parent.to_path_buf(), name.to_string_lossy().into_owned()),
        _ => return Err(OutputError::Outside { path: dir.display().to_string() }),
    };
    remove_stale_staging(&parent, &name);

    let staging = parent.join(format!(".{name}.{STAGING}{}-{}", std::process::id(), unique()));
    let staged = stage(&staging, entries, modes);
    if let Err(err) = staged {
        let _ = fs::remove_dir_all(&staging);
        return Err(err);
    }
    if let Err(err) = swap(&staging, &dir) {
        let _ = fs::remove_dir_all(&staging);
        return Err(err);
    }
    // The previous tree is in the staging folder now; a failure to remove it changes nothing
    // that was promised (the next run removes it).
    let _ = fs::remove_dir_all(&staging);
    sync_dir(&parent);
    Ok(())
}

/// Writes every entry and the manifest into a new folder, synced.
fn stage(staging: &Path, entries: &[Entry], modes: Modes) -> Result<(), OutputError> {
    create_dir(staging, modes)?;
    let mut manifest = String::from("# Written by gatectl, which replaces this folder whole on every run.\n");
    manifest.push_str("# It refuses to when the folder holds anything not listed here.\n");
    let mut dirs = vec![staging.to_path_buf()];
    for entry in entries {
        let path = staging.join(&entry.path);
        let parent = path.parent().expect("a joined path has a parent");
        if !parent.exists() {
            create_dir_all(parent, modes)?;
            dirs.push(parent.to_path_buf());
        }
        write_file(&path, entry.contents, modes.file)?;
        manifest.push_str(&entry.path);
        manifest.push('\n');
    }
    write_file(&staging.join(MANIFEST), manifest.as_bytes(), modes.file)?;
    for dir in dirs.iter().rev() {
        sync_dir(dir);
    }
    Ok(())
}

fn write_file(path: &Path, contents: &[u8], mode: u32) -> Result<(), OutputError> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, mode);
    #[cfg(not(unix))]
    let _ = mode;
    let mut file = options.open(path).map_err(io(path))?;
    file.write_all(contents).and_then(|()| file.sync_all()).map_err(io(path))
}

fn create_dir(path: &Path, modes: Modes) -> Result<(), OutputError> {
    let mut builder = fs::DirBuilder::new();
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, modes.dir);
    #[cfg(not(unix))]
    let _ = modes;
    builder.create(path).map_err(io(path))
}

fn create_dir_all(path: &Path, modes: Modes) -> Result<(), OutputError> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, modes.dir);
    #[cfg(not(unix))]
    let _ = modes;
    builder.create(path).map_err(io(path))
}

/// Best effort: a directory's entries reach the disk.
fn sync_dir(dir: &Path) {
    if let Ok(handle) = fs::File::open(dir) {
        let _ = handle.sync_all();
    }
}

/// Locks `dir` for this process. A run that swapped it in the meantime leaves the lock on the
/// folder it replaced: then lock the folder now at `dir`.
fn lock(dir: &Path) -> Result<fs::File, OutputError> {
    for _ in 0..16 {
        let handle = fs::File::open(dir).map_err(io(dir))?;
        match handle.try_lock() {
            Ok(()) => {}
            Err(fs::TryLockError::WouldBlock) => return Err(OutputError::Locked { dir: dir.display().to_string() }),
            Err(fs::TryLockError::Error(source)) => return Err(io(dir)(source)),
        }
        if same_file(&handle, dir) {
            return Ok(handle);
        }
    }
    Err(OutputError::Locked { dir: dir.display().to_string() })
}

#[cfg(unix)]
fn same_file(handle: &fs::File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (handle.metadata(), fs::metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_file(_: &fs::File, _: &Path) -> bool {
    true
}

/// `dir` is empty, or holds exactly what its manifest lists.
fn check_owned(dir: &Path) -> Result<(), OutputError> {
    let foreign = |entry: &Path| OutputError::Foreign {
        dir: dir.display().to_string(),
        entry: entry.strip_prefix(dir).unwrap_or(entry).display().to_string(),
    };
    let mut listed = std::collections::HashSet::new();
    match fs::read_to_string(dir.join(MANIFEST)) {
        Ok(manifest) => listed.extend(manifest.lines().filter(|l| !l.starts_with('#')).map(PathBuf::from)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return match fs::read_dir(dir).map_err(io(dir))?.next() {
                None => Ok(()),
                Some(entry) => Err(foreign(&entry.map_err(io(dir))?.path())),
            };
        }
        Err(e) => return Err(io(dir)(e)),
    }
    let folders: std::collections::HashSet<PathBuf> =
        listed.iter().flat_map(|p| p.ancestors().skip(1).map(Path::to_path_buf)).collect();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(folder) = pending.pop() {
        for entry in fs::read_dir(&folder).map_err(io(&folder))? {
            let path = entry.map_err(io(&folder))?.path();
            let relative = path.strip_prefix(dir).unwrap_or(&path).to_path_buf();
            let kind = fs::symlink_metadata(&path).map_err(io(&path))?.file_type();
            if kind.is_dir() && folders.contains(&relative) {
                pending.push(path);
            } else if !(kind.is_file() && (listed.contains(&relative) || relative == Path::new(MANIFEST))) {
                return Err(foreign(&path));
            }
        }
    }
    Ok(())
}

/// Removes staging folders a killed run left beside `dir`.
fn remove_stale_staging(parent: &Path, name: &str) {
    let prefix = format!(".{name}.{STAGING}");
    for entry in fs::read_dir(parent).into_iter().flatten().flatten() {
        if entry.file_name().to_string_lossy().starts_with(&prefix) {
            let _ = fs::remove_dir_all(entry.path());
        }
    }
}

fn unique() -> u128 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos())
}

/// Exchanges two folders in one step.
#[cfg(target_os = "linux")]
fn swap(staging: &Path, dir: &Path) -> Result<(), OutputError> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let c = |p: &Path| CString::new(p.as_os_str().as_bytes()).map_err(|e| io(p)(std::io::Error::other(e)));
    let (from, to) = (c(staging)?, c(dir)?);
    // SAFETY: both are valid NUL-terminated paths; renameat2 reads them and nothing else.
    let done =
        unsafe { libc::renameat2(libc::AT_FDCWD, from.as_ptr(), libc::AT_FDCWD, to.as_ptr(), libc::RENAME_EXCHANGE) };
    if done == 0 {
        Ok(())
    } else {
        Err(io(dir)(std::io::Error::last_os_error()))
    }
}

#[cfg(not(target_os = "linux"))]
fn swap(staging: &Path, dir: &Path) -> Result<(), OutputError> {
    let previous = staging.with_extension("previous");
    fs::rename(dir, &previous).map_err(io(dir))?;
    if let Err(source) = fs::rename(staging, dir) {
        let _ = fs::rename(&previous, dir);
        return Err(io(dir)(source));
    }
    fs::rename(&previous, staging).map_err(io(staging))
}

/// Paths come from gatectl's own renderers; refuse anything that could escape the folder.
fn check_relative(path: &str) -> Result<(), OutputError> {
    let plain =
        !path.is_empty() && Path::new(path).components().all(|c| matches!(c, Component::Normal(_))) && path != MANIFEST;
    if plain {
        Ok(())
    } else {
        Err(OutputError::Outside { path: path.to_string() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nginx(files: &[File]) -> Vec<Folder<'_>> {
        vec![Folder { path: "nginx".into(), files }]
    }

    fn rendered(contents: &str) -> Vec<File> {
        vec![File { path: "p.conf".into(), contents: contents.into() }]
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> =
            fs::read_dir(dir).unwrap().flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect();
        names.sort();
        names
    }

    #[test]
    fn a_second_render_replaces_the_layout_whole() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("out");
        let kong = vec![File { path: "kong.yaml".into(), contents: "k".into() }];
        write_layout(&out, &[Folder { path: "kong".into(), files: &kong }]).unwrap();
        write_layout(&out, &nginx(&rendered("two"))).unwrap();
        assert_eq!(fs::read_to_string(out.join("nginx/p.conf")).unwrap(), "two");
        assert_eq!(names(&out), vec![MANIFEST, "nginx"]);
        // Nothing is left beside the layout.
        assert_eq!(names(root.path()), vec!["out"]);
    }

    #[test]
    fn a_folder_holding_what_gatectl_did_not_write_is_refused_untouched() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("out");
        fs::create_dir_all(&out).unwrap();
        fs::write(out.join("notes.txt"), "mine").unwrap();
        assert!(matches!(write_layout(&out, &nginx(&rendered("one"))), Err(OutputError::Foreign { .. })));
        assert_eq!(names(&out), vec!["notes.txt"]);
        // A file added to a gatectl layout is foreign too: the next render would delete it.
        let out = root.path().join("layout");
        write_layout(&out, &nginx(&rendered("one"))).unwrap();
        fs::write(out.join("nginx/stale.conf"), "old").unwrap();
        let err = write_layout(&out, &nginx(&rendered("two"))).unwrap_err();
        assert!(err.to_string().contains("nginx/stale.conf"), "{err}");
        assert_eq!(fs::read_to_string(out.join("nginx/p.conf")).unwrap(), "one");
    }

    #[test]
    fn paths_outside_the_folder_are_refused_and_nothing_changes() {
        let dir = tempfile::tempdir().unwrap();
        write_layout(dir.path(), &nginx(&rendered("one"))).unwrap();
        for evil in ["../x", "/etc/x", "a/../../x", ""] {
            let files = vec![File { path: evil.into(), contents: "x".into() }];
            assert!(matches!(write_layout(dir.path(), &nginx(&files)), Err(OutputError::Outside { .. })), "{evil}");
        }
        assert_eq!(fs::read_to_string(dir.path().join("nginx/p.conf")).unwrap(), "one");
    }

    #[test]
    fn a_held_lock_is_a_clear_error() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("out");
        write_layout(&out, &nginx(&rendered("one"))).unwrap();
        let held = fs::File::open(&out).unwrap();
        held.lock().unwrap();
        let err = write_layout(&out, &nginx(&rendered("two"))).unwrap_err();
        assert!(matches!(err, OutputError::Locked { .. }), "{err}");
        drop(held);
        write_layout(&out, &nginx(&rendered("two"))).unwrap();
    }

    #[test]
    fn staging_left_by_a_killed_run_is_removed() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("out");
        fs::create_dir_all(root.path().join(format!(".out.{STAGING}1-2/nginx"))).unwrap();
        write_layout(&out, &nginx(&rendered("one"))).unwrap();
        assert_eq!(names(root.path()), vec!["out"]);
    }

    #[cfg(unix)]
    #[test]
    fn private_trees_get_their_modes() {
        use std::os::unix::fs::PermissionsExt;
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("secrets");
        write_tree(&dir, &[Entry { path: "keys.conf".into(), contents: b"k" }], Modes::PRIVATE).unwrap();
        assert_eq!(fs::metadata(dir.join("keys.conf")).unwrap().permissions().mode() & 0o777, 0o600);
        assert_eq!(fs::metadata(&dir).unwrap().permissions().mode() & 0o777, 0o700);
    }
}
