// lib.mjs - what every browser test shares (docs/web.md, "Browser
// tests"): TAP steps with a screenshot on failure, the checks every page
// must pass, lrsd on 127.0.0.1 at a free port, and Debian's chromium
// driven by playwright-core. A test makes one harness:
//
//   const t = harness('admin')        // a scratch directory, screenshots
//   const db = t.register(csv, users) // optional: a register with users
//   await t.startLrsd(dbPath)         // t.base is then http://127.0.0.1:N
//   await t.launch()                  // t.page is a fresh page
//   await t.step('name', async () => { ... await t.checkPage(); await t.shot('x') })
//   await t.finish()                  // plan line, stop everything, exit code
//
// Environment: LRSD_BIN, WEB_DIR (the source tree's web/), SCREENSHOT_DIR,
// CHROMIUM (optional); LRS_BIN and MKUSER_BIN for t.register().
import assert from 'node:assert/strict'
import { execFileSync, spawn } from 'node:child_process'
import { createRequire } from 'node:module'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

const env = process.env

// Every test user's password.
export const PASSWORD = 'correct horse battery staple'

// Two learners with valid ULNs (tests/cli/plr.t): Ann shares her record,
// Robert does not; NOBODY is a valid ULN nobody has.
export const ANN = '1000000043'
export const ROBERT = '1748529632'
export const NOBODY = '6936002314'
export const TWO_LEARNERS = `uln,given_name,middle_names,family_name,previous_family_name,date_of_birth,gender,postcode,ability_to_share
${ANN},Ann-Marie,,Smith-Jones,Brown,2008-03-02,2,SW1A 1AA,1
${ROBERT},Robert,,O'Neill,,2008-05-06,1,M1 1AE,2
`

// A file for setInputFiles: `text` as a CSV named `name`.
export function csvFile (name, text) {
  return { name, mimeType: 'text/csv', buffer: Buffer.from(text) }
}

// A step that has not finished after this long fails, so one hung call
// (a browser that stops answering) costs one step, not the whole test's
// time limit; and the characters of lrsd's log kept for a failure report.
const STEP_MS = 120000
const LOG_KEEP = 16384

// Flags from the machine notes: no sandbox as root, and no background
// traffic, which the closed network refuses.
export const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update',
  '--disable-sync'
]

export function diag (text) {
  for (const line of String(text).split('\n')) console.log('# ' + line)
}

// What every page must have: a title naming its task, one h1, a label
// for every field, and error-summary links that lead to a field.
export async function checkPage (page) {
  const title = await page.title()
  assert.match(title, /– Learning Records Service – GOV\.UK$/)
  assert.equal(await page.locator('h1').count(), 1, 'one h1')
  const unlabelled = await page.$$eval(
    'input:not([type=hidden]), select, textarea',
    els => els.filter(e => !e.id ||
      !document.querySelector(`label[for="${e.id}"]`)).map(e => e.name))
  assert.deepEqual(unlabelled, [], 'every field has a label')
  const broken = await page.$$eval('.govuk-error-summary a',
    as => as.filter(a => !document.querySelector(a.getAttribute('href')))
      .map(a => a.getAttribute('href')))
  assert.deepEqual(broken, [], 'error summary links lead to fields')
  if (await page.locator('.govuk-error-summary').count()) {
    assert.match(title, /^Error: /)
  }
}

// The texts of the error summary's items.
export async function errors (page) {
  return page.locator('.govuk-error-summary__list li').allTextContents()
}

// Start lrsd over `db` on 127.0.0.1 at a free port; resolves to
// { proc, base, log }, log() being the last of its stderr (its one-line
// logs, which never carry personal data), for a failed step's report.
export function startLrsd (db) {
  return new Promise((resolve, reject) => {
    const args = ['--db', db, '--listen', '127.0.0.1:0',
      '--threads', '2', '--web-root', env.WEB_DIR, '--drain', '2']
    const proc = spawn(env.LRSD_BIN, args, { stdio: ['ignore', 'ignore', 'pipe'] })
    let log = ''
    let base = ''
    const timer = setTimeout(() => reject(new Error('lrsd did not start:\n' + log)), 30000)
    proc.stderr.on('data', d => {
      log += d
      const m = !base && /listening .*port=(\d+)/.exec(log)
      if (m) {
        clearTimeout(timer)
        base = `http://127.0.0.1:${m[1]}`
        resolve({ proc, base, log: () => log })
      }
      if (log.length > LOG_KEEP * 2) log = log.slice(-LOG_KEEP)
    })
    proc.on('exit', code => {
      if (!base) reject(new Error(`lrsd exited ${code}:\n${log}`))
    })
  })
}

// `promise`, or a rejection once `ms` have passed.
function within (ms, promise) {
  let timer = null
  const late = new Promise((resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms)
  })
  return Promise.race([promise, late]).finally(() => clearTimeout(timer))
}

// Stop lrsd (SIGTERM) and wait for it.
export async function stopLrsd (proc) {
  if (proc && proc.exitCode === null) {
    const done = new Promise(resolve => proc.on('exit', resolve))
    proc.kill('SIGTERM')
    await done
  }
}

