// Bytes a reader's browser fetches for each kind of page of a built site, on a phone (390 px
// wide at 3x density) and a laptop (1280 px at 1x), in headless Chromium driven by chromedriver.
// Each page is opened with an empty cache and scrolled to its end (lazy images load), then the
// document and every resource are summed (encodedBodySize: bytes on the wire, without headers).
//
//   node bench/page-bytes.mjs LABEL=OUT_DIR...      (bench/page-bytes.sh builds the variants)
//
// Prints one JSON line per (site, viewport, page), with each image's chosen file width against
// the pixels it fills (CSS width x density), then a Markdown table of total bytes.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';

const sites = process.argv.slice(2).map((a) => a.split('='));
if (!sites.length || sites.some((s) => s.length !== 2)) {
  throw new Error('usage: node bench/page-bytes.mjs LABEL=OUT_DIR...');
}

const PAGES = {
  home: '',
  contests: 'contests/',
  'gallery (images)': 'contests/sex-health-images-2014/',
  'gallery (videos)': 'contests/hiv-testing-video/',
  'entry (image)': 'contests/sex-health-images-2014/two-hearts-one-test/',
  'entry (video)': 'contests/hiv-testing-video/testing-together/',
  'entry (case study)': 'contests/heptestcontest-2016/market-day-screening/',
  framework: 'framework/',
};
const VIEWPORTS = {
  'phone 390x3': {
    mobileEmulation: { deviceMetrics: { width: 390, height: 844, pixelRatio: 3 } },
    args: [],
  },
  'laptop 1280x1': { args: ['--window-size=1280,800', '--force-device-scale-factor=1'] },
};

const TYPES = { '.html': 'text/html', '.css': 'text/css', '.js': 'text/javascript', '.svg': 'image/svg+xml',
  '.jpg': 'image/jpeg', '.png': 'image/png', '.webp': 'image/webp', '.json': 'application/json',
  '.mp4': 'video/mp4', '.vtt': 'text/vtt', '.wasm': 'application/wasm', '.xml': 'application/xml' };

function serve(root) {
  const server = http.createServer((req, res) => {
    let rel = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    let file = path.join(root, rel);
    if (!file.startsWith(root)) { res.writeHead(403).end(); return; }
    if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, 'index.html');
    if (!fs.existsSync(file)) { res.writeHead(404).end(); return; }
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] || 'application/octet-stream',
      'cache-control': 'no-store' });
    fs.createReadStream(file).pipe(res);
  });
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => ok(server)));
}

async function call(base, method, route, body) {
  const res = await fetch(base + route, { method, headers: { 'content-type': 'application/json' },
    body: body && JSON.stringify(body) });
  const json = await res.json();
  if (res.status >= 300) throw new Error(`${method} ${route}: ${JSON.stringify(json)}`);
  return json.value;
}

const MEASURE = `
  var done = arguments[arguments.length - 1];
  (async function () {
    var sleep = function (ms) { return new Promise(function (r) { setTimeout(r, ms); }); };
    for (var y = 0; y < document.documentElement.scrollHeight; y += innerHeight / 2) {
      scrollTo(0, y); await sleep(120);
    }
    scrollTo(0, document.documentElement.scrollHeight); await sleep(300);
    for (var i = 0; i < 100 && !Array.from(document.images).every(function (im) { return im.complete; }); i++) await sleep(100);
    await sleep(300);
    var nav = performance.getEntriesByType('navigation')[0];
    var bytes = { html: nav.encodedBodySize, css: 0, js: 0, images: 0, other: 0 };
    performance.getEntriesByType('resource').forEach(function (e) {
      var ext = new URL(e.name).pathname.split('.').pop();
      var kind = ext === 'css' ? 'css' : (ext === 'js' || ext === 'wasm') ? 'js'
        : ['jpg', 'png', 'webp', 'svg', 'gif'].indexOf(ext) >= 0 ? 'images' : 'other';
      bytes[kind] += e.encodedBodySize;
    });
    var images = Array.from(document.images).filter(function (im) { return im.currentSrc; }).map(function (im) {
      var name = im.currentSrc.split('/').pop();
      var width = (name.match(/-([0-9]+)-[0-9a-f]{10}[.]/) || [])[1];
      return { file: name, width: Number(width),
        needed: Math.round(im.getBoundingClientRect().width * devicePixelRatio) };
    });
    done({ bytes: bytes, images: images });
  })().catch(function (e) { done({ error: String(e) }); });`;

async function measure(label, viewport, options, server, rows) {
  const port = 9515 + Math.floor(Math.random() * 1000);
  const driver = spawn('/usr/bin/chromedriver', [`--port=${port}`], { stdio: 'ignore' });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    try { await fetch(base + '/status'); break; } catch (e) { if (i > 100) throw e; await new Promise((r) => setTimeout(r, 100)); }
  }
  const profile = fs.mkdtempSync('/tmp/page-bytes-');
  try {
    const chromeOptions = { binary: '/usr/bin/chromium', args: ['--headless=new', '--no-sandbox', '--disable-gpu',
      '--disable-dev-shm-usage', '--no-first-run', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', `--user-data-dir=${profile}`, ...options.args] };
    if (options.mobileEmulation) chromeOptions.mobileEmulation = options.mobileEmulation;
    const session = await call(base, 'POST', '/session', { capabilities: { alwaysMatch: {
      browserName: 'chrome', timeouts: { script: 60000, pageLoad: 60000 }, 'goog:chromeOptions': chromeOptions } } });
    const id = session.sessionId;
    const origin = `http://127.0.0.1:${server.address().port}/`;
    for (const [kind, page] of Object.entries(PAGES)) {
      await call(base, 'POST', `/session/${id}/goog/cdp/execute`, { cmd: 'Network.clearBrowserCache', params: {} });
      await call(base, 'POST', `/session/${id}/url`, { url: origin + page });
      const result = await call(base, 'POST', `/session/${id}/execute/async`, { script: MEASURE, args: [] });
      if (result.error) throw new Error(`${label} ${viewport} ${kind}: ${result.error}`);
      const total = Object.values(result.bytes).reduce((a, b) => a + b, 0);
      console.log(JSON.stringify({ site: label, viewport, page: kind, total, ...result.bytes, images: result.images }));
      rows.push({ label, viewport, kind, total, images: result.bytes.images });
    }
    await call(base, 'DELETE', `/session/${id}`);
  } finally {
    driver.kill();
    fs.rmSync(profile, { recursive: true, force: true });
  }
}

const rows = [];
for (const [label, dir] of sites) {
  const server = await serve(path.resolve(dir));
  try {
    for (const [viewport, options] of Object.entries(VIEWPORTS)) {
      await measure(label, viewport, options, server, rows);
    }
  } finally {
    server.close();
  }
}
// Total bytes (images in brackets) per page kind and viewport, one column per site.
const labels = sites.map(([label]) => label);
console.log(`\n| page | viewport | ${labels.join(' | ')} |`);
console.log(`|---|---|${labels.map(() => '---:').join('|')}|`);
const kB = (n) => (n / 1000).toFixed(1);
for (const viewport of Object.keys(VIEWPORTS)) {
  for (const kind of Object.keys(PAGES)) {
    const cells = labels.map((label) => {
      const r = rows.find((x) => x.label === label && x.viewport === viewport && x.kind === kind);
      return `${kB(r.total)} (${kB(r.images)})`;
    });
    console.log(`| ${kind} | ${viewport} | ${cells.join(' | ')} |`);
  }
}
