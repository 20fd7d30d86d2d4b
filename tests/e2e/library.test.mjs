// Issue 5 end to end, in the real window: start on an empty library, import the samples
// with their form export, see thumbnails, curate and tag with the keyboard, filter, open a
// clip and see it play, record a grant and see the status change.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Key } from 'selenium-webdriver';
import { $, $$, choose, eventually, launch, libraryPath, playsPast, samples, shot, text, visible } from './app.mjs';

let driver;

before(async () => {
  driver = await launch(libraryPath('fresh-library'));
});

after(async () => {
  await driver?.quit();
});

/** The number in "#result-count" ("1 asset", "17 assets"). */
async function count() {
  return Number((await text(driver, '#result-count')).replace(/[^0-9]/g, ''));
}

async function focusedCell() {
  return $(driver, '#grid .cell.focused');
}

test('an empty library says so and points to Import', async () => {
  const empty = await visible(driver, '#empty-library');
  assert.match(await empty.getText(), /import/i);
  await shot(driver, '01-empty-library');
});

test('importing the samples with their form export streams a result per file', async () => {
  await (await $(driver, '#nav-import')).click();
  const path = await visible(driver, '#import-path');
  await path.sendKeys(samples);
  await (await $(driver, '#import-manifest')).sendKeys(join(samples, 'submissions.csv'));
  await (await $(driver, '#import-start')).click();
  const summary = await visible(driver, '#import-summary', 120000);
  const rows = await $$(driver, '#import-results tr.result');
  assert.ok(rows.length >= 15, `a row per file, got ${rows.length}`);
  const statuses = await Promise.all(rows.map((r) => r.getAttribute('data-status')));
  assert.ok(statuses.filter((s) => s === 'ingested').length >= 12, statuses.join(','));
  assert.ok(statuses.includes('duplicate'), 'the copied photo is found to be a duplicate');
  assert.match(await summary.getText(), /\d/);
  assert.match(await text(driver, '#import-progress'), /(\d+) \/ \1/);
  await shot(driver, '02-import-results');
});

test('files Chorus cannot use are explained in plain words and stop nothing', async () => {
  const path = await $(driver, '#import-path');
  await path.clear();
  await path.sendKeys(process.env.CHORUS_E2E_BAD);
  await (await $(driver, '#import-manifest')).clear();
  await (await $(driver, '#import-start')).click();
  await eventually(
    driver,
    async () => (await $$(driver, '#import-results tr.result[data-status="error"]')).length >= 3,
    'error rows for the bad fixtures',
    120000,
  );
  await visible(driver, '#import-summary', 120000);
  const errors = await $$(driver, '#import-results tr.result[data-status="error"]');
  for (const row of errors.slice(0, 3)) {
    // A sentence a person can act on, not an error code.
    assert.match(await row.getText(), /[a-z]{3,} [a-z]{3,} [a-z]{2,}/i);
  }
  await shot(driver, '02b-import-errors');
});

test('thumbnails appear in the library grid', async () => {
  await (await $(driver, '#nav-library')).click();
  await visible(driver, '#grid .cell img.thumb');
  const loaded = await eventually(
    driver,
    () =>
      driver.executeScript(() => {
        const imgs = [...document.querySelectorAll('#grid .cell img.thumb')];
        const ok = imgs.filter((i) => i.complete && i.naturalWidth > 0).length;
        return ok >= 8 ? ok : false;
      }),
    'thumbnails to load through the media protocol',
  );
  assert.ok(loaded >= 8);
  assert.ok((await count()) >= 12);
  await shot(driver, '03-library-grid');
});

