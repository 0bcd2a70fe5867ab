// readability.js: Mozilla Readability.js on jsdom over a folder of
// ID.html(.gz) pages and truth.json, in one Node process, writing each
// page's textContent to OUT/ID.txt for score.py (see quality.sh).
// Needs `npm install @mozilla/readability jsdom` in a scratch folder
// outside the tree (NODE_PATH pointing at its node_modules).
const fs = require('fs');
const path = require('path');
const zlib = require('zlib');
const { JSDOM, VirtualConsole } = require('jsdom');
const { Readability } = require('@mozilla/readability');

const [dir, out] = process.argv.slice(2);
const truth = JSON.parse(fs.readFileSync(path.join(dir, 'truth.json')));
fs.mkdirSync(out, { recursive: true });
for (const id of Object.keys(truth).sort()) {
  const gz = path.join(dir, id + '.html.gz');
  const html = fs.existsSync(gz) ?
    zlib.gunzipSync(fs.readFileSync(gz)).toString('utf8') :
    fs.readFileSync(path.join(dir, id + '.html'), 'utf8');
  let text = '';
  try {
    const dom = new JSDOM(html, { url: truth[id].url,
      virtualConsole: new VirtualConsole() });
    const article = new Readability(dom.window.document).parse();
    text = article ? article.textContent : '';
    dom.window.close();
  } catch (e) {
    text = '';
  }
  fs.writeFileSync(path.join(out, id + '.txt'), text);
}