export async function launchChromium () {
  const require = createRequire(path.join(env.WEB_DIR, 'package.json'))
  const { chromium } = require('playwright-core')
  return chromium.launch({
    executablePath: env.CHROMIUM || '/usr/bin/chromium',
    args: CHROMIUM_ARGS
  })
}

// One browser test: a scratch directory, numbered screenshots in `shots`
// (emptied of PNGs first), TAP steps.
export function harness (name) {
  const t = {
    tmp: fs.mkdtempSync(path.join(os.tmpdir(), `lrs-${name}-`)),
    shots: env.SCREENSHOT_DIR,
    lrsd: null,
    lrsdLog: null,
    base: '',
    browser: null,
    page: null,
    count: 0,
    failed: 0,
    shotCount: 0
  }
  if (!t.shots) t.shots = path.join(t.tmp, 'screenshots')
  fs.mkdirSync(t.shots, { recursive: true })
  for (const f of fs.readdirSync(t.shots)) {
    if (f.endsWith('.png')) fs.rmSync(path.join(t.shots, f))
  }
  t.shot = async (what) => {
    t.shotCount++
    const file = path.join(t.shots,
      `${String(t.shotCount).padStart(2, '0')}-${what}.png`)
    await t.page.screenshot({ path: file, fullPage: true })
  }
  t.step = async (what, fn) => {
    t.count++
    let timer = null
    const late = new Promise((resolve, reject) => {
      timer = setTimeout(() => reject(new Error(
        `the step did not finish in ${STEP_MS / 1000} s`)), STEP_MS)
    })
    try {
      await Promise.race([fn(), late])
      console.log(`ok ${t.count} - ${what}`)
    } catch (e) {
      t.failed++
      console.log(`not ok ${t.count} - ${what}`)
      diag(e && e.stack ? e.stack : e)
      if (t.lrsdLog) {
        diag('the end of lrsd\'s log:')
        diag(t.lrsdLog().trimEnd().split('\n').slice(-15).join('\n'))
      }
      if (t.page) {
        await within(10000, t.shot('failed-' + what.replace(/\W+/g, '-')))
          .catch(() => {})
      }
    } finally {
      clearTimeout(timer)
    }
  }
  // A register in the scratch directory holding the learners of the
  // CSV text `learners` and `users` ([login, role, organisation id?],
  // each with PASSWORD); its path.
  t.register = (learners, users) => {
    const db = path.join(t.tmp, 'lrs.db')
    const file = path.join(t.tmp, 'learners.csv')

    fs.writeFileSync(file, learners)
    execFileSync(env.LRS_BIN, ['init', '--db', db], { stdio: 'ignore' })
    execFileSync(env.LRS_BIN, ['import', 'learners', file, '--db', db],
      { stdio: 'ignore' })
    for (const [login, role, org] of users) {
      execFileSync(env.MKUSER_BIN,
        [db, login, PASSWORD, role].concat(org ? [org] : []))
    }
    return db
  }
  t.checkPage = () => checkPage(t.page)
  t.errors = () => errors(t.page)
  t.path = () => new URL(t.page.url()).pathname
  t.startLrsd = async (db) => {
    const { proc, base, log } = await startLrsd(db)
    t.lrsd = proc
    t.base = base
    t.lrsdLog = log
  }
  t.launch = async () => {
    t.browser = await launchChromium()
    const context = await t.browser.newContext({ viewport: { width: 1024, height: 800 } })
    t.page = await context.newPage()
  }
  // Click `selector` and wait for the page it leads to (reading the URL
  // or the page straight after a click may still see the old one).
  t.clickAndLoad = async (selector) => {
    await Promise.all([t.page.waitForNavigation(), t.page.click(selector)])
  }
  // Sign in as `login`; accepts the agreement when it is asked for.
  t.signIn = async (login, password) => {
    await t.page.goto(t.base + '/sign-in')
    await t.page.fill('#username', login)
    await t.page.fill('#password', password)
    await t.clickAndLoad('#sign-in')
    if (t.path() === '/agreement') await t.clickAndLoad('#accept')
  }
  t.signOut = async () => {
    await t.page.goto(t.base + '/welcome')
    if (await t.page.locator('#sign-out').count()) await t.page.click('#sign-out')
  }
  t.tearDown = async () => {
    // A browser that stopped answering must not hold the test up:
    // playwright kills the browsers it launched when this process exits.
    if (t.browser) await within(15000, t.browser.close()).catch(() => {})
    await stopLrsd(t.lrsd)
    fs.rmSync(t.tmp, { recursive: true, force: true })
  }
  // Run `setUp` then `journeys` as TAP; tear down and exit.
  t.run = async (setUp, journeys) => {
    let setupOk = true
    try {
      await setUp()
    } catch (e) {
      setupOk = false
      console.log('1..1')
      console.log('not ok 1 - set up lrsd and chromium')
      diag(e && e.stack ? e.stack : e)
    }
    if (setupOk) {
      await journeys()
      console.log(`1..${t.count}`)
      diag(`screenshots in ${t.shots}`)
    }
    await t.tearDown()
    process.exit(setupOk && t.failed === 0 ? 0 : 1)
  }
  return t
}