test('thumbnails come small, medium or large, and the choice is kept', async () => {
  const cellWidth = () =>
    driver.executeScript(() => Math.round(document.querySelector('#grid .cell[data-id]').getBoundingClientRect().width));
  assert.equal(await cellWidth(), 160);
  await choose(driver, '#thumb-size', 'large');
  await eventually(driver, async () => (await cellWidth()) === 248, 'large cells');
  await shot(driver, '03b-library-large-thumbnails');
  await choose(driver, '#thumb-size', 'small');
  await eventually(driver, async () => (await cellWidth()) === 120, 'small cells');
  assert.equal(await driver.executeScript(() => localStorage.getItem('chorus.thumbSize')), 'small');
  await choose(driver, '#thumb-size', 'medium');
  await eventually(driver, async () => (await cellWidth()) === 160, 'medium cells again');
  // The library by its name; its menu switches libraries without a folder path in sight.
  assert.equal(await driver.executeScript(() => document.querySelector('#library-name').textContent), 'fresh-library');
  await (await $(driver, '#library-menu')).click();
  const menu = await visible(driver, '#library-switcher');
  assert.match(await menu.getText(), /fresh-library[\s\S]*Open or create a library/);
  await shot(driver, '03d-library-switcher');
  await (await $(driver, '#library-menu')).click();
  await eventually(driver, async () => (await $$(driver, '#library-switcher')).length === 0, 'the menu closed');
});

test('a clip scrubs through its filmstrip under the pointer', async () => {
  const clip = await driver.executeScript(() => {
    const cell = [...document.querySelectorAll('#grid .cell[data-id]')].find((c) => c.querySelector('.duration'));
    return cell ? cell.dataset.index : null;
  });
  assert.ok(clip !== null, 'a clip in the grid');
  const frame = await $(driver, `#grid .cell[data-index="${clip}"] .frame`);
  const shown = () => driver.executeScript((i) => document.querySelector(`#grid .cell[data-index="${i}"] .scrub`)?.dataset.frame ?? null, clip);
  await driver.actions().move({ origin: frame, x: -70, y: 0 }).perform();
  await eventually(driver, async () => (await shown()) === '0', 'the first frame at the left edge');
  await driver.actions().move({ origin: frame, x: 70, y: 0 }).perform();
  await eventually(driver, async () => (await shown()) === '7', 'the last frame at the right edge');
  const loaded = await driver.executeAsyncScript((i, done) => {
    const url = getComputedStyle(document.querySelector(`#grid .cell[data-index="${i}"] .scrub`)).backgroundImage.slice(5, -2);
    const img = new Image();
    img.onload = () => done(img.naturalWidth > img.naturalHeight);
    img.onerror = () => done(false);
    img.src = url;
  }, clip);
  assert.ok(loaded, 'the filmstrip loads: a strip wider than tall');
  await shot(driver, '03c-clip-scrub');
  await driver.actions().move({ origin: await $(driver, '#search') }).perform();
  await eventually(driver, async () => (await shown()) === null, 'back to the thumbnail when the pointer leaves');
});

test('keyboard curation: shortlist, select, rate and tag, then filter by them', async () => {
  const total = await count();
  const first = await $(driver, '#grid .cell[data-index="0"]');
  await first.click();
  const grid = await $(driver, '#grid');
  await grid.sendKeys('p');
  await eventually(driver, async () => (await (await focusedCell()).getAttribute('data-curation')) === 'shortlisted', 'P to shortlist');
  await grid.sendKeys(Key.ARROW_RIGHT, 's', '4');
  await eventually(driver, async () => {
    const cell = await focusedCell();
    return (await cell.getAttribute('data-curation')) === 'selected' && (await cell.getAttribute('data-rating')) === '4';
  }, 'S to select and 4 to rate the next asset');
  await grid.sendKeys('t');
  const tag = await visible(driver, '#tag-input');
  await tag.sendKeys('summer-hero', Key.ENTER);
  await shot(driver, '04-keyboard-curation');

  await choose(driver, '#filter-curation', 'shortlisted');
  await eventually(driver, async () => (await count()) === 1, 'one shortlisted asset');
  await choose(driver, '#filter-curation', '');
  await eventually(driver, async () => (await count()) === total, 'the filter cleared');
  await choose(driver, '#filter-rating', '4');
  await eventually(driver, async () => (await count()) === 1, 'one asset rated 4 or more');
  await choose(driver, '#filter-rating', '');
  await eventually(
    driver,
    async () => (await $$(driver, '#filter-tag option[value="summer-hero"]')).length === 1,
    'the new tag in the sidebar',
  );
  await choose(driver, '#filter-tag', 'summer-hero');
  await eventually(driver, async () => (await count()) === 1, 'one asset tagged summer-hero');
  await choose(driver, '#filter-tag', '');
  // Search goes through the engine's full-text index.
  await (await $(driver, '#search')).sendKeys('beach');
  await eventually(driver, async () => (await count()) >= 1 && (await count()) < total, 'search narrows the grid');
  await shot(driver, '05-filtered');
  await (await $(driver, '#search')).clear();
  await (await $(driver, '#search')).sendKeys(' ', Key.BACK_SPACE);
  await eventually(driver, async () => (await count()) === total, 'search cleared');
});

