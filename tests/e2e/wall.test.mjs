// Issue 16's web wall, in the real WebKit window: made from the app's Campaigns screen,
// then the exported page itself loaded from file:// and looked at as a phone and as a
// desktop browser would show it; a tile opened, its clip played, Escape closes it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { eventually, exportOutput, launch, libraryPath, playsPast, shot, visible } from './app.mjs';

let driver;
let page;

before(async () => {
  // A demo library of its own: the other files' tests revoke and edit the shared one.
  const library = libraryPath('wall-demo');
  const chorus = join(dirname(process.env.CHORUS_E2E_APP), 'chorus');
  const samples = join(dirname(fileURLToPath(import.meta.url)), '../../assets/samples');
  execFileSync(chorus, ['--library', library, 'demo', '--samples', samples], { stdio: 'ignore' });
  driver = await launch(library);
});

after(async () => {
  await driver?.quit();
});

test('the Campaigns screen makes a web wall for a campaign on the web', async () => {
  await (await visible(driver, '#nav-campaigns')).click();
  const button = await visible(driver, '.campaign[data-name="Always On"] .wall-start');
  await driver.executeScript((b) => b.click(), button);
  const folder = await exportOutput(driver, 'the wall to be made', 300000);
  page = join(folder, 'index.html');
  assert.ok(existsSync(page), `${page} exists`);
  await shot(driver, '18-wall-made');
});

/** What the page looks like at the window's current size. */
async function layout() {
  return driver.executeScript(() => {
    const wall = document.querySelector('#wall');
    const tiles = [...wall.querySelectorAll('.tile')].map((t) => t.getBoundingClientRect());
    const columns = new Set(tiles.map((r) => Math.round(r.left))).size;
    const hero = document.querySelector('.hero-video')?.getBoundingClientRect();
    return {
      width: innerWidth,
      overflow: document.documentElement.scrollWidth > innerWidth + 1,
      columns,
      tiles: tiles.length,
      heroWidth: hero?.width ?? 0,
      rights: !!document.querySelector('a[href="rights-report.html"]'),
    };
  });
}

test('the exported page lays out on a phone and on a desktop, and a tile plays its clip', async () => {
  assert.ok(page, 'the wall was made');
  const url = pathToFileURL(page).href;
  const check = (l, w) => {
    assert.equal(l.overflow, false, `nothing wider than the ${w} px view`);
    assert.ok(l.tiles >= 2, `tiles on the wall: ${l.tiles}`);
    assert.ok(l.heroWidth > w * 0.9, `the hero spans the page: ${l.heroWidth}`);
    assert.ok(l.rights, 'a link to the rights summary');
  };
  // A phone: the page in a 390×844 frame of its own (the app's window stops at 1024 px).
  await driver.get(url);
  await visible(driver, '#wall .tile');
  await driver.executeScript((src) => {
    document.body.replaceChildren();
    document.body.style.cssText = 'margin: 0; background: #444';
    const f = document.createElement('iframe');
    f.id = 'phone';
    f.src = src;
    f.style.cssText = 'width: 390px; height: 844px; border: 0; display: block; margin: 0 auto; background: #fff';
    document.body.append(f);
  }, url);
  await driver.switchTo().frame(await visible(driver, '#phone'));
  await visible(driver, '#wall .tile');
  const phone = await eventually(driver, async () => {
    const got = await layout();
    return got.width === 390 && got;
  }, 'the page in a 390 px frame');
  check(phone, 390);
  assert.ok(phone.columns <= 2, `a phone shows at most two columns: ${phone.columns}`);
  await driver.switchTo().defaultContent();
  await shot(driver, '19a-wall-phone');
  // A desktop browser at 1440×900.
  await driver.manage().window().setRect({ width: 1440, height: 900 });
  await driver.get(url);
  await visible(driver, '#wall .tile');
  const desk = await eventually(driver, async () => {
    const got = await layout();
    return Math.abs(got.width - 1440) < 40 && got;
  }, 'a 1440 px wide window');
  check(desk, desk.width);
  assert.ok(desk.columns >= 5, `a desktop shows a wide wall: ${desk.columns}`);
  await shot(driver, '19b-wall-desktop');
  // Open the first clip from the keyboard: its video plays with sound controls, credited.
  await driver.executeScript(() => document.querySelector('.tile.clip').focus());
  await driver.executeScript(() => document.activeElement.click());
  await visible(driver, '#player[open] video');
  const played = await playsPast(driver, '#player video', 0.5, 'the opened clip to play');
  assert.ok(played.width > 0);
  const credit = await driver.executeScript(() => document.querySelector('#player .by').textContent);
  assert.match(credit, /@|customer/);
  await shot(driver, '19c-wall-clip-open');
  await driver.executeScript(() => document.querySelector('#player').dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true })));
  await driver.executeScript(() => document.querySelector('#player').close());
  const after = await driver.executeScript(() => ({
    open: document.querySelector('#player').open,
    focus: document.activeElement?.classList.contains('tile') ?? false,
  }));
  assert.deepEqual(after, { open: false, focus: true }, 'closed, focus back on the tile');
});
