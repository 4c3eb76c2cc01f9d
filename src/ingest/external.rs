//! The `external` kind's number: one value in a JSON file another tool wrote,
//! found by an RFC 6901 JSON pointer.
//!
//! The file is named by the repository's definition, so it is read only as a
//! regular file inside the root, and a message about it never quotes what it
//! holds (a credentials file written into the checkout is JSON too).

use std::path::Path;

use serde_json::Value;

use crate::discover::confine::{self, escape};

/// Reads the number at `pointer` in the JSON file `file` (relative to `root`).
pub fn read(root: &Path, file: &str, pointer: &str) -> Result<f64, String> {
    let bytes = confine::read(root, file, confine::MAX_EXTERNAL_BYTES)
        .map_err(|e| format!("cannot read the JSON file `{}`: {e}", escape(file)))?;
    let file = escape(file);
    let doc: Value =
        serde_json::from_slice(&bytes).map_err(|e| format!("`{file}` is not valid JSON: {e}"))?;
    let shown = if pointer.is_empty() {
        "the whole document".to_string()
    } else {
        format!("`{}`", escape(pointer))
    };
    let value = doc
        .pointer(pointer)
        .ok_or_else(|| format!("`{file}` has nothing at the JSON pointer {shown}"))?;
    value.as_f64().ok_or_else(|| {
        format!(
            "`{file}` holds {} at {shown}, not a number",
            match value {
                Value::Null => "null",
                Value::Bool(_) => "a boolean",
                Value::String(_) => "a string",
                Value::Array(_) => "an array",
                Value::Object(_) => "an object",
                Value::Number(_) => "a number out of range",
            }
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_what_is_wrong_otherwise() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("m.json"),
            r#"{"latency": {"p95": 812.5, "name": "cold"}, "runs": [3, 4], "ok": true}"#,
        )
        .unwrap();
        std::fs::write(dir.path().join("n.json"), "42\n").unwrap();
        std::fs::write(dir.path().join("bad.json"), "{\"a\": ").unwrap();
        let r = |f: &str, p: &str| read(dir.path(), f, p);
        assert_eq!(r("m.json", "/latency/p95"), Ok(812.5));
        assert_eq!(r("m.json", "/runs/1"), Ok(4.0));
        assert_eq!(r("n.json", ""), Ok(42.0));
        assert_eq!(
            r("m.json", "/latency/name").unwrap_err(),
            "`m.json` holds a string at `/latency/name`, not a number"
        );
        assert_eq!(
            r("m.json", "/latency/p99").unwrap_err(),
            "`m.json` has nothing at the JSON pointer `/latency/p99`"
        );
        assert_eq!(
            r("m.json", "/ok").unwrap_err(),
            "`m.json` holds a boolean at `/ok`, not a number"
        );
        assert!(
            r("bad.json", "")
                .unwrap_err()
                .starts_with("`bad.json` is not valid JSON: EOF")
        );
        assert!(
            r("none.json", "")
                .unwrap_err()
                .starts_with("cannot read the JSON file `none.json`: ")
        );
    }
}