test('two submissions that look alike are shown side by side, and both can be kept', async () => {
  const before = await count();
  await (await $(driver, '#search')).sendKeys('hiking');
  await eventually(driver, async () => (await count()) === 2, 'the two hiking photos');
  await eventually(driver, async () => {
    await (await $(driver, '#grid .cell[data-index="0"][data-id]')).click();
    return true;
  }, 'the first hiking photo clicked');
  await (await $(driver, '#grid')).sendKeys(Key.ENTER);
  const pair = await visible(driver, '#near-duplicates .pair');
  const seen = await driver.executeScript(() =>
    [...document.querySelectorAll('#near-duplicates .pair img')].map((i) => i.complete && i.naturalWidth > 0),
  );
  assert.equal(seen.length, 2, 'both pictures, side by side');
  assert.match(await pair.getText(), /This one[\s\S]*That one/);
  await driver.executeScript(() => document.querySelector('#near-duplicates').scrollIntoView({ block: 'center' }));
  await shot(driver, '06c-near-duplicates');
  await eventually(driver, async () => {
    await (await $(driver, '#near-duplicates .pair .keep-both')).click();
    return true;
  }, 'Keep both clicked');
  await eventually(driver, async () => (await $$(driver, '#near-duplicates')).length === 0, 'no longer paired');
  await (await $(driver, '#asset-close')).click();
  await (await $(driver, '#search')).clear();
  await (await $(driver, '#search')).sendKeys(' ', Key.BACK_SPACE);
  await eventually(driver, async () => (await count()) === before, 'search cleared');
});

test('a clip opens in the asset panel and plays', async () => {
  await choose(driver, '#filter-kind', 'clip');
  await eventually(driver, async () => (await $$(driver, '#grid .cell[data-id]')).length >= 1, 'clips listed');
  const clip = await $(driver, '#grid .cell[data-index="0"]');
  await clip.click();
  await (await $(driver, '#grid')).sendKeys(Key.ENTER);
  await visible(driver, '#asset-panel');
  await visible(driver, 'video#player');
  const played = await playsPast(driver, 'video#player', 0.3, 'the clip to play');
  assert.ok(played.time > 0.3, `played to ${played.time} s`);
  await shot(driver, '06-clip-playing');
  await (await $(driver, '#asset-close')).click();
  await choose(driver, '#filter-kind', '');
});

test('a phone clip filmed upright plays upright', async () => {
  // unboxing_vertical.mp4 is stored 640×360 with a 90° display matrix, as phones record.
  await (await $(driver, '#search')).sendKeys('unboxing');
  await eventually(driver, async () => (await $$(driver, '#grid .cell[data-id]')).length === 1, 'the vertical clip found');
  await (await $(driver, '#grid .cell[data-index="0"]')).click();
  await (await $(driver, '#grid')).sendKeys(Key.ENTER);
  await visible(driver, '#asset-panel');
  await visible(driver, 'video#player');
  const seen = await playsPast(driver, 'video#player', 0.3, 'the vertical clip to play');
  // WebKit's player applies the display matrix: the picture is 360 wide, 640 tall.
  assert.deepEqual([seen.width, seen.height], [360, 640], 'played upright');
  await shot(driver, '06b-vertical-clip');
  await (await $(driver, '#asset-close')).click();
  await (await $(driver, '#search')).clear();
  await (await $(driver, '#search')).sendKeys(' ', Key.BACK_SPACE);
});

