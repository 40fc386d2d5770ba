//! The shape of the code, checked from its sources: the consent gate is the only way from the
//! raw model to the public one, and the top-level modules import one another without circles.
//! A change that crosses the boundary or closes a circle fails here, with the files named.

use crate::common::repo;
use std::collections::{BTreeMap, BTreeSet};

/// Every source file of the library: (path relative to `src/`, its code without comment lines
/// and without its tests).
fn sources() -> Vec<(String, String)> {
    let src = repo().join("src");
    let mut out = Vec::new();
    let mut stack = vec![src.clone()];
    while let Some(dir) = stack.pop() {
        for item in std::fs::read_dir(&dir).unwrap().flatten() {
            let path = item.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                let code = text.split("#[cfg(test)]").next().unwrap_or("");
                let code: String = code
                    .lines()
                    .filter(|l| !l.trim_start().starts_with("//"))
                    .map(|l| format!("{l}\n"))
                    .collect();
                let rel = path
                    .strip_prefix(&src)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                out.push((rel, code));
            }
        }
    }
    out.sort();
    out
}

/// The top-level module a file belongs to (`render/pages.rs` → `render`, `site/mod.rs` →
/// `site`, `config.rs` → `config`).
fn module(rel: &str) -> String {
    let first = rel.split('/').next().unwrap_or(rel);
    first.trim_end_matches(".rs").to_string()
}

/// The top-level modules a file's code names through `crate::` (paths and `use` groups).
fn imports(code: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut rest = code;
    while let Some(at) = rest.find("crate::") {
        rest = &rest[at + 7..];
        if let Some(group) = rest.strip_prefix('{') {
            let end = group.find("};").unwrap_or(group.len());
            for part in group[..end].split(',') {
                let name: String = part
                    .trim()
                    .chars()
                    .take_while(|c| c.is_ascii_lowercase() || *c == '_')
                    .collect();
                if !name.is_empty() {
                    out.insert(name);
                }
            }
        } else {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_lowercase() || *c == '_')
                .collect();
            if !name.is_empty() {
                out.insert(name);
            }
        }
    }
    out
}

/// Module → (module it imports → files that do).
fn graph() -> BTreeMap<String, BTreeMap<String, BTreeSet<String>>> {
    let modules: BTreeSet<String> = sources().iter().map(|(rel, _)| module(rel)).collect();
    let mut graph: BTreeMap<String, BTreeMap<String, BTreeSet<String>>> = BTreeMap::new();
    for (rel, code) in sources() {
        let from = module(&rel);
        for to in imports(&code) {
            if to != from && modules.contains(&to) && to != "lib" {
                graph
                    .entry(from.clone())
                    .or_default()
                    .entry(to)
                    .or_default()
                    .insert(rel.clone());
            }
        }
    }
    graph
}

/// Groups of modules that import one another (Tarjan's strongly connected components).
fn circles(graph: &BTreeMap<String, BTreeMap<String, BTreeSet<String>>>) -> Vec<Vec<String>> {
    struct State<'g> {
        graph: &'g BTreeMap<String, BTreeMap<String, BTreeSet<String>>>,
        index: BTreeMap<&'g str, usize>,
        low: BTreeMap<&'g str, usize>,
        stack: Vec<&'g str>,
        found: Vec<Vec<String>>,
    }
    fn visit<'g>(s: &mut State<'g>, v: &'g str) {
        let n = s.index.len();
        s.index.insert(v, n);
        s.low.insert(v, n);
        s.stack.push(v);
        for w in s.graph.get(v).into_iter().flat_map(|e| e.keys()) {
            let w = w.as_str();
            if !s.index.contains_key(w) {
                visit(s, w);
                let low = s.low[v].min(s.low[w]);
                s.low.insert(v, low);
            } else if s.stack.contains(&w) {
                let low = s.low[v].min(s.index[w]);
                s.low.insert(v, low);
            }
        }
        if s.low[v] == s.index[v] {
            let mut group = Vec::new();
            while let Some(w) = s.stack.pop() {
                group.push(w.to_string());
                if w == v {
                    break;
                }
            }
            if group.len() > 1 {
                group.sort();
                s.found.push(group);
            }
        }
    }
    let mut s = State {
        graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        found: Vec::new(),
    };
    for v in graph.keys() {
        if !s.index.contains_key(v.as_str()) {
            visit(&mut s, v);
        }
    }
    s.found
}

