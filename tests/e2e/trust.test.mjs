// Issue 18 in the real window, on a demo library of its own: the audit verifies; a
// contributor is erased (the confirmation lists what goes, their assets leave the grid, a
// piece that used them is blocked); "Replace blocked shots" repairs the piece; a grant
// edited with sqlite3 shows up as the place the audit breaks.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { $, $$, eventually, launch, libraryPath, shot, text, visible } from './app.mjs';

const chorusCli = join(dirname(process.env.CHORUS_E2E_APP ?? '.'), 'chorus');
const library = libraryPath('trust-library');
const PERSON = '@priya.r';
let driver;
let theirs = [];

const cli = (...args) => execFileSync(chorusCli, ['--library', library, ...args], { encoding: 'utf8' });

before(async () => {
  cli('demo', '--samples', join(process.cwd(), '../../assets/samples'));
  theirs = JSON.parse(cli('ls', '--json'))
    .filter((a) => a.contributor?.handle === PERSON)
    .map((a) => a.id);
  assert.ok(theirs.length >= 2, `the demo has ${PERSON}'s assets`);
  driver = await launch(library);
});

after(async () => {
  await driver?.quit();
});

test('the rights screen says the audit verifies', async () => {
  await visible(driver, '#grid');
  for (const id of theirs) await visible(driver, `#grid [data-id="${id}"]`);
  await (await $(driver, '#nav-rights')).click();
  const status = await visible(driver, '#audit-status');
  assert.equal(await status.getAttribute('data-verified'), 'yes');
  assert.match(await status.getText(), /Audit verified: \d+ events/);
  await shot(driver, '40-audit-verified');
});

test('erasing a contributor: what goes is listed first, then their assets leave the grid', async () => {
  await (await $(driver, '#nav-contributors')).click();
  await visible(driver, '#contributors');
  const rows = await $$(driver, 'tr.contributor');
  let row = null;
  for (const r of rows) if ((await r.getText()).includes(PERSON)) row = r;
  assert.ok(row, `a row for ${PERSON}`);
  await (await row.findElement({ css: '.erase' })).click();
  const dialog = await visible(driver, '#erase-dialog');
  assert.match(await dialog.getText(), /Erase Priya Raman\?/);
  assert.match(await dialog.getText(), /Story cut/);
  await shot(driver, '41-erase-confirmation');
  await (await $(driver, '#erase-confirm')).click();
  const done = await visible(driver, '#erasure-done', 30000);
  assert.match(await done.getText(), /Erased\.[\s\S]*Story cut/);
  await shot(driver, '42-erased');
  assert.ok(!(await text(driver, '#contributors')).includes(PERSON), 'their row is gone');
  await (await $(driver, '#nav-library')).click();
  await visible(driver, '#grid');
  await eventually(
    driver,
    async () => {
      for (const id of theirs) if ((await $$(driver, `#grid [data-id="${id}"]`)).length) return false;
      return (await $$(driver, '#grid [data-id]')).length > 0;
    },
    'their assets gone from the grid, the others still there',
  );
  await shot(driver, '43-grid-after-erasure');
});

test('the piece that used them is blocked, and Replace blocked shots repairs it', async () => {
  await (await $(driver, '#nav-campaigns')).click();
  await visible(driver, '.piece-row');
  let row = null;
  for (const r of await $$(driver, '.piece-row')) if ((await r.getText()).includes('Story cut')) row = r;
  assert.ok(row, 'the Story cut row');
  assert.match(await (await row.findElement({ css: '.blocked-badge' })).getText(), /Blocked/);
  await (await row.findElement({ css: '.name button' })).click();
  const banner = await visible(driver, '#blocked-banner');
  assert.match(await banner.getText(), /contributor erased/);
  assert.ok(!(await text(driver, '#storyboard')).includes(PERSON), 'their credit left the piece too');
  const before = await text(driver, '#running-total');
  await shot(driver, '44-blocked-by-erasure');
  await (await $(driver, '#repair-blocked')).click();
  await eventually(
    driver,
    async () => /Saved as version 2/.test(await text(driver, '#piece-notice').catch(() => '')),
    'the repair notice',
    30000,
  );
  assert.match(await text(driver, '#piece-notice'), /Replaced 1 blocked shot\(s\): #\d+ a shot by an erased contributor →/);
  await eventually(driver, async () => (await $$(driver, '#blocked-banner')).length === 0, 'the banner gone');
  assert.equal(await text(driver, '#running-total'), before, 'the same length');
  await shot(driver, '45-repaired');
});

test('a grant edited with sqlite3 is where the audit breaks', async () => {
  // A contributor's "no" turned into a yes by hand, as someone with the database file could.
  const db = join(library, 'chorus.db');
  const denial = execFileSync('sqlite3', [db, "SELECT max(id) FROM grants WHERE decision = 'denied';"], {
    encoding: 'utf8',
  }).trim();
  assert.match(denial, /^\d+$/, 'the demo has a denial');
  execFileSync('sqlite3', [db, `UPDATE grants SET decision = 'granted' WHERE id = ${denial};`]);
  await (await $(driver, '#nav-library')).click();
  await (await $(driver, '#nav-rights')).click();
  await eventually(
    driver,
    async () => (await (await $(driver, '#audit-status')).getAttribute('data-verified')) === 'no',
    'the broken audit',
  );
  const status = await text(driver, '#audit-status');
  assert.match(status, /does not verify/);
  assert.match(status, new RegExp(`Grant ${denial}: it says granted where its events say denied`));
  await shot(driver, '46-audit-broken');
});
