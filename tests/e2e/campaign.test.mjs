// Issue 7 end to end, in the real window, from the demo library: create a campaign,
// auto-assemble a 15 s story, reorder two cards with the keyboard, render and export it,
// find the MP4 on disk with the right length and size, then revoke a contributor used in
// it and see the piece blocked.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Key } from 'selenium-webdriver';
import { $, $$, choose, demoLibrary, eventually, exportOutput, launch, playsPast, setValue, shot, text, visible } from './app.mjs';

let driver;
const CAMPAIGN = 'Holiday Stories';
const PIECE = 'Holiday story';

before(async () => {
  driver = await launch(demoLibrary);
});

after(async () => {
  await driver?.quit();
});

const isoDay = (offsetDays) => new Date(Date.now() + offsetDays * 86400000).toISOString().slice(0, 10);

async function cardNames() {
  const cards = await $$(driver, '#storyboard .card');
  return Promise.all(cards.map(async (c) => (await c.findElement({ css: '.card-name' })).getText()));
}

test('a new campaign with its usage', async () => {
  await visible(driver, '#grid');
  await (await $(driver, '#nav-campaigns')).click();
  await (await visible(driver, '#campaign-new-open')).click();
  await (await visible(driver, '#campaign-name')).sendKeys(CAMPAIGN);
  for (const channel of ['web', 'social']) {
    const box = await $(driver, `input[name="campaign-channel"][value="${channel}"]`);
    if (!(await box.isSelected())) await box.click();
  }
  await setValue(driver, '#campaign-territories', 'WORLDWIDE');
  await setValue(driver, '#campaign-start', isoDay(0));
  await setValue(driver, '#campaign-end', isoDay(60));
  await (await $(driver, '#campaign-create')).click();
  await visible(driver, `.campaign[data-name="${CAMPAIGN}"]`);
  await shot(driver, '11-campaigns');
});

test('auto-assemble a 15 s story piece', async () => {
  const campaign = await $(driver, `.campaign[data-name="${CAMPAIGN}"]`);
  await (await campaign.findElement({ css: '.auto-open' })).click();
  await (await visible(driver, '#auto-name')).clear();
  await (await $(driver, '#auto-name')).sendKeys(PIECE);
  await choose(driver, '#auto-preset', 'story_9x16');
  await choose(driver, '#auto-seconds', '15');
  await (await $(driver, '#auto-submit')).click();
  await visible(driver, '#piece-editor');
  await eventually(driver, async () => (await $$(driver, '#storyboard .card')).length >= 2, 'cards on the storyboard');
  assert.match(await text(driver, '#running-total'), /15(\.0)? s/);
});

test('two cards swap places from the keyboard, and the piece saves', async () => {
  const before = await cardNames();
  const first = await $(driver, '#storyboard .card[data-index="0"]');
  await first.click();
  await first.sendKeys(Key.chord(Key.ALT, Key.ARROW_RIGHT));
  await eventually(driver, async () => {
    const now = await cardNames();
    return now[0] === before[1] && now[1] === before[0];
  }, 'the first two cards swapped');
  assert.match(await text(driver, '#piece-dirty'), /unsaved/i);
  await (await $(driver, '#piece-save')).click();
  // Saving makes the next version of the document.
  await eventually(driver, async () => /saved · v2/i.test(await text(driver, '#piece-dirty')), 'saved as version 2');
  assert.match(await text(driver, '#running-total'), /15(\.0)? s/);
  await shot(driver, '12-piece-editor');
});

