// The piece editor's timeline (issue 19), in the real window on the demo's hero: the
// frame under the playhead comes from the engine as the playhead moves (keys and clicks),
// play moves it with the clock, I and O trim the shot under it, an edge dragged trims,
// a shot dragged moves, zoom widens, and the sound of each shot and of the bed is drawn.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { Key } from 'selenium-webdriver';
import { $, $$, eventually, launch, libraryPath, shot, visible } from './app.mjs';

let driver;

before(async () => {
  // A demo library of its own: earlier tests revoke contributors of the shared one, and a
  // blocked piece shows no frame (tested in the trust tests).
  const library = libraryPath('timeline-demo');
  execFileSync(process.env.CHORUS_E2E_CLI, ['--library', library, 'demo', '--samples', resolve('../../assets/samples')]);
  driver = await launch(library);
  await visible(driver, '#grid');
  await (await $(driver, '#nav-campaigns')).click();
  const row = await eventually(
    driver,
    async () => {
      for (const r of await $$(driver, '.piece-row')) {
        if ((await r.getAttribute('data-kind')) === 'montage' && (await r.getText()).includes('Homepage hero')) return r;
      }
      return null;
    },
    'the hero in the list',
  );
  await (await row.findElement({ css: '.name button' })).click();
  await visible(driver, '#timeline .tl-item');
});

after(async () => {
  // Leave the demo's hero as it was saved (edits would stay as a draft for later tests).
  for (let i = 0; i < 20 && driver; i++) {
    const undo = await $(driver, '#piece-undo');
    if (!(await undo.isEnabled())) break;
    await undo.click();
  }
  await driver?.quit();
});

const attr = (css, name) => driver.executeScript((c, n) => document.querySelector(c)?.getAttribute(n) ?? null, css, name);
const playheadMs = async () => Number(await attr('#tl-body', 'aria-valuenow'));

/** Waits for the frame of the playhead's current place, and returns how long it took. */
async function frameFor(ms) {
  return eventually(
    driver,
    async () => {
      const shown = Number(await attr('#playhead-frame', 'data-ms'));
      const done = await driver.executeScript(() => {
        const i = document.querySelector('#playhead-frame');
        return !!i && i.complete && i.naturalWidth > 0;
      });
      return shown === ms && done ? Number(await attr('#playhead-frame', 'data-took')) : false;
    },
    `the frame at ${ms} ms`,
  );
}

test('the frame under the playhead follows keys and clicks', async () => {
  const body = await $(driver, '#tl-body');
  await body.click();
  await body.sendKeys(Key.HOME);
  assert.equal(await playheadMs(), 0);
  const took = [];
  took.push(await frameFor(0));
  // A second on, five times, then a frame on and back.
  for (let i = 0; i < 5; i++) {
    await body.sendKeys(Key.chord(Key.SHIFT, Key.ARROW_RIGHT));
    took.push(await frameFor(await playheadMs()));
  }
  const at5 = await playheadMs();
  assert.equal(at5, 5000);
  await body.sendKeys(Key.ARROW_RIGHT);
  assert.equal(await playheadMs(), 5033);
  took.push(await frameFor(5033));
  await body.sendKeys(Key.ARROW_LEFT);
  assert.equal(await playheadMs(), 5000);
  // Different instants, different pictures.
  const pic = () => driver.executeScript(() => document.querySelector('#playhead-frame').src.length);
  const a = await driver.executeScript(() => document.querySelector('#playhead-frame').src);
  // One chord per call: WebKitWebDriver drops the modifier of a second chord in one call.
  for (let i = 0; i < 3; i++) await body.sendKeys(Key.chord(Key.SHIFT, Key.ARROW_RIGHT));
  took.push(await frameFor(8000));
  const b = await driver.executeScript(() => document.querySelector('#playhead-frame').src);
  assert.notEqual(a, b, 'another instant, another frame');
  assert.ok((await pic()) > 1000, 'a real JPEG');
  assert.equal(await driver.executeScript(() => document.querySelector('#tl-time').textContent.trim().slice(0, 7)), '0:08.00');
  console.log(`frame under the playhead (debug build): ${took.join(', ')} ms`);
  await shot(driver, '60-timeline');
});

