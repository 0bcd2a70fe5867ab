// speed.js: Mozilla Readability.js on jsdom over the pages named in a
// list file (lines "FILE<TAB>URL", as `feedd extract --list` reads), all
// in this one Node process, ROUNDS times over.  Prints one line:
//   readability pages N seconds S cpu C maxrss_kib M
// Needs `npm install @mozilla/readability jsdom` in a folder outside the
// tree, with NODE_PATH pointing at its node_modules (see speed.sh).
const fs = require('fs');
const { JSDOM, VirtualConsole } = require('jsdom');
const { Readability } = require('@mozilla/readability');

const [list, rounds] = [process.argv[2], Number(process.argv[3] || 1)];
const pages = fs.readFileSync(list, 'utf8').split('\n').filter(Boolean)
  .map((l) => l.split('\t'))
  .map(([file, url]) => ({ html: fs.readFileSync(file, 'utf8'), url }));
const cpu0 = process.cpuUsage();
const t0 = process.hrtime.bigint();
let n = 0, found = 0;
for (let r = 0; r < rounds; r++) {
  for (const p of pages) {
    try {
      const dom = new JSDOM(p.html, { url: p.url,
        virtualConsole: new VirtualConsole() });
      const article = new Readability(dom.window.document).parse();
      if (article && article.textContent) found++;
      dom.window.close();
    } catch (e) {
      // A page Readability.js fails on still counts as done.
    }
    n++;
  }
}
const secs = Number(process.hrtime.bigint() - t0) / 1e9;
const cpu = process.cpuUsage(cpu0);
console.log('readability pages %d found %d seconds %s cpu %s maxrss_kib %d',
  n, found, secs.toFixed(3), ((cpu.user + cpu.system) / 1e6).toFixed(3),
  process.resourceUsage().maxRSS);