test('the beat under the storyboard; a shot\'s sound and caption and the end card\'s call to action, saved', async () => {
  // Auto-assemble cut on the bed's beat: every card shows its beats, marked on the beat.
  await eventually(driver, async () => (await $$(driver, '#storyboard .card .beats.on-beat')).length >= 1, 'beat marks on the cards');
  // The first clip (a photo has no sound of its own to set).
  const clipAt = await driver.executeScript(() =>
    [...document.querySelectorAll('#storyboard .card')].findIndex((c) => c.querySelector('.kind')?.textContent?.trim() === '▶'),
  );
  assert.ok(clipAt >= 0, 'the story has a clip');
  const first = await $(driver, `#storyboard .card[data-index="${clipAt}"]`);
  await first.click();
  await visible(driver, '#item-caption');
  await setValue(driver, '#item-caption', 'Summer ☀ 夏 مرحبا');
  await setValue(driver, '#item-gain', '-3');
  // A short trail: the auto-assembled clip may be trimmed close to its own end.
  await setValue(driver, '#item-trail', '100');
  await setValue(driver, '#cta-text', 'Share yours with #ShotWithLumio');
  await setValue(driver, '#cta-url', 'lumio.example/summer');
  await setValue(driver, '#bed-level', '2');
  // The cards grow in, and the piece's own caption runs over its first two seconds.
  await choose(driver, '#card-motion', 'scale');
  await (await $(driver, '#piece-caption-add')).click();
  await visible(driver, '#piece-captions .cue-text');
  await setValue(driver, '#piece-captions .cue-text', 'Made by our customers');
  await (await $(driver, '#piece-save')).click();
  try {
    await eventually(driver, async () => /saved · v3/i.test(await text(driver, '#piece-dirty')), 'saved as version 3');
  } catch (e) {
    await shot(driver, '12-not-saved');
    const said = await driver.executeScript(() => [...document.querySelectorAll('.error, [role="alert"]')].map((x) => x.textContent).join(' | '));
    throw new Error(`${e.message}; on screen: ${said}; state: ${await text(driver, '#piece-dirty')}`);
  }
  const id = Number(await (await $(driver, '#piece-editor')).getAttribute('data-piece'));
  const doc = await driver.executeAsyncScript((pieceId, done) => {
    window.__TAURI_INTERNALS__.invoke('piece_view', { id: pieceId }).then((v) => done(v.piece.document), (e) => done(String(e)));
  }, id);
  assert.equal(doc.items[clipAt].captions[0].text, 'Summer ☀ 夏 مرحبا');
  assert.deepEqual([doc.items[clipAt].sound.gain_db, doc.items[clipAt].sound.trail_ms], [-3, 100]);
  assert.deepEqual(doc.cta, { text: 'Share yours with #ShotWithLumio', url: 'lumio.example/summer' });
  assert.equal(doc.bed_db, 2);
  assert.equal(doc.card_motion, 'scale');
  assert.deepEqual(doc.captions, [{ start_ms: 0, end_ms: 2000, text: 'Made by our customers' }]);
  assert.match(await text(driver, '#running-total'), /15(\.0)? s/);
  // The brand kit: contrast shown, and a font file the brand sent used for headings.
  await eventually(driver, async () => /:1/.test(await text(driver, '#brand-kit')), 'the kit\'s contrast');
  const font = new URL('../../assets/brand/fonts/DejaVuSans-Bold.ttf', import.meta.url).pathname;
  await setValue(driver, '#brand-font-file', font);
  // The kit sits at the foot of the editor's side column: bring it into view first.
  await driver.executeScript(() => document.querySelector('#brand-kit').scrollIntoView({ block: 'end' }));
  const use = await $(driver, '#brand-font-heading');
  assert.equal(await use.isEnabled(), true, 'the button is enabled once a path is typed');
  await driver.executeScript((b) => b.click(), use);
  await eventually(driver, async () => {
    const error = await driver.executeScript(() => document.querySelector('#brand-error')?.textContent ?? null);
    if (error) throw new Error(`the font was refused: ${error}`);
    const font = await driver.executeScript(() => document.querySelector('#brand-heading-font')?.textContent);
    return font === 'DejaVu Sans';
  }, 'the heading font in use');
  await shot(driver, '12a-sound-caption-cta');
});