#[test]
fn top_level_modules_import_one_another_without_circles() {
    let graph = graph();
    assert!(graph.len() > 15, "modules read: {:?}", graph.keys());
    let circles = circles(&graph);
    let mut explained = String::new();
    for group in &circles {
        for from in group {
            for (to, files) in &graph[from] {
                if group.contains(to) {
                    explained.push_str(&format!("  {from} -> {to}: {files:?}\n"));
                }
            }
        }
    }
    assert!(
        circles.is_empty(),
        "modules that import one another: {circles:?}\n{explained}"
    );
}

#[test]
fn a_circle_is_found_when_there_is_one() {
    let edges = |pairs: &[(&str, &str)]| {
        let mut g: BTreeMap<String, BTreeMap<String, BTreeSet<String>>> = BTreeMap::new();
        for (a, b) in pairs {
            g.entry(a.to_string())
                .or_default()
                .insert(b.to_string(), BTreeSet::new());
        }
        g
    };
    assert!(circles(&edges(&[("a", "b"), ("b", "c")])).is_empty());
    assert_eq!(
        circles(&edges(&[("a", "b"), ("b", "c"), ("c", "a"), ("c", "d")])),
        vec![vec!["a", "b", "c"]]
    );
    assert_eq!(
        imports(
            "use crate::{config::Config, report::{Problem, Log}};\nlet x = crate::web::doi_url(d);"
        ),
        ["config", "report", "web"]
            .into_iter()
            .map(String::from)
            .collect()
    );
}

/// Modules after the gate that must see only the public model (`share` makes deposits and
/// offline copies: it reads the public model and the built site, nothing else).
const AFTER_THE_GATE: &[&str] = &["render", "markdown", "localize", "search", "share"];

/// Files after the gate that import the raw model or the gate.
fn crossings(sources: &[(String, String)]) -> Vec<String> {
    let mut out = Vec::new();
    for (rel, code) in sources {
        if !AFTER_THE_GATE.contains(&module(rel).as_str()) {
            continue;
        }
        let imported = imports(code);
        for forbidden in ["content", "consent"] {
            if imported.contains(forbidden) {
                out.push(format!("src/{rel} imports crate::{forbidden}"));
            }
        }
    }
    out
}

/// Files outside the gate that import the raw model and build a public-model struct (`types`).
fn public_builders(sources: &[(String, String)], types: &[&str]) -> Vec<String> {
    let mut out = Vec::new();
    for (rel, code) in sources {
        if rel.starts_with("consent/") || rel == "public.rs" || !imports(code).contains("content") {
            continue;
        }
        for name in types {
            for (at, _) in code.match_indices(name) {
                let before = code[..at].chars().next_back().unwrap_or(' ');
                let after = code[at + name.len()..].trim_start();
                let literal = !before.is_alphanumeric() && before != '_' && before != ':';
                let head = code[..at].trim_end();
                let signature = head.ends_with("impl") || head.ends_with("->");
                if literal && after.starts_with('{') && !signature {
                    out.push(format!("src/{rel} builds a public `{name}`"));
                }
            }
        }
    }
    out
}

#[test]
fn what_renders_pages_never_sees_the_raw_model_or_the_gate() {
    let crossing = crossings(&sources());
    assert!(crossing.is_empty(), "{crossing:#?}");
}

