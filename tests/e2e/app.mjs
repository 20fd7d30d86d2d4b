// Starting the real Chorus window through tauri-driver, and the few helpers every
// desktop test uses: waiting for the UI, reading it, and saving screenshots.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Builder, By, until } from 'selenium-webdriver';

export const samples = process.env.CHORUS_E2E_SAMPLES;
const app = process.env.CHORUS_E2E_APP;
const shots = process.env.CHORUS_E2E_SHOTS;
const work = process.env.CHORUS_E2E_WORK;

/** Opens the app on `library` (a folder that need not exist yet). With `dark`, through
 * the second tauri-driver, whose GTK (and so the window's prefers-color-scheme) is dark. */
export async function launch(library, { dark = false } = {}) {
  if (!app || !work) throw new Error('run these through scripts/e2e.sh (make e2e)');
  const driver = await new Builder()
    .usingServer(dark ? 'http://127.0.0.1:4446/' : 'http://127.0.0.1:4444/')
    .withCapabilities({
      browserName: 'wry',
      'tauri:options': { application: app, args: ['--library', library] },
    })
    .build();
  await driver.manage().setTimeouts({ implicit: 0, script: 30000 });
  return driver;
}

export function libraryPath(name) {
  return join(work, name);
}

export const $ = (driver, css) => driver.findElement(By.css(css));
export const $$ = (driver, css) => driver.findElements(By.css(css));

/** Waits until an element matching `css` is displayed, and returns it. */
export async function visible(driver, css, ms = 15000) {
  const el = await driver.wait(until.elementLocated(By.css(css)), ms, `no ${css} after ${ms} ms`);
  await driver.wait(until.elementIsVisible(el), ms, `${css} never became visible`);
  return el;
}

/** Waits until `fn()` returns something truthy, and returns it. */
export async function eventually(driver, fn, what, ms = 15000) {
  return driver.wait(async () => {
    try {
      return await fn();
    } catch {
      return false;
    }
  }, ms, `timed out waiting for ${what}`);
}

/** Plays the video `css` (muted) until it is past `seconds`, and returns its time and
 * picture size: { time, width, height }. */
export async function playsPast(driver, css, seconds, what) {
  return eventually(
    driver,
    () =>
      driver.executeAsyncScript(
        (sel, min, done) => {
          const v = document.querySelector(sel);
          v.muted = true;
          v.play().then(
            () =>
              setTimeout(
                () => done(v.currentTime > min && v.videoWidth > 0 ? { time: v.currentTime, width: v.videoWidth, height: v.videoHeight } : false),
                800,
              ),
            () => done(false),
          );
        },
        css,
        seconds,
      ),
    what,
    30000,
  );
}

/** Saves a screenshot of the window and prints where it went. */
export async function shot(driver, name) {
  mkdirSync(shots, { recursive: true });
  const path = join(shots, `${name}.png`);
  writeFileSync(path, Buffer.from(await driver.takeScreenshot(), 'base64'));
  console.log(`screenshot: ${path}`);
  return path;
}

export async function text(driver, css) {
  return (await $(driver, css)).getText();
}

/** Sets a <select> by value, the way a person picking an option would. */
export async function choose(driver, css, value) {
  await driver.executeScript(
    (sel, v) => {
      const el = document.querySelector(sel);
      el.value = v;
      el.dispatchEvent(new Event('change', { bubbles: true }));
    },
    css,
    value,
  );
}

/** Types into an input the way Svelte's bindings hear it (date inputs included). */
export async function setValue(driver, css, value) {
  await driver.executeScript(
    (sel, v) => {
      const el = document.querySelector(sel);
      el.value = v;
      el.dispatchEvent(new Event('input', { bubbles: true }));
      el.dispatchEvent(new Event('change', { bubbles: true }));
    },
    css,
    value,
  );
}

export const demoLibrary = process.env.CHORUS_E2E_DEMO;

/** Waits for the newest export job in the queue to finish, and returns its output folder
 * (an error with the job's text if it failed). */
export async function exportOutput(driver, what, ms = 600000) {
  return eventually(
    driver,
    async () => {
      const job = await $(driver, '#queue .job[data-kind="export"]');
      const state = await job.getAttribute('data-state');
      if (state === 'failed') throw new Error(await job.getText());
      return state === 'done' && (await job.getAttribute('data-output'));
    },
    what,
    ms,
  );
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** Runs axe-core (WCAG 2 A and AA rules) on what the window shows now, and fails on any
 * serious or critical violation, naming the rule and the elements. */
export async function accessible(driver, screen) {
  // Loaded by the driver itself, as a script of its own: the app's CSP forbids eval.
  const loaded = await driver.executeScript(`if (!window.axe) { ${axeSource}
 }; return !!window.axe;`);
  if (!loaded) throw new Error('axe-core did not load in the window');
  const found = await driver.executeAsyncScript(
    (done) => {
      window.axe
        .run(document, {
          runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
          resultTypes: ['violations'],
        })
        .then(
          (r) =>
            done(
              r.violations
                .filter((v) => v.impact === 'serious' || v.impact === 'critical')
                .map((v) => ({
                  id: v.id,
                  impact: v.impact,
                  help: v.help,
                  nodes: v.nodes.slice(0, 5).map((n) => `${n.target.join(' ')}: ${n.failureSummary?.split('\n').slice(1, 3).join(' ')}`),
                })),
            ),
          (e) => done([{ id: 'axe-error', impact: 'critical', help: String(e), nodes: [] }]),
        );
    },
  );
  const scheme = await driver.executeScript(() => (matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light'));
  console.log(`axe: ${screen} (${scheme}): ${found.length} serious or critical`);
  if (found.length > 0) {
    throw new Error(`accessibility of ${screen} (${scheme} theme):\n${found.map((v) => `- ${v.impact} ${v.id}: ${v.help}\n    ${v.nodes.join('\n    ')}`).join('\n')}`);
  }
}