test('a hand-edited piece sent through the app\'s own save command is refused', async () => {
  const id = Number(await (await $(driver, '#piece-editor')).getAttribute('data-piece'));
  // What a script in the webview (or a tampered front end) could send: the same command the
  // editor uses, with the first shot pointed at another file and a trim that never ends.
  const answer = await driver.executeAsyncScript((pieceId, done) => {
    const invoke = window.__TAURI_INTERNALS__.invoke;
    invoke('piece_view', { id: pieceId })
      .then((view) => {
        const doc = structuredClone(view.piece.document);
        doc.items[0].source_hash = '../../chorus.db';
        doc.items[1].out_ms = Number.MAX_SAFE_INTEGER;
        return invoke('piece_save', { id: pieceId, version: view.piece.version, document: doc });
      })
      .then(() => done({ saved: true }), (e) => done({ saved: false, error: e }));
  }, id);
  assert.equal(answer.saved, false, 'the tampered document was saved');
  const message = JSON.stringify(answer.error);
  assert.match(message, /source_hash is not the file of asset/);
  assert.match(message, /must be from 0 to/);
  // Nothing changed: the editor still holds version 3.
  const version = await driver.executeAsyncScript((pieceId, done) => {
    window.__TAURI_INTERNALS__.invoke('piece_view', { id: pieceId }).then((v) => done(v.piece.version), () => done(-1));
  }, id);
  assert.equal(version, 3);
});

test('a quick preview renders and plays in the editor', async () => {
  // Pressed and watched in the page, so the time is the person's, not WebDriver's.
  const start = await driver.executeAsyncScript((done) => {
    const t0 = performance.now();
    document.querySelector('#preview-start').click();
    const tick = () => {
      const v = document.querySelector('video#preview-player');
      const waited = performance.now() - t0;
      if (v && v.currentTime > 0 && !v.paused) {
        done({ ms: waited, src: v.currentSrc, rendering: !!document.querySelector('#preview-progress') });
      } else if (waited > 25000) {
        const b = v?.buffered;
        done({
          ms: -1,
          src: v?.currentSrc ?? null,
          error: v?.error?.message ?? v?.error?.code ?? null,
          readyState: v?.readyState,
          paused: v?.paused,
          buffered: b && b.length ? [b.start(0), b.end(b.length - 1)] : [],
          panel: document.querySelector('#preview')?.textContent?.trim().slice(0, 200),
        });
      } else {
        setTimeout(tick, 5);
      }
    };
    tick();
  });
  console.log(
    `preview of the 15 s piece playing ${(start.ms / 1000).toFixed(2)} s after pressing Preview` +
      ` (debug build; the render ${start.rendering ? 'still running' : 'already over'})`,
  );
  assert.ok(start.ms > 0, `the preview never played by itself: ${JSON.stringify(start)}`);
  // It played from the bytes as they were rendered, not from a finished file.
  assert.match(start.src, /^blob:/);
  const state = () =>
    driver.executeScript(() => {
      const v = document.querySelector('video#preview-player');
      return {
        ready: !!v && v.readyState >= 2 && v.videoWidth > 0 && v.duration > 0,
        duration: v?.duration,
        src: v?.currentSrc,
        error: v?.error?.code,
        panel: document.querySelector('#preview')?.textContent?.trim().slice(0, 300),
      };
    });
  let last;
  const duration = await eventually(
    driver,
    async () => {
      last = await state();
      return last.ready ? last.duration : false;
    },
    'the preview to play',
    120000,
  ).catch((e) => {
    throw new Error(`${e.message}: ${JSON.stringify(last)}`);
  });
  assert.ok(Math.abs(duration - 15) < 0.1, `preview lasts ${duration} s`);
  const size = await driver.executeScript(() => {
    const v = document.querySelector('video#preview-player');
    return [v.videoWidth, v.videoHeight];
  });
  assert.deepEqual(size, [360, 640], 'a third of 1080×1920');
  // Playing, not just loaded; and the window has painted it before the screenshot.
  const played = await playsPast(driver, 'video#preview-player', 0.5, 'the preview to play');
  assert.ok(played.time > 0.5, `played to ${played.time} s`);
  await shot(driver, '12b-preview');
  // What TikTok's buttons and caption cover, drawn over the preview.
  await driver.executeScript(() => {
    const select = document.querySelector('#safe-area');
    select.value = 'tiktok';
    select.dispatchEvent(new Event('change', { bubbles: true }));
  });
  await visible(driver, '#safe-overlay[data-platform="tiktok"]');
  const bands = await driver.executeScript(() =>
    [...document.querySelectorAll('#safe-overlay .band')].map((b) => Math.round(b.getBoundingClientRect().height)),
  );
  assert.equal(bands.length, 4);
  assert.ok(bands[1] > bands[0], `the bottom band (caption) is taller than the top: ${bands}`);
  await driver.executeScript(() => {
    const v = document.querySelector('video#preview-player');
    v.pause();
    v.currentTime = 5;
    document.querySelector('#preview').scrollIntoView({ block: 'start' });
  });
  await shot(driver, '12c-safe-area-tiktok');
});