#[test]
fn only_the_gate_makes_the_public_model_from_raw_content() {
    let public = std::fs::read_to_string(repo().join("src/public.rs")).unwrap();
    let types: Vec<&str> = public
        .lines()
        .filter_map(|l| l.trim().strip_prefix("pub struct "))
        .filter_map(|rest| rest.split([' ', '<', '{', '(']).next())
        .collect();
    assert!(
        types.contains(&"Entry") && types.contains(&"PublicSite"),
        "{types:?}"
    );
    let found = public_builders(&sources(), &types);
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn the_boundary_checks_see_a_crossing() {
    let fake = |rel: &str, code: &str| vec![(rel.to_string(), code.to_string())];
    let raw_in_render = fake("render/view.rs", "use crate::content::raw::ContestStats;\n");
    assert_eq!(
        crossings(&raw_in_render),
        ["src/render/view.rs imports crate::content"]
    );
    let gate_in_markdown = fake("markdown.rs", "let x = crate::consent::gate(raw, s);\n");
    assert_eq!(
        crossings(&gate_in_markdown),
        ["src/markdown.rs imports crate::consent"]
    );
    let builder = fake(
        "audit/mod.rs",
        "use crate::content::RawEntry;\nfn f(r: &RawEntry) -> Entry { Entry { title: r.slug.clone() } }\n",
    );
    assert_eq!(
        public_builders(&builder, &["Entry"]),
        ["src/audit/mod.rs builds a public `Entry`"]
    );
    let gate = fake(
        "consent/mod.rs",
        "use crate::content::RawEntry;\nlet e = Entry { x };\n",
    );
    assert!(public_builders(&gate, &["Entry"]).is_empty());
}

/// The fields of a `pub struct NAME { … }` of `code`.
fn fields_of(code: &str, name: &str) -> Vec<String> {
    let start = code
        .find(&format!("pub struct {name} {{"))
        .unwrap_or_else(|| panic!("no struct {name}"));
    let body = &code[start..];
    let body = &body[..body.find("\n}").unwrap_or(body.len())];
    body.lines()
        .skip(1)
        .filter_map(|l| l.trim().strip_prefix("pub "))
        .filter_map(|l| l.split(':').next())
        .map(str::to_string)
        .collect()
}

/// Places outside `public.rs` that define or copy one of `fields` by hand: a struct field or a
/// struct literal's field (`purpose: …`), or the key as a string (`"purpose"`).
fn copies(sources: &[(String, String)], fields: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    for (rel, code) in sources {
        if rel == "public.rs" {
            continue;
        }
        for line in code.lines() {
            let line = line.trim();
            let line = line.strip_prefix("pub ").unwrap_or(line);
            for field in fields {
                if line.starts_with(&format!("{field}:")) || line.contains(&format!("\"{field}\""))
                {
                    out.push(format!("src/{rel}: {line}"));
                }
            }
        }
    }
    out
}

/// Issue 27: a contest's facts (organisers, purpose, audience…) are defined once, in
/// `public::ContestFacts`, and read, gated, translated, shown and exported as a whole; so
/// adding one is a change to that struct (plus the template that shows it, its labels, the
/// data schema and the README), and no other Rust file.
#[test]
fn a_contest_fact_is_defined_in_one_place() {
    let public = std::fs::read_to_string(repo().join("src/public.rs")).unwrap();
    let fields = fields_of(&public, "ContestFacts");
    assert!(
        fields.contains(&"purpose".to_string()) && fields.contains(&"organisers".to_string()),
        "{fields:?}"
    );
    let found = copies(&sources(), &fields);
    assert!(found.is_empty(), "copied by hand: {found:#?}");
    let template =
        std::fs::read_to_string(repo().join("themes/default/templates/contest.html")).unwrap();
    let schema = std::fs::read_to_string(repo().join("src/render/data_schema.json")).unwrap();
    for field in &fields {
        assert!(
            template.contains(&format!("contest.{field}")),
            "{field} not shown"
        );
        assert!(
            schema.contains(&format!("\"{field}\"")),
            "{field} not in the schema"
        );
    }
}

#[test]
fn a_fact_copied_by_hand_is_seen() {
    let fake = |rel: &str, code: &str| vec![(rel.to_string(), code.to_string())];
    let fields = ["purpose".to_string()];
    let copied = fake(
        "render/view.rs",
        "struct V {\n    pub purpose: Option<&'a str>,\n}\n",
    );
    assert_eq!(
        copies(&copied, &fields),
        ["src/render/view.rs: purpose: Option<&'a str>,"]
    );
    let listed = fake(
        "content/translation.rs",
        "const KEYS: &[&str] = &[\"purpose\"];\n",
    );
    assert_eq!(copies(&listed, &fields).len(), 1);
    let used = fake("share/cff.rs", "for o in &c.facts.organisers {}\n");
    assert!(copies(&used, &["organisers".to_string()]).is_empty());
}
