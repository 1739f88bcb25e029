//! Reading dropped or picked files and folders in the browser. Nothing is
//! uploaded: only names and `File.size` are read, plus the text of ignore
//! files and of a dropped listing.

use js_sys::{Array, Promise, Reflect};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    DataTransfer, File, FileSystemDirectoryEntry, FileSystemDirectoryReader, FileSystemEntry, FileSystemFileEntry,
};

use crate::protocol::FolderEntry;
use crate::state::{Loading, is_ignore_file};

/// A folder read: `(name, entries, ignore files as (path, text))`.
pub type ReadFolder = (String, Vec<FolderEntry>, Vec<(String, String)>);

/// What was dropped.
pub enum Dropped {
    /// A single file: its name and text (a JS string, not copied yet).
    File(String, JsValue),
    /// A folder.
    Folder(String, FileSystemDirectoryEntry),
    /// Nothing usable.
    Nothing,
}

fn err(e: JsValue) -> String {
    e.as_string()
        .or_else(|| Reflect::get(&e, &"message".into()).ok().and_then(|m| m.as_string()))
        .unwrap_or_else(|| format!("{e:?}"))
}

/// A file's text.
pub async fn file_text(file: &File) -> Result<String, String> {
    file_text_js(file).await?.as_string().ok_or_else(|| "the file is not text".to_string())
}

/// A file's text as a JS string (large listings stay out of WebAssembly memory).
pub async fn file_text_js(file: &File) -> Result<JsValue, String> {
    JsFuture::from(file.text()).await.map_err(err)
}

/// Looks at a drop: the first item, as an entry (folder) or a file.
pub async fn classify_drop(dt: &DataTransfer) -> Result<Dropped, String> {
    let items = dt.items();
    for i in 0..items.length() {
        let Some(item) = items.get(i) else { continue };
        if item.kind() != "file" {
            continue;
        }
        if let Ok(Some(entry)) = item.webkit_get_as_entry()
            && entry.is_directory()
        {
            let name = entry.name();
            return Ok(Dropped::Folder(name, entry.unchecked_into()));
        }
        if let Ok(Some(file)) = item.get_as_file() {
            let text = file_text_js(&file).await?;
            return Ok(Dropped::File(file.name(), text));
        }
    }
    Ok(Dropped::Nothing)
}

async fn read_batch(reader: &FileSystemDirectoryReader) -> Result<Array, String> {
    let p = Promise::new(&mut |resolve, reject| {
        if let Err(e) = reader.read_entries_with_callback_and_callback(&resolve, &reject) {
            let _ = reject.call1(&JsValue::NULL, &e);
        }
    });
    Ok(JsFuture::from(p).await.map_err(err)?.unchecked_into())
}

fn file_of(entry: &FileSystemFileEntry) -> Promise {
    Promise::new(&mut |resolve, reject| entry.file_with_callback_and_callback(&resolve, &reject))
}

/// Walks a dropped folder: `readEntries` until it returns nothing, `File.size`
/// for every file (a directory's files are asked for together). `progress`
/// is called after each directory.
pub async fn walk(root: FileSystemDirectoryEntry, progress: impl Fn(Loading)) -> Result<ReadFolder, String> {
    let name = root.name();
    let mut entries = Vec::new();
    let mut ignore_files = Vec::new();
    let mut loading = Loading { name: name.clone(), ..Loading::default() };
    let mut stack: Vec<(String, FileSystemDirectoryEntry)> = vec![(String::new(), root)];
    let mut unreadable = 0u64;
    while let Some((prefix, dir)) = stack.pop() {
        let reader = dir.create_reader();
        let mut files: Vec<(String, FileSystemFileEntry)> = Vec::new();
        loop {
            let batch = match read_batch(&reader).await {
                Ok(b) => b,
                Err(_) => {
                    unreadable += 1;
                    break;
                }
            };
            if batch.length() == 0 {
                break;
            }
            for v in batch.iter() {
                let e: FileSystemEntry = v.unchecked_into();
                let path = if prefix.is_empty() { e.name() } else { format!("{prefix}/{}", e.name()) };
                if e.is_directory() {
                    entries.push(FolderEntry { path: path.clone(), dir: true, size: 0 });
                    loading.dirs += 1;
                    stack.push((path, e.unchecked_into()));
                } else if e.is_file() {
                    files.push((path, e.unchecked_into()));
                }
            }
        }
        if !files.is_empty() {
            let promises: Array = files.iter().map(|(_, f)| JsValue::from(file_of(f))).collect();
            let all = JsFuture::from(Promise::all_settled(&promises)).await.map_err(err)?;
            let results: Array = all.unchecked_into();
            for ((path, _), r) in files.into_iter().zip(results.iter()) {
                let value = Reflect::get(&r, &"value".into()).ok().filter(|v| !v.is_undefined());
                let Some(file) = value.and_then(|v| v.dyn_into::<File>().ok()) else {
                    unreadable += 1;
                    continue;
                };
                let size = file.size() as u64;
                if is_ignore_file(&path) {
                    ignore_files.push((path.clone(), file_text(&file).await.unwrap_or_default()));
                }
                loading.files += 1;
                loading.bytes += size;
                entries.push(FolderEntry { path, dir: false, size });
            }
        }
        progress(loading.clone());
    }
    if unreadable > 0 {
        web_sys::console::warn_1(&format!("ctxlens: {unreadable} entries of {name} could not be read").into());
    }
    ignore_files.sort();
    Ok((name, entries, ignore_files))
}

/// Reads the files of an `<input type=file webkitdirectory>` picker. Paths
/// are `webkitRelativePath` minus the folder's own name; directories are
/// implied (the picker does not list empty ones).
pub async fn from_file_list(files: Vec<File>) -> Result<ReadFolder, String> {
    let mut entries = Vec::new();
    let mut ignore_files = Vec::new();
    let mut dirs = std::collections::BTreeSet::new();
    let mut name = String::new();
    for file in files {
        let rel =
            Reflect::get(&file, &"webkitRelativePath".into()).ok().and_then(|v| v.as_string()).unwrap_or_default();
        let rel = if rel.is_empty() { file.name() } else { rel };
        let (top, path) = match rel.split_once('/') {
            Some((t, p)) => (t.to_string(), p.to_string()),
            None => (String::new(), rel.clone()),
        };
        if name.is_empty() {
            name = top;
        }
        let mut cur = path.as_str();
        while let Some((parent, _)) = cur.rsplit_once('/') {
            dirs.insert(parent.to_string());
            cur = parent;
        }
        if is_ignore_file(&path) {
            ignore_files.push((path.clone(), file_text(&file).await.unwrap_or_default()));
        }
        entries.push(FolderEntry { path, dir: false, size: file.size() as u64 });
    }
    entries.extend(dirs.into_iter().map(|d| FolderEntry { path: d, dir: true, size: 0 }));
    if name.is_empty() {
        name = "folder".into();
    }
    ignore_files.sort();
    Ok((name, entries, ignore_files))
}