test('render and export: the MP4 is on disk at 15 s, 1080×1920', async () => {
  await (await $(driver, '#render-start')).click();
  await visible(driver, '#export-dialog');
  // For TikTok, to its spec, instead of the plain 9:16 file.
  await visible(driver, 'input[name="export-platform"][value="tiktok"]');
  await driver.executeScript(() => {
    document.querySelector('input[name="export-preset"][value="story_9x16"]').click();
    document.querySelector('input[name="export-platform"][value="tiktok"]').click();
  });
  await shot(driver, '13a-export-dialog-platforms');
  await (await $(driver, '#export-submit')).click();
  await visible(driver, '#queue .job[data-kind="export"]');
  // While it runs: progress and an estimate of the time left.
  await eventually(driver, async () => /\d+\s*%/.test(await text(driver, '#queue .job[data-kind="export"]')), 'progress in the queue', 60000);
  await shot(driver, '13-render-queue');
  const output = await exportOutput(driver, 'the export to finish');
  const mp4 = readdirSync(output).find((f) => f.endsWith('-tiktok.mp4'));
  assert.ok(mp4, `an MP4 in ${output}: ${readdirSync(output).join(', ')}`);
  for (const f of ['credits.txt', 'rights-report.csv', 'manifest.json', 'poster.jpg']) {
    assert.ok(existsSync(join(output, f)), `${f} exported`);
  }
  // The caption typed in the editor travels beside the video, as WebVTT and SRT.
  for (const ext of ['.vtt', '.srt']) {
    const file = readdirSync(output).find((f) => f.endsWith(ext));
    assert.ok(file, `a ${ext} caption file in ${output}`);
    assert.match(readFileSync(join(output, file), 'utf8'), /Summer ☀ 夏 مرحبا/);
  }
  const probe = JSON.parse(
    execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_type,width,height:format=duration', '-of', 'json', join(output, mp4)]),
  );
  const video = probe.streams.find((s) => s.codec_type === 'video');
  assert.deepEqual([video.width, video.height], [1080, 1920]);
  assert.ok(Math.abs(Number(probe.format.duration) - 15) < 0.05, `duration ${probe.format.duration}`);
  // The export's credits and rights report, in the app.
  await (await $(driver, '#queue .job[data-kind="export"] .job-view')).click();
  await visible(driver, '#export-viewer');
  assert.match(await text(driver, '#export-credits'), /@/);
  assert.ok((await $$(driver, '#export-report tr')).length >= 2, 'the rights report as a table');
  const verdict = await driver.executeScript(() => document.querySelector('#export-readiness li')?.textContent ?? '');
  assert.match(verdict, /✓ Ready for TikTok/);
  assert.match(verdict, /1080×1920, 15\.0 s/);
  await shot(driver, '14-export-viewer');
  await (await $(driver, '#export-close')).click();
});

