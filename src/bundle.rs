//! The browser bundle's final file names, as Leptos finds them from the
//! site root's hash file (`<kind>: <hash>` a line). The build's namer
//! (`tools/bundle`) writes the files and the hash file; the server
//! (`server/src/site.rs`) reads the hash file and serves the files.

/// A line's kind in the hash file, and so a kind of bundle file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// The main module's JavaScript glue.
    Js,
    /// The main module.
    Wasm,
    Css,
    /// The loader of a split bundle's chunks.
    Split,
    /// Which chunks each lazy page needs (read by the server, not fetched).
    Manifest,
}

impl Kind {
    const ALL: [Kind; 5] = [Kind::Js, Kind::Wasm, Kind::Css, Kind::Split, Kind::Manifest];

    /// The kind as the hash file spells it.
    pub fn key(self) -> &'static str {
        match self {
            Kind::Js => "js",
            Kind::Wasm => "wasm",
            Kind::Css => "css",
            Kind::Split => "split",
            Kind::Manifest => "manifest",
        }
    }

    /// A hash file key Leptos knows, or `None`.
    pub fn parse(key: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|kind| kind.key() == key)
    }

    /// The file of this kind for the bundle `output_name` (`tailor`) and
    /// `hash`: `tailor.<hash>.wasm`, `__wasm_split.<hash>.js`.
    pub fn file_name(self, output_name: &str, hash: &str) -> String {
        match self {
            Kind::Js | Kind::Wasm | Kind::Css => format!("{output_name}.{hash}.{}", self.key()),
            Kind::Split => format!("__wasm_split.{hash}.js"),
            Kind::Manifest => format!("__wasm_split_manifest.{hash}.json"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_is_read_back_from_its_key() {
        for kind in Kind::ALL {
            assert_eq!(Kind::parse(kind.key()), Some(kind));
        }
        assert_eq!(Kind::parse("other"), None);
    }
}
