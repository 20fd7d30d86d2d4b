// Every screen in both themes (issue 19): the window follows the desktop's light or dark
// setting, each screen passes axe-core's WCAG 2.1 A/AA rules with no serious or critical
// violation, and a screenshot of each is saved to look at.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { Key } from 'selenium-webdriver';
import { $, $$, accessible, demoLibrary, eventually, launch, shot, visible } from './app.mjs';

let driver;

after(async () => {
  await driver?.quit();
});

/** The screens, each reached by its button and known by what it shows once loaded. */
const SCREENS = [
  { name: 'campaigns', nav: '#nav-campaigns', ready: '.campaign .standing' },
  { name: 'library', nav: '#nav-library', ready: '#grid .cell[data-id] .rights-badge' },
  { name: 'inbox', nav: '#nav-inbox', ready: 'section[aria-label="Inbox"]' },
  { name: 'import', nav: '#nav-import', ready: 'section[aria-label="Import"]' },
  { name: 'contributors', nav: '#nav-contributors', ready: 'section[aria-label="Contributors"] table' },
  { name: 'rights', nav: '#nav-rights', ready: '#queue-to-request' },
];

/** The campaign home on the demo: the hero's campaign counts its cleared assets, and each
 * piece shows a poster that loaded. */
async function campaignHome() {
  const counts = await driver.executeScript(() =>
    [...document.querySelectorAll('.campaign')].map((c) => ({
      name: c.dataset.name,
      cleared: Number(c.querySelector('.count.cleared')?.dataset.count),
      blocked: Number(c.querySelector('.count.blocked')?.dataset.count),
      posters: [...c.querySelectorAll('.piece-row .poster img')].map((i) => i.complete && i.naturalWidth > 0),
    })),
  );
  const always = counts.find((c) => c.name === 'Always On');
  assert.ok(always, JSON.stringify(counts));
  assert.ok(always.cleared >= 5, `Always On counts its cleared assets: ${JSON.stringify(always)}`);
  assert.ok(always.posters.length >= 3 && always.posters.every(Boolean), `posters loaded: ${JSON.stringify(always)}`);
  const week = await driver.executeScript(() => document.getElementById('new-this-week')?.textContent?.trim());
  assert.match(week, /^\d+ new submissions? this week$/);
}

/** Every thumbnail in view carries a rights badge in words. */
async function badges() {
  const seen = await driver.executeScript(() =>
    [...document.querySelectorAll('#grid .cell[data-id]')].map((c) => c.querySelector('.rights-badge')?.textContent?.trim() ?? ''),
  );
  assert.ok(seen.length > 0 && seen.every((t) => t.length > 0), JSON.stringify(seen));
  assert.ok(seen.some((t) => t.includes('Granted')), JSON.stringify(seen));
}

async function tour(theme) {
  // Every screen is checked before failing, so one run lists every violation.
  const problems = [];
  const check = async (what) => {
    try {
      await accessible(driver, what);
    } catch (e) {
      problems.push(e.message);
    }
  };
  driver = await launch(demoLibrary, { dark: theme === 'dark' });
  await visible(driver, '#grid');
  const scheme = await driver.executeScript(() => (matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light'));
  assert.equal(scheme, theme, 'the window follows the desktop theme');
  // The page's colours are the theme's, not the light ones everywhere.
  const bg = await driver.executeScript(() => getComputedStyle(document.body).backgroundColor);
  assert.equal(bg, theme === 'dark' ? 'rgb(21, 24, 28)' : 'rgb(246, 247, 249)', `${theme} background`);

  for (const s of SCREENS) {
    await (await $(driver, s.nav)).click();
    await visible(driver, s.ready);
    if (s.name === 'campaigns') await campaignHome();
    if (s.name === 'library') await badges();
    await check(`${s.name} screen`);
    await shot(driver, `theme-${theme}-${s.name}`);
  }

  // The asset panel, over the library.
  await (await $(driver, '#nav-library')).click();
  await eventually(
    driver,
    async () => {
      const [cell] = await $$(driver, '#grid .cell[data-id]');
      await cell.click();
      await (await $(driver, '#grid')).sendKeys(Key.ENTER);
      return visible(driver, '#asset-panel', 2000);
    },
    'the asset panel',
  );
  await visible(driver, '#asset-panel h2');
  // Its first decision's evidence, opened in place: the form's row or the e-mail.
  await (await visible(driver, '#grants .evidence-toggle')).click();
  await visible(driver, '#grants .evidence .via');
  const evidence = await driver.executeScript(() => {
    const e = document.querySelector('#grants .evidence');
    return { form: !!e.querySelector('.form-row .consent'), mail: !!e.querySelector('.mail-body'), words: !!e.querySelector('.words') };
  });
  assert.ok(evidence.form || evidence.mail || evidence.words, JSON.stringify(evidence));
  await driver.sleep(300);
  await check('asset panel');
  await shot(driver, `theme-${theme}-asset-panel`);
  await (await $(driver, '#asset-close')).click();

  // The piece editor on the demo's hero.
  await (await $(driver, '#nav-campaigns')).click();
  await (await visible(driver, '.piece-row .name button')).click();
  await visible(driver, '#piece-editor #storyboard .card');
  await check('piece editor');
  await shot(driver, `theme-${theme}-piece-editor`);

  // The library switcher open in the top bar.
  await (await $(driver, '#library-menu')).click();
  await visible(driver, '#library-switcher');
  await check('library switcher');
  await (await $(driver, '#library-menu')).click();

  await driver.quit();
  driver = undefined;
  assert.deepEqual(problems, [], problems.join('\n'));
}

test('every screen in the light theme passes axe and is shot', async () => {
  await tour('light');
});

test('every screen in the dark theme passes axe and is shot', async () => {
  await tour('dark');
});
