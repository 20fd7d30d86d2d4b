// Issue 17 in the real window: the column step of an import with a Google Forms export
// (Drive-named downloads), a mailbox archive of replies, and an inbox folder that imports
// a file copied into it while the person looks at the library.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { $, $$, choose, eventually, launch, libraryPath, samples, shot, text, visible } from './app.mjs';

const fixtures = join(samples, '..');
const work = process.env.CHORUS_E2E_WORK;
let driver;

before(async () => {
  driver = await launch(libraryPath('collection-library'));
});

after(async () => {
  await driver?.quit();
});

/** The Google Forms uploads as Drive's download names them, in a folder of their own. */
function driveDownloads() {
  const spec = JSON.parse(readFileSync(join(fixtures, 'forms/google_forms.csv.files.json'), 'utf8'));
  const dir = join(work, 'drive-downloads');
  mkdirSync(dir, { recursive: true });
  for (const [name, sample] of Object.entries(spec.downloads)) {
    copyFileSync(join(samples, sample), join(dir, name));
  }
  return dir;
}

test("a Google Forms export: its columns shown, one changed, and its people linked", async () => {
  await visible(driver, '#nav-import');
  await (await $(driver, '#nav-import')).click();
  await (await visible(driver, '#import-path')).sendKeys(driveDownloads());
  await (await $(driver, '#import-manifest')).sendKeys(join(fixtures, 'forms/google_forms.csv'));
  await visible(driver, '#form-mapping');
  // Chorus reads the questions by meaning: the upload question is the files.
  assert.equal(await (await $(driver, '#map-files')).getAttribute('value'), '4');
  assert.equal(await (await $(driver, '#map-age')).getAttribute('value'), '5');
  assert.match(await text(driver, '#form-preview'), /Maya Lindqvist[\s\S]*2 files/);
  assert.match(await text(driver, '#form-preview'), /Tomás Ferreira[\s\S]*minor/);
  // Reading no column as the age makes everyone "age unknown", and it says so.
  await choose(driver, '#map-age', '');
  await eventually(driver, async () => /age unknown/.test(await text(driver, '#form-problems')), 'the age warning');
  await shot(driver, '30-form-columns-no-age');
  await choose(driver, '#map-age', '5');
  await eventually(
    driver,
    async () => (await $$(driver, '#form-problems')).length === 0 || !/age unknown/.test(await text(driver, '#form-problems')),
    'the age read again',
  );
  await shot(driver, '31-form-columns');
  await (await $(driver, '#import-start')).click();
  try {
    await visible(driver, '#import-summary', 120000);
  } catch (e) {
    await shot(driver, '31b-import-did-not-finish');
    const errors = await $$(driver, '.error');
    throw new Error(`${e.message}; on screen: ${(await Promise.all(errors.map((x) => x.getText()))).join(' | ')}`);
  }
  const rows = await $$(driver, '#import-results tr.result');
  const statuses = await Promise.all(rows.map((r) => r.getAttribute('data-status')));
  assert.ok(statuses.filter((s) => s === 'ingested').length >= 6, statuses.join(','));
  // Jordan's file came without Drive's name on it: his row is listed with what to do.
  assert.match(await text(driver, '#import-results'), /Drive[\s\S]*Jordan Blake|Jordan Blake[\s\S]*Drive/);
  await (await $(driver, '#nav-contributors')).click();
  await eventually(driver, async () => /Søren Østergaard/.test(await text(driver, '#contributors')), 'the contributors');
  await shot(driver, '32-contributors-from-google-forms');
});

test('a mailbox archive of replies is read, and what needs a person is kept', async () => {
  await (await $(driver, '#nav-rights')).click();
  await (await visible(driver, '#replies-path')).sendKeys(join(fixtures, 'mail/replies.mbox'));
  await (await $(driver, '#replies-read')).click();
  const result = await visible(driver, '#replies-result', 30000);
  assert.match(await result.getText(), /4 replies read/);
  assert.match(await result.getText(), /tomas\.ferreira@example\.net/);
  assert.match(await result.getText(), /Sure, sounds fun/);
  await eventually(driver, async () => /aiko\.tanaka@example\.org/.test(await text(driver, '#queue-replies')), 'the replies for a person');
  await shot(driver, '33-mbox-replies');
});

test('a file copied into an inbox folder appears by itself', async () => {
  const inbox = join(work, 'Dropbox', 'Chorus submissions');
  mkdirSync(inbox, { recursive: true });
  await (await $(driver, '#nav-inbox')).click();
  await (await visible(driver, '#inbox-path')).sendKeys(inbox);
  await (await $(driver, '#inbox-add')).click();
  await eventually(driver, async () => (await text(driver, '#inbox-state')) === 'Watching', 'the inbox to be watched');
  // Looking at the library while a file arrives: the nav counts it, the grid shows it.
  await (await $(driver, '#nav-library')).click();
  copyFileSync(join(samples, 'more', 'fan_art.png'), join(inbox, 'fan_art.png'));
  await eventually(driver, async () => /1 new/.test(await text(driver, '#inbox-unseen')), 'the inbox badge', 30000);
  await eventually(
    driver,
    async () => (await $$(driver, '#grid .cell')).length > 0 && /fan_art/.test(await driver.executeScript(() => document.getElementById('grid')?.innerHTML ?? '')),
    'the new file in the grid',
    30000,
  );
  await shot(driver, '34-inbox-badge-and-grid');
  await (await $(driver, '#nav-inbox')).click();
  await eventually(driver, async () => /fan_art\.png/.test(await text(driver, '#inbox-arrivals')), 'the arrival in the inbox list');
  assert.equal((await $$(driver, '#inbox-unseen')).length, 0, 'seen once the Inbox is open');
  await shot(driver, '35-inbox');
});
