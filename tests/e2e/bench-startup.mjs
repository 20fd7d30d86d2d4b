// Desktop benchmark (not a test): from launching the app on a large library to a painted,
// scrollable grid, and from a jump deep into the grid to its thumbnails on screen.
// Run by scripts/bench-desktop.sh under Xvfb with tauri-driver; prints a Markdown table.
import { Builder } from 'selenium-webdriver';

const app = process.env.CHORUS_E2E_APP;
const library = process.env.CHORUS_BENCH_LIBRARY;
const runs = Number(process.env.BENCH_RUNS ?? 5);

function percentile(xs, q) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.round((s.length - 1) * q)];
}

// The CSP forbids eval, so each wait is its own script (no `new Function` in the page).
/** Resolves, with the page's clock, once 12+ grid thumbnails have loaded. */
const painted = (driver) =>
  driver.executeAsyncScript((done) => {
    const tick = () => {
      const imgs = [...document.querySelectorAll('#grid .cell img.thumb')];
      if (imgs.length >= 12 && imgs.every((i) => i.complete && i.naturalWidth > 0)) done(performance.now());
      else setTimeout(tick, 10);
    };
    tick();
  });

/** Resolves once the grid shows loaded thumbnails of cells past index 40,000. */
const deepPainted = (driver) =>
  driver.executeAsyncScript((done) => {
    const tick = () => {
      const g = document.querySelector('#grid');
      const cells = [...document.querySelectorAll('#grid .cell[data-index]')].filter((c) => Number(c.dataset.index) > 40000);
      const imgs = cells.map((c) => c.querySelector('img.thumb')).filter(Boolean);
      if (g.scrollTop > 0 && imgs.length >= 12 && imgs.every((i) => i.complete && i.naturalWidth > 0)) done(performance.now());
      else setTimeout(tick, 10);
    };
    tick();
  });

const start = [];
const jump = [];
for (let i = 0; i < runs; i++) {
  const t0 = Date.now();
  const driver = await new Builder()
    .usingServer('http://127.0.0.1:4444/')
    .withCapabilities({ browserName: 'wry', 'tauri:options': { application: app, args: ['--library', library] } })
    .build();
  await driver.manage().setTimeouts({ script: 60000 });
  await painted(driver);
  start.push(Date.now() - t0);
  // Jump to the middle of the grid, as a scroll bar drag does, and wait for thumbnails.
  const t1 = await driver.executeScript(() => {
    const g = document.querySelector('#grid');
    g.scrollTop = g.scrollHeight / 2;
    g.dispatchEvent(new Event('scroll'));
    return performance.now();
  });
  const t2 = await deepPainted(driver);
  jump.push(t2 - t1);
  await driver.quit();
}
console.log('| measure | runs | p50 ms | p95 ms |');
console.log('|---|---:|---:|---:|');
console.log(`| app launch to a painted grid (12+ thumbnails) | ${runs} | ${percentile(start, 0.5).toFixed(0)} | ${percentile(start, 0.95).toFixed(0)} |`);
console.log(`| jump to the middle of the grid to its thumbnails | ${runs} | ${percentile(jump, 0.5).toFixed(0)} | ${percentile(jump, 0.95).toFixed(0)} |`);
