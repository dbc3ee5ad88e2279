//! Writing a render layout atomically: all files are written to a staging folder
//! first, then each target folder is swapped in with a rename, so a failed
//! render leaves the previous output untouched and never a half-written folder.

use std::io::Write;
use std::path::{Component, Path};

use super::File;

/// One folder of a render layout: its path relative to the output folder (`kong`, or
/// `<policy>/kong` when several policies are rendered) and the files in it.
pub struct Folder<'a> {
    pub path: String,
    pub files: &'a [File],
}

/// Writes `DIR/<folder>/<file>` for every folder, replacing each folder whole.
pub fn write_layout(out: &Path, folders: &[Folder]) -> std::io::Result<()> {
    std::fs::create_dir_all(out)?;
    let staging = tempfile::Builder::new().prefix(".gatectl-staging-").tempdir_in(out)?;
    for folder in folders {
        check_relative(&folder.path)?;
        for file in folder.files {
            check_relative(&file.path)?;
            let path = staging.path().join(&folder.path).join(&file.path);
            std::fs::create_dir_all(path.parent().expect("a joined path has a parent"))?;
            let mut handle = std::fs::File::create(&path)?;
            handle.write_all(file.contents.as_bytes())?;
            handle.sync_all()?;
        }
    }
    for (i, folder) in folders.iter().enumerate() {
        let live = out.join(&folder.path);
        if live.exists() {
            // Move the old folder into staging; it is deleted with it.
            std::fs::rename(&live, staging.path().join(format!(".previous-{i}")))?;
        }
        if let Some(parent) = live.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::rename(staging.path().join(&folder.path), &live)?;
    }
    staging.close()
}

/// Paths come from gatectl's own renderers; refuse anything that could escape the folder.
fn check_relative(path: &str) -> std::io::Result<()> {
    if path.is_empty() || Path::new(path).components().any(|c| !matches!(c, Component::Normal(_))) {
        return Err(std::io::Error::other(format!("refusing to write outside the output folder: {path}")));
    }
    Ok(())
}

/// Writes one file atomically (temp file in the same folder, then rename) with the given mode.
pub fn write_file_atomic(path: &Path, contents: &[u8], mode: u32) -> std::io::Result<()> {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let mut temp = tempfile::Builder::new().prefix(".gatectl-").tempfile_in(dir)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        temp.as_file().set_permissions(std::fs::Permissions::from_mode(mode))?;
    }
    #[cfg(not(unix))]
    let _ = mode;
    temp.write_all(contents)?;
    temp.as_file().sync_all()?;
    temp.persist(path).map_err(|e| e.error)?;
    Ok(())
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

    #[test]
    fn a_second_render_replaces_the_folder_whole() {
        let dir = tempfile::tempdir().unwrap();
        write_layout(dir.path(), &nginx(&rendered("one"))).unwrap();
        std::fs::write(dir.path().join("nginx/stale.conf"), "old").unwrap();
        write_layout(dir.path(), &nginx(&rendered("two"))).unwrap();
        assert_eq!(std::fs::read_to_string(dir.path().join("nginx/p.conf")).unwrap(), "two");
        assert!(!dir.path().join("nginx/stale.conf").exists());
        let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().flatten().map(|e| e.file_name()).collect();
        assert_eq!(leftovers, vec![std::ffi::OsString::from("nginx")]);
    }

    #[test]
    fn paths_outside_the_folder_are_refused_and_nothing_changes() {
        let dir = tempfile::tempdir().unwrap();
        write_layout(dir.path(), &nginx(&rendered("one"))).unwrap();
        let evil = vec![File { path: "../x".into(), contents: "x".into() }];
        assert!(write_layout(dir.path(), &nginx(&evil)).is_err());
        assert_eq!(std::fs::read_to_string(dir.path().join("nginx/p.conf")).unwrap(), "one");
        assert!(!dir.path().join("x").exists());
    }

    #[cfg(unix)]
    #[test]
    fn atomic_files_get_their_mode() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("secrets/keys.conf");
        write_file_atomic(&path, b"k", 0o600).unwrap();
        assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
    }
}
