// sesh search page: Pagefind's search API behind a plain form. Without JavaScript the page is a
// list of every published entry; with it, typing searches the index of this language's pages
// (which also holds each entry's text in the other languages, so either script finds it).
const form = document.querySelector(".search-form");
if (form) {
  const d = form.dataset;
  const input = form.querySelector("input");
  const box = document.querySelector(".search-results");
  const status = box.querySelector(".search-status");
  const list = box.querySelector(".search-list");
  const all = document.querySelector(".search-all");
  let loading = null;
  let latest = 0;

  const load = () => {
    loading = loading || import(new URL(d.index + "pagefind.js", document.baseURI).href).then(async (pagefind) => {
      await pagefind.options({ excerptLength: 24 });
      await pagefind.init();
      return pagefind;
    });
    return loading;
  };

  // Pagefind marks matches with <mark>; everything else is inserted as text, never as HTML.
  const excerpt = (text) => {
    const p = document.createElement("p");
    text.split(/(<mark>|<\/mark>)/).reduce((marked, part) => {
      if (part === "<mark>") return true;
      if (part === "</mark>") return false;
      const node = marked ? document.createElement("mark") : document.createTextNode(part);
      if (marked) node.textContent = part;
      p.append(node);
      return marked;
    }, false);
    return p;
  };

  const item = (result) => {
    const li = document.createElement("li");
    const a = document.createElement("a");
    a.href = result.url;
    a.textContent = result.meta.title || result.url;
    if (result.meta.title_lang && result.meta.title_lang !== d.lang) a.lang = result.meta.title_lang;
    const h = document.createElement("h2");
    h.className = "search-hit";
    h.append(a);
    const contest = document.createElement("p");
    contest.className = "card-meta";
    contest.textContent = result.meta.contest || "";
    li.append(h, contest, excerpt(result.excerpt || ""));
    return li;
  };

  const run = async () => {
    const query = input.value.trim();
    const id = ++latest;
    if (!query) {
      box.hidden = true;
      all.hidden = false;
      return;
    }
    box.hidden = false;
    all.hidden = true;
    status.textContent = d.loading;
    try {
      const pagefind = await load();
      const search = await pagefind.search(query, { filters: { lang: d.lang } });
      if (id !== latest) return;
      const hits = await Promise.all(search.results.slice(0, 30).map((r) => r.data()));
      if (id !== latest) return;
      const n = search.results.length;
      status.textContent = n === 0 ? d.none : (n === 1 ? d.foundOne : d.foundOther.replace("{count}", n));
      list.replaceChildren(...hits.map(item));
    } catch (e) {
      status.textContent = d.failed;
      all.hidden = false;
    }
  };

  form.hidden = false;
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    run();
  });
  input.addEventListener("input", run);
  const initial = new URLSearchParams(location.search).get("q");
  if (initial) {
    input.value = initial;
    run();
  }
}
