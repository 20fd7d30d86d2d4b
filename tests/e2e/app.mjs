// Starting the real Chorus window through tauri-driver, and the few helpers every
// desktop test uses: waiting for the UI, reading it, and saving screenshots.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Builder, By, until } from 'selenium-webdriver';

export const samples = process.env.CHORUS_E2E_SAMPLES;
const app = process.env.CHORUS_E2E_APP;
const shots = process.env.CHORUS_E2E_SHOTS;
const work = process.env.CHORUS_E2E_WORK;

/** Opens the app on `library` (a folder that need not exist yet). */
export async function launch(library) {
  if (!app || !work) throw new Error('run these through scripts/e2e.sh (make e2e)');
  const driver = await new Builder()
    .usingServer('http://127.0.0.1:4444/')
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
