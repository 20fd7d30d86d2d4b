// Desktop benchmark (not a test): from pressing Preview in the piece editor to the preview
// playing, for the demo's 15 s story, against the time the whole preview file takes to
// render (what the player waited for before previews played as they rendered). Run by
// scripts/bench-preview.sh under Xvfb with tauri-driver; prints a Markdown table.
import { Builder, By, until } from 'selenium-webdriver';

const app = process.env.CHORUS_E2E_APP;
const library = process.env.CHORUS_BENCH_DEMO;
const runs = Number(process.env.BENCH_RUNS ?? 5);
const PIECE = 'Story cut';

function percentile(xs, q) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.round((s.length - 1) * q)];
}

const driver = await new Builder()
  .usingServer('http://127.0.0.1:4444/')
  .withCapabilities({ browserName: 'wry', 'tauri:options': { application: app, args: ['--library', library] } })
  .build();
await driver.manage().setTimeouts({ script: 60000 });
try {
  const nav = await driver.wait(until.elementLocated(By.css('#nav-campaigns')), 30000);
  await driver.wait(until.elementIsVisible(nav), 30000);
  await nav.click();
  await driver.wait(until.elementsLocated(By.css('.piece-row')), 30000);
  const opened = await driver.executeScript((name) => {
    const row = [...document.querySelectorAll('.piece-row')].find((r) => r.textContent.includes(name));
    row?.querySelector('.name button')?.click();
    return !!row;
  }, PIECE);
  if (!opened) throw new Error(`no piece named ${PIECE}`);
  await driver.wait(until.elementLocated(By.css('#preview-start')), 30000);

  const play = [];
  const whole = [];
  for (let i = 0; i < runs; i++) {
    // Pressed and watched in the page: the times are the person's, not WebDriver's.
    const t = await driver.executeAsyncScript((done) => {
      const t0 = performance.now();
      let playing = null;
      document.querySelector('#preview-start').click();
      const tick = () => {
        const now = performance.now() - t0;
        const v = document.querySelector('video#preview-player');
        if (playing === null && v && v.currentTime > 0 && !v.paused) playing = now;
        const rendering = !!document.querySelector('#preview-progress');
        if (playing !== null && !rendering && now > 200) done({ playing, whole: now });
        else if (now > 50000) done({ playing: -1, whole: -1 });
        else setTimeout(tick, 5);
      };
      tick();
    });
    if (t.playing < 0) throw new Error('the preview never played');
    play.push(t.playing);
    whole.push(t.whole);
    // Let it play a moment, as a person would, before the next press.
    await driver.sleep(500);
  }
  // The timeline: the frame under the playhead after each jump of the playhead (a second
  // on, from the start), and from pressing play to the first frame of the live preview.
  const frame = [];
  const firstPlayed = [];
  for (let i = 0; i < runs; i++) {
    const took = await driver.executeAsyncScript((done) => {
      const body = document.querySelector('#tl-body');
      const key = (k, shiftKey = false) => body.dispatchEvent(new KeyboardEvent('keydown', { key: k, shiftKey, bubbles: true }));
      const out = [];
      key('Home');
      const next = (n) => {
        const want = Number(body.getAttribute('aria-valuenow'));
        const wait = () => {
          const img = document.querySelector('#playhead-frame');
          if (img && Number(img.dataset.ms) === want && img.complete) {
            out.push(Number(img.dataset.took));
            if (n === 0) return done(out);
            key('ArrowRight', true);
            setTimeout(() => next(n - 1), 0);
          } else setTimeout(wait, 2);
        };
        wait();
      };
      next(12);
    });
    frame.push(...took);
    const first = await driver.executeAsyncScript((done) => {
      const body = document.querySelector('#tl-body');
      body.dispatchEvent(new KeyboardEvent('keydown', { key: 'Home', bubbles: true }));
      const img = document.querySelector('#playhead-frame');
      delete img.dataset.playFirst;
      body.dispatchEvent(new KeyboardEvent('keydown', { key: ' ', bubbles: true }));
      const wait = () => {
        const i = document.querySelector('#playhead-frame');
        if (i?.dataset.playFirst) {
          body.dispatchEvent(new KeyboardEvent('keydown', { key: 'k', bubbles: true }));
          done(Number(i.dataset.playFirst));
        } else setTimeout(wait, 2);
      };
      wait();
    });
    firstPlayed.push(first);
  }
  const p50 = (xs) => percentile(xs, 0.5);
  console.log('| measure (15 s story, release build) | runs | p50 ms | p95 ms |');
  console.log('|---|---:|---:|---:|');
  console.log(`| Preview pressed → playing | ${runs} | ${p50(play).toFixed(0)} | ${percentile(play, 0.95).toFixed(0)} |`);
  console.log(`| Preview pressed → whole preview rendered | ${runs} | ${p50(whole).toFixed(0)} | ${percentile(whole, 0.95).toFixed(0)} |`);
  console.log(`| Timeline: playhead moved → its frame shown (360×640) | ${frame.length} | ${p50(frame).toFixed(0)} | ${percentile(frame, 0.95).toFixed(0)} |`);
  console.log(`| Timeline: play pressed → first frame of the live preview | ${runs} | ${p50(firstPlayed).toFixed(0)} | ${percentile(firstPlayed, 0.95).toFixed(0)} |`);
  console.log(`\nplaying starts at ${(p50(play) / p50(whole)).toFixed(2)}× the time of waiting for the whole preview (p50)`);
} finally {
  await driver.quit();
}
