//! The `typed` metric's TypeScript `any` and JavaScript `// @ts-check` rules,
//! end to end on a project written into a temp folder.

use crate::common;

use common::{counts, offenders};

#[test]
fn any_in_typescript_and_jsdoc_in_checked_javascript() {
    let dir = tempfile::tempdir().expect("temp dir");
    let write = |path: &str, text: &str| {
        std::fs::write(dir.path().join(path), text).expect("write");
    };
    write("quality.toml", "[metrics.typed]\n");
    write(
        "api.ts",
        "export function get(url: string): any { return url; }\n\
         export const post = (url: string, body: any, opts: any): Promise<any> => fetch(url);\n\
         export function ok(n: number): number { return n; }\n",
    );
    write(
        "checked.js",
        "// @ts-check\n\
         /** @param {string} name */\n\
         export function greet(name) { return name; }\n\
         /** @param {number} a */\n\
         export function add(a, b) { return a + b; }\n",
    );
    write(
        "plain.js",
        "/** @param {string} name */\nfunction hi(name) {}\n",
    );
    let root = dir.path().to_str().expect("utf-8 temp path").to_string();
    let (code, r, stderr) = common::json(&[&root]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(counts(&r, "typed"), (2, 6));
    assert_eq!(
        offenders(&r, "typed"),
        [
            "api.ts:2 post",
            "api.ts:1 get",
            "checked.js:5 add",
            "plain.js:2 hi"
        ]
    );
    let details: Vec<&str> = common::metric(&r, "typed")["offenders"]
        .as_array()
        .expect("offenders")
        .iter()
        .map(|o| o["detail"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(
        details,
        [
            "parameters `body`, `opts` are any",
            "the return is any",
            "parameter `b` has no JSDoc type",
            "JavaScript without `// @ts-check` has no static types",
        ]
    );
}