test('play moves the playhead with the clock, and K stops it', async () => {
  const body = await $(driver, '#tl-body');
  await body.sendKeys(Key.HOME, ' ');
  const first = await eventually(driver, async () => Number(await attr('#playhead-frame', 'data-play-first')) || false, 'the first played frame');
  // The sound joins once mixed: the piece's soundtrack as edited, as a WAV in memory.
  const sound = await eventually(driver, () => driver.executeScript(() => document.querySelector('#timeline-sound')?.src || false), 'the mixed sound', 30000);
  assert.match(sound, /^blob:/);
  await driver.sleep(1200);
  await body.sendKeys('k');
  const at = await playheadMs();
  assert.ok(at > 600 && at < 30000, `played to ${at} ms`);
  assert.equal(await attr('#tl-play', 'aria-pressed'), 'false');
  console.log(`play → first frame (debug build): ${first} ms`);
});

test('I and O trim the shot under the playhead, Ctrl+Z undoes it', async () => {
  const body = await $(driver, '#tl-body');
  const total = () => driver.executeScript(() => document.querySelector('#running-total').textContent.trim());
  const before = await total();
  // 2.5 s in: inside the first shot after the intro card.
  await body.sendKeys(Key.HOME);
  for (let i = 0; i < 2; i++) await body.sendKeys(Key.chord(Key.SHIFT, Key.ARROW_RIGHT));
  for (let i = 0; i < 15; i++) await body.sendKeys(Key.ARROW_RIGHT);
  assert.equal(await playheadMs(), 2500);
  await body.sendKeys('o');
  await eventually(driver, async () => (await total()) !== before, 'a shorter piece');
  assert.match(await driver.executeScript(() => document.querySelector('#piece-dirty').textContent), /Unsaved/);
  await body.sendKeys(Key.chord(Key.CONTROL, 'z'));
  await eventually(driver, async () => (await total()) === before, 'the trim undone');
});

test('an edge dragged trims, a shot dragged moves, zoom widens', async () => {
  const width = () => driver.executeScript(() => document.querySelector('#tl-body').getBoundingClientRect().width);
  const w0 = await width();
  await (await $(driver, '#tl-zoom-in')).click();
  assert.ok((await width()) > w0 * 1.5, 'zoomed in');
  await (await $(driver, '#tl-zoom-out')).click();

  const lengthOf = (i) => driver.executeScript((k) => document.querySelector(`.tl-item[data-index="${k}"]`).getBoundingClientRect().width, i);
  const w = await lengthOf(1);
  const edge = await $(driver, '.tl-item[data-index="1"] .edge.out');
  await driver.actions().move({ origin: edge }).press().move({ origin: edge, x: -25 }).release().perform();
  await eventually(driver, async () => (await lengthOf(1)) < w - 10, 'the shot shorter');
  await shot(driver, '61-timeline-trimmed');

  const order = () => driver.executeScript(() => [...document.querySelectorAll('#storyboard .card')].map((c) => c.dataset.assetId).join(','));
  const o0 = await order();
  const first = await $(driver, '.tl-item[data-index="0"]');
  const third = await $(driver, '.tl-item[data-index="2"]');
  const rect = await third.getRect();
  await driver.actions().move({ origin: first }).press().move({ origin: third, x: Math.round(rect.width / 2) - 2 }).release().perform();
  await eventually(driver, async () => (await order()) !== o0, 'the shots in another order');
  const o1 = (await order()).split(',');
  assert.equal(o1[2] ?? o1[1], o0.split(',')[0], `the first shot moved on: ${o0} → ${o1}`);
  await (await $(driver, '#piece-undo')).click();
  await (await $(driver, '#piece-undo')).click();
  await eventually(driver, async () => (await order()) === o0, 'undone');
});

test('the sound of each shot and of the bed is drawn', async () => {
  const paths = await eventually(
    driver,
    () =>
      driver.executeScript(() => {
        const shots = [...document.querySelectorAll('.row.sound .wave path')].map((p) => (p.getAttribute('d') ?? '').length);
        const bed = document.querySelector('.bed-wave path')?.getAttribute('d')?.length ?? 0;
        return shots.some((n) => n > 50) && bed > 50 ? { shots, bed } : false;
      }),
    'waveforms',
  );
  assert.ok(paths.bed > 50);
  await shot(driver, '62-timeline-waves');
});
