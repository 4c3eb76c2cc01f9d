//! JaCoCo XML (`jacoco:report`, Gradle's `jacocoTestReport`): a `<report>`
//! holds `<package name="com/acme">` elements (inside `<group>`s in a
//! multi-module report), each with `<sourcefile name="Foo.java">` elements
//! whose `<line nr=… mi=… ci=…/>` give each line's missed and covered
//! instructions. A line with instructions is coverable, and covered when any
//! of them ran (`ci` > 0). A file's path is its package's folder and its name
//! (`com/acme/Foo.java`), which maps to `src/main/java/com/acme/Foo.java` by
//! suffix.

use roxmltree::{Document, Node};

use super::report_file::ReportFile;

/// The files of a parsed JaCoCo report.
pub fn read(doc: &Document) -> Result<Vec<ReportFile>, String> {
    let root = doc.root_element();
    let line_of = |node: Node| doc.text_pos_at(node.range().start).row;
    let mut files = Vec::new();
    for package in root.descendants().filter(|n| n.has_tag_name("package")) {
        // The default package has an empty name.
        let folder = package.attribute("name").unwrap_or("").trim();
        for source in package.children().filter(|n| n.has_tag_name("sourcefile")) {
            let Some(name) = source
                .attribute("name")
                .map(str::trim)
                .filter(|n| !n.is_empty())
            else {
                return Err(format!(
                    "line {}: <sourcefile> has no name",
                    line_of(source)
                ));
            };
            let path = if folder.is_empty() {
                name.to_string()
            } else {
                format!("{}/{name}", folder.trim_end_matches('/'))
            };
            let mut file = ReportFile::new(&path);
            for line in source.children().filter(|n| n.has_tag_name("line")) {
                let number = count(line, "nr").filter(|n| *n > 0);
                let missed = count(line, "mi");
                let covered = count(line, "ci");
                match (number.and_then(|n| u32::try_from(n).ok()), missed, covered) {
                    (Some(nr), Some(mi), Some(ci)) => {
                        if mi.saturating_add(ci) > 0 {
                            file.hit(nr, ci);
                        }
                    }
                    _ => {
                        return Err(format!(
                            "line {}: <line> needs nr=\"LINE\" (1 or more), mi=\"COUNT\" and \
                             ci=\"COUNT\"",
                            line_of(line)
                        ));
                    }
                }
            }
            files.push(file);
        }
    }
    if files.is_empty() {
        return Err("it holds no <sourcefile name=…> elements".to_string());
    }
    Ok(files)
}

fn count(node: Node, attribute: &str) -> Option<u64> {
    node.attribute(attribute)?.trim().parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::cobertura::document;

    const REPORT: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<!DOCTYPE report PUBLIC "-//JACOCO//DTD Report 1.1//EN" "report.dtd">
<report name="app">
  <sessioninfo id="x" start="1" dump="2"/>
  <group name="core">
    <package name="com/acme">
      <class name="com/acme/Foo" sourcefilename="Foo.java">
        <method name="f" desc="()V" line="3"><counter type="LINE" missed="0" covered="1"/></method>
      </class>
      <sourcefile name="Foo.java">
        <line nr="3" mi="0" ci="2" mb="0" cb="0"/>
        <line nr="4" mi="3" ci="0" mb="0" cb="0"/>
        <line nr="5" mi="1" ci="1" mb="1" cb="1"/>
        <line nr="6" mi="0" ci="0" mb="0" cb="0"/>
        <counter type="LINE" missed="1" covered="2"/>
      </sourcefile>
    </package>
  </group>
  <package name="">
    <sourcefile name="Main.java"><line nr="1" mi="1" ci="0"/></sourcefile>
  </package>
</report>
"#;

    fn parse(text: &str) -> Result<Vec<ReportFile>, String> {
        read(&document(text)?)
    }

    #[test]
    fn source_files_by_package_and_their_lines() {
        let files = parse(REPORT).unwrap();
        let got: Vec<(&str, Vec<(u32, u64)>)> = files
            .iter()
            .map(|f| {
                (
                    f.name.as_str(),
                    f.lines.iter().map(|(l, h)| (*l, *h)).collect(),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                ("com/acme/Foo.java", vec![(3, 2), (4, 0), (5, 1)]),
                ("Main.java", vec![(1, 0)]),
            ]
        );
    }

    #[test]
    fn malformed_reports_say_where() {
        assert_eq!(
            parse("<report><package name=\"a\">\n<sourcefile/></package></report>").unwrap_err(),
            "line 2: <sourcefile> has no name"
        );
        assert_eq!(
            parse("<report><package name=\"a\"><sourcefile name=\"A.java\">\n<line nr=\"0\" mi=\"1\" ci=\"0\"/></sourcefile></package></report>")
                .unwrap_err(),
            "line 2: <line> needs nr=\"LINE\" (1 or more), mi=\"COUNT\" and ci=\"COUNT\""
        );
        assert_eq!(
            parse("<report name=\"empty\"/>").unwrap_err(),
            "it holds no <sourcefile name=…> elements"
        );
    }
}