test('revoking a contributor used in the piece blocks it', async () => {
  const card = await $(driver, '#storyboard .card[data-index="0"]');
  await card.click();
  await (await visible(driver, '#item-rights')).click();
  await visible(driver, '#asset-panel');
  await (await visible(driver, '#revoke-open')).click();
  const all = await visible(driver, '#revoke-all');
  if (!(await all.isSelected())) await all.click();
  await (await $(driver, '#revoke-reason')).sendKeys('Asked us to take their videos down');
  await (await $(driver, '#revoke-submit')).click();
  await eventually(driver, async () => (await text(driver, '#rights-status')) === 'revoked', 'status revoked');
  await (await $(driver, '#asset-close')).click();
  const banner = await visible(driver, '#blocked-banner', 20000);
  assert.match(await banner.getText(), /withdrew|revoked/i);
  assert.ok((await $$(driver, '#blocked-banner .blocked-asset')).length >= 1);
  assert.equal(await (await $(driver, '#render-start')).isEnabled(), false, 'render stays off while blocked');
  await shot(driver, '15-blocked-piece');
  await (await $(driver, '#nav-campaigns')).click();
  const row = await visible(driver, `.campaign[data-name="${CAMPAIGN}"] .piece-row`);
  assert.ok((await row.findElements({ css: '.blocked-badge' })).length === 1, 'the piece is marked blocked');
  await shot(driver, '16-campaigns-blocked');
});

test('a wall sketch lays every picture out as the render does: no empty cell, the band in its own row', async () => {
  await (await $(driver, '#nav-campaigns')).click();
  const row = await visible(driver, '.piece-row[data-kind="mosaic"]');
  await driver.executeScript((r) => r.click(), row);
  await visible(driver, '#mosaic-preview .cell');
  const layout = await eventually(
    driver,
    async () => {
      const l = await driver.executeScript(() => {
        const frame = document.querySelector('#mosaic-preview').getBoundingClientRect();
        const cells = [...document.querySelectorAll('#mosaic-preview .cell')].map((c) => c.getBoundingClientRect());
        const band = document.querySelector('#mosaic-preview .overlay')?.getBoundingClientRect();
        const tiles = document.querySelectorAll('#mosaic-tiles li.tile').length;
        return { frame: frame.toJSON(), cells: cells.map((c) => c.toJSON()), band: band?.toJSON(), tiles };
      });
      return l.cells.length > 0 && l;
    },
    'the wall sketch',
  );
  assert.equal(layout.cells.length, layout.tiles, 'a cell for every picture');
  for (const c of layout.cells) {
    assert.ok(c.width > 4 && c.height > 4, `a visible cell: ${JSON.stringify(c)}`);
    if (layout.band) assert.ok(c.bottom <= layout.band.top + 1, 'no picture under the brand band');
  }
  for (let i = 0; i < layout.cells.length; i++) {
    for (let j = i + 1; j < layout.cells.length; j++) {
      const [a, b] = [layout.cells[i], layout.cells[j]];
      const apart = a.right <= b.left + 0.5 || b.right <= a.left + 0.5 || a.bottom <= b.top + 0.5 || b.bottom <= a.top + 0.5;
      assert.ok(apart, `cells ${i} and ${j} overlap`);
    }
  }
  await shot(driver, '17-mosaic-wall');
});

test('the people in the exported piece are thanked, and what they were featured in shows', async () => {
  await (await $(driver, '#nav-contributors')).click();
  const thanks = await visible(driver, '#thank-yous', 15000);
  // The story piece went out above: each contributor in it has a thank-you naming it.
  const cards = await $$(driver, '#thank-yous .thank-you');
  assert.ok(cards.length >= 2, `a thank-you per person in the piece, got ${cards.length}`);
  assert.match(await thanks.getText(), /to send/);
  const featured = await driver.executeScript(() =>
    [...document.querySelectorAll('#contributors td.featured')].map((td) => td.textContent.trim()).filter((t) => t),
  );
  assert.ok(featured.length >= 2, `featured-in shown: ${featured.join(' / ')}`);
  const first = cards[0];
  await driver.executeScript((c) => c.querySelector('details').open = true, first);
  assert.match(await first.getText(), /Hi \S+,/);
  await driver.executeScript((c) => c.scrollIntoView({ block: 'center' }), first);
  await shot(driver, '20-thank-yous');
  await driver.executeScript((c) => c.querySelector('.mark-sent').click(), first);
  await eventually(driver, async () => (await first.getAttribute('data-sent')) === 'yes', 'the thank-you marked sent');
});