test('revoking and recording a grant change the rights status', async () => {
  // A clip its contributor cleared through the form: they withdraw, then say yes again.
  await choose(driver, '#filter-rights', 'granted');
  await eventually(driver, async () => (await $$(driver, '#grid .cell[data-id]')).length >= 1, 'a granted asset');
  // The grid may redraw as the filtered page lands: find the cell again until the click takes.
  await eventually(driver, async () => {
    await (await $(driver, '#grid .cell[data-index="0"][data-id]')).click();
    return true;
  }, 'the first granted asset clicked');
  await (await $(driver, '#grid')).sendKeys(Key.ENTER);
  const status = await visible(driver, '#rights-status');
  assert.equal(await status.getText(), 'granted');
  await (await $(driver, '#revoke-open')).click();
  await (await visible(driver, '#revoke-reason')).sendKeys('Asked us by e-mail to stop using it');
  await (await $(driver, '#revoke-submit')).click();
  await eventually(driver, async () => (await text(driver, '#rights-status')) === 'revoked', 'status revoked');

  await (await $(driver, '#grant-open')).click();
  await visible(driver, '#grant-form');
  for (const channel of ['web', 'social']) {
    const box = await $(driver, `input[name="grant-channel"][value="${channel}"]`);
    if (!(await box.isSelected())) await box.click();
  }
  const territories = await $(driver, '#grant-territories');
  await territories.clear();
  await territories.sendKeys('WORLDWIDE');
  await (await $(driver, '#grant-evidence')).sendKeys('Replied by e-mail: "Yes, happy for you to use it again!"');
  await choose(driver, '#grant-source', 'email');
  // The form says in words what recording it would allow.
  assert.match(await text(driver, '#grant-allows'), /^This allows web and social use, worldwide, from today /);
  await shot(driver, '07-grant-form');
  await (await $(driver, '#grant-submit')).click();
  await eventually(driver, async () => (await text(driver, '#rights-status')) === 'granted', 'status granted');
  const history = await text(driver, '#history');
  // Sentences a person reads, the words agreed to quoted, and who recorded each.
  assert.match(history, /withdrew consent from \d{1,2} \w+ \d{4}/);
  assert.match(history, /granted web and social use, worldwide, (until \d{1,2} \w+ \d{4}|with no end date), by e-mail/);
  assert.match(history, /“Replied by e-mail: "Yes, happy for you to use it again!"”/);
  assert.match(history, /“Asked us by e-mail to stop using it”/);
  // tauri-driver starts the app without USER: the audit log still names the account.
  assert.match(history, /recorded by \S+/);
  assert.doesNotMatch(history, /recorded by (unknown|an unknown account)/);
  // What was stored stays one click away, folded until asked for.
  const folded = await driver.executeScript(() => {
    const raw = [...document.querySelectorAll('#history details.raw')];
    return raw.length > 0 && raw.every((d) => !d.open);
  });
  assert.ok(folded, 'the recorded detail is folded under each sentence');
  await shot(driver, '08-granted');
  await (await $(driver, '#asset-close')).click();
  await choose(driver, '#filter-rights', '');
});

test('contributors and the rights queue', async () => {
  await (await $(driver, '#nav-contributors')).click();
  await eventually(driver, async () => (await $$(driver, 'tr.contributor')).length >= 3, 'contributors listed');
  await shot(driver, '09-contributors');
  await (await $(driver, '#nav-rights')).click();
  for (const id of ['#queue-to-request', '#queue-awaiting', '#queue-expiring', '#queue-revoked']) {
    await visible(driver, id);
  }
  await shot(driver, '10-rights-queue');
});

/** Imports a folder through the Import screen and waits until `expect` has its result. */
async function importFolder(folder, expect) {
  await (await $(driver, '#nav-import')).click();
  const path = await visible(driver, '#import-path');
  await path.clear();
  await path.sendKeys(folder);
  await (await $(driver, '#import-manifest')).clear();
  await (await $(driver, '#import-start')).click();
  await eventually(
    driver,
    () =>
      driver.executeScript((name) => {
        const rows = [...document.querySelectorAll('#import-results tr.result')];
        const progress = document.querySelector('#import-progress')?.textContent ?? '';
        const done = /(\d+) \/ \1/.test(progress);
        return done && rows.some((r) => r.textContent.includes(name));
      }, expect),
    `the import of ${expect} to finish`,
    120000,
  );
}

/** Finds one asset by name in the library and opens it in the asset panel. */
async function openByName(name) {
  await (await $(driver, '#nav-library')).click();
  const search = await visible(driver, '#search');
  await search.clear();
  await search.sendKeys(' ', Key.BACK_SPACE, name);
  await eventually(driver, async () => (await $$(driver, '#grid .cell[data-id]')).length === 1, `${name} found`);
  // The grid re-renders as the search narrows it: click and open until the panel says so.
  await eventually(
    driver,
    async () => {
      try {
        await (await $(driver, '#grid .cell[data-index="0"]')).click();
        await (await $(driver, '#grid')).sendKeys(Key.ENTER);
      } catch {
        return false;
      }
      await driver.sleep(300);
      return driver.executeScript((n) => document.querySelector('#asset-panel h2')?.textContent?.includes(n) ?? false, name);
    },
    `${name} in the panel`,
  );
  await eventually(driver, async () => (await $$(driver, '#meta-colour')).length === 1, 'its details');
}

test("an iPhone's HEIC photo shows upright, with its colour and location in words", async () => {
  await importFolder(process.env.CHORUS_E2E_PHONE, 'iphonexs-rotated-gps.heic');
  await openByName('iphonexs');
  // The webview cannot decode HEIC: the library's JPEG rendition is what it shows.
  const size = await eventually(
    driver,
    () =>
      driver.executeScript(() => {
        const img = document.querySelector('img#viewer');
        return img && img.complete && img.naturalWidth > 0 ? [img.naturalWidth, img.naturalHeight] : false;
      }),
    'the HEIC rendition to load',
  );
  assert.ok(size[1] > size[0], `portrait as the phone showed it, got ${size}`);
  assert.match(await text(driver, '#meta-colour'), /Display P3/);
  assert.match(await text(driver, '#meta-location'), /GPS/);
  await shot(driver, '11-heic-photo');
  await driver.executeScript(() => document.querySelector('#meta-colour').scrollIntoView({ block: 'center' }));
  await shot(driver, '11b-heic-details');
  await (await $(driver, '#asset-close')).click();
});

test('an HDR phone clip plays from its SDR copy, upright', async () => {
  await openByName('iphone14pro');
  assert.match(await text(driver, '#meta-colour'), /HDR \(HLG, BT\.2020, 10-bit\)/);
  assert.match(await text(driver, '#meta-location'), /Location recorded/);
  await visible(driver, 'video#player');
  // The clip lasts 0.1 s: it has played when it reached its end with a picture.
  const seen = await playsPast(driver, 'video#player', 0.05, 'the HDR clip to play');
  assert.deepEqual([seen.width, seen.height], [720, 1280], 'played upright');
  await shot(driver, '12-hdr-clip');
  await driver.executeScript(() => document.querySelector('#meta-colour').scrollIntoView({ block: 'center' }));
  await shot(driver, '12b-hdr-details');
  await (await $(driver, '#asset-close')).click();
});
