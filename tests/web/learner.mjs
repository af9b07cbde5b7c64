// learner.mjs - a learner's journey in a real browser (docs/web.md,
// docs/plr.md): an operator gives a learner a sign-up code, a person
// creates the account with it (refused on details that are nearly right),
// and signs in; then a learner signs in, sees their PLR, choose who may read it (and an
// awarding organisation's read follows the choice), make a share link of
// chosen results, open it signed out and see only the verified results
// and who awarded them, stop sharing it and see it gone, and print the
// PLR.
//
// Starts lrsd on 127.0.0.1 (a free port) over a scratch SQLite register
// made with `lrs init`, `lrs import` and `lrs results upload`, with a
// learner account (web_mkuser), and drives Debian's chromium through
// playwright-core. Output is TAP, one line a step. Environment: LRSD_BIN,
// LRS_BIN, MKUSER_BIN, WEB_DIR, SCREENSHOT_DIR, CHROMIUM (optional).
import assert from 'node:assert/strict'
import { spawn, execFileSync } from 'node:child_process'
import { createRequire } from 'node:module'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

const env = process.env
const require = createRequire(path.join(env.WEB_DIR, 'package.json'))
const { chromium } = require('playwright-core')

const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update',
  '--disable-sync'
]

// Synthetic learners, never real people. Ruth has not seen the privacy
// notice (AbilityToShare 0), so organisations may not read her record.
const RUTH = '1000000043'
const TOM = '1748529632'
const LEARNERS = `uln,given_name,middle_names,family_name,date_of_birth,gender,postcode,ability_to_share
${RUTH},Ruth,,Okafor,2008-03-02,2,SW1A 1AA,0
${TOM},Tomás,,Bell,2009-07-15,1,M1 1AE,0
`
// Maths and English final; Physics provisional (never shown by a share).
const RESULTS = `uln,given_name,family_name,subject_code,subject,qualification_type,level,grade,award_date,status
${RUTH},Ruth,Okafor,600/1166/X,Mathematics,GCSE,2,8,2026-08-20,F
${RUTH},Ruth,Okafor,600/1167/1,English Language,GCSE,2,6,2026-08-20,F
${RUTH},Ruth,Okafor,601/4433/2,Physics,A Level,3,B,2026-08-13,P
`
const PASSWORD = 'correct horse battery staple'

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lrs-learner-'))
const shots = path.join(env.SCREENSHOT_DIR || path.join(tmp, 'shots'), 'learner')
fs.mkdirSync(shots, { recursive: true })
for (const f of fs.readdirSync(shots)) {
  if (f.endsWith('.png')) fs.rmSync(path.join(shots, f))
}

let lrsd = null
let base = ''
let browser = null
let page = null
let n = 0
let failed = 0
let shotCount = 0

function diag (text) {
  for (const line of String(text).split('\n')) console.log('# ' + line)
}

async function step (name, fn) {
  n++
  try {
    await fn()
    console.log(`ok ${n} - ${name}`)
  } catch (e) {
    failed++
    console.log(`not ok ${n} - ${name}`)
    diag(e && e.stack ? e.stack : e)
    if (page) await shot('failed-' + name.replace(/\W+/g, '-')).catch(() => {})
  }
}

async function shot (name) {
  shotCount++
  const file = path.join(shots, `${String(shotCount).padStart(2, '0')}-${name}.png`)
  await page.screenshot({ path: file, fullPage: true })
}

// As browser.mjs: a title naming the task, one h1, a label for every
// field, error-summary links that lead to a field.
async function checkPage () {
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

async function errors () {
  return page.locator('.govuk-error-summary__list li').allTextContents()
}

function startLrsd () {
  return new Promise((resolve, reject) => {
    const args = ['--db', path.join(tmp, 'lrs.db'), '--listen', '127.0.0.1:0',
      '--threads', '2', '--web-root', env.WEB_DIR, '--drain', '2']
    lrsd = spawn(env.LRSD_BIN, args, { stdio: ['ignore', 'ignore', 'pipe'] })
    let log = ''
    const timer = setTimeout(() => reject(new Error('lrsd did not start:\n' + log)), 30000)
    lrsd.stderr.on('data', d => {
      log += d
      const m = /listening .*port=(\d+)/.exec(log)
      if (m && !base) {
        clearTimeout(timer)
        base = `http://127.0.0.1:${m[1]}`
        resolve()
      }
    })
    lrsd.on('exit', code => {
      if (!base) reject(new Error(`lrsd exited ${code}:\n${log}`))
    })
  })
}

async function setUp () {
  const db = path.join(tmp, 'lrs.db')
  fs.writeFileSync(path.join(tmp, 'learners.csv'), LEARNERS)
  fs.writeFileSync(path.join(tmp, 'results.csv'), RESULTS)
  execFileSync(env.LRS_BIN, ['init', '--db', db], { stdio: 'ignore' })
  execFileSync(env.LRS_BIN, ['import', 'learners', path.join(tmp, 'learners.csv'),
    '--db', db], { stdio: 'ignore' })
  execFileSync(env.LRS_BIN, ['results', 'upload', path.join(tmp, 'results.csv'),
    '--ao', '10000001', '--ao-name', 'Exam Board', '--db', db], { stdio: 'ignore' })
  execFileSync(env.MKUSER_BIN, [db, 'ruth', PASSWORD, 'learner', RUTH])
  execFileSync(env.MKUSER_BIN, [db, 'ao.alex', PASSWORD, 'ao'])
  execFileSync(env.MKUSER_BIN, [db, 'ops.anna', PASSWORD, 'operator'])
  await startLrsd()
  browser = await chromium.launch({
    executablePath: env.CHROMIUM || '/usr/bin/chromium',
    args: CHROMIUM_ARGS
  })
  const context = await browser.newContext({ viewport: { width: 1024, height: 800 } })
  page = await context.newPage()
}

async function tearDown () {
  if (browser) await browser.close().catch(() => {})
  if (lrsd && lrsd.exitCode === null) {
    const done = new Promise(resolve => lrsd.on('exit', resolve))
    lrsd.kill('SIGTERM')
    await done
  }
  fs.rmSync(tmp, { recursive: true, force: true })
}

// An awarding organisation reads Ruth's PLR through the API, signed in
// in a browser context of its own: the HTTP status it gets.
let aoContext = null
async function aoReadsPlr () {
  if (!aoContext) {
    aoContext = await browser.newContext()
    const ao = await aoContext.newPage()
    await ao.goto(base + '/sign-in')
    await ao.fill('#username', 'ao.alex')
    await ao.fill('#password', PASSWORD)
    await ao.click('#sign-in')
    await ao.click('#accept')
    await ao.close()
  }
  const res = await aoContext.request.get(
    `${base}/api/v1/learners/${RUTH}/plr?given_name=Ruth&family_name=Okafor`)
  return res.status()
}

let shareUrl = ''

async function signIn (login) {
  await page.goto(base + '/sign-in')
  await page.fill('#username', login)
  await page.fill('#password', PASSWORD)
  await page.click('#sign-in')
}

async function journeys () {
  let tomCode = ''
  await step('an operator gives a learner a sign-up code, shown once', async () => {
    await signIn('ops.anna')
    await page.click('#accept')
    await page.goto(base + '/invites')
    assert.equal(await page.textContent('h1'), 'Give a learner a sign-up code')
    await page.fill('#uln', '1748529631')
    await page.click('#issue')
    assert.deepEqual(await errors(), ['Enter a ULN of 10 digits with a correct check digit'])
    await checkPage()
    await page.fill('#uln', TOM)
    await page.click('#issue')
    assert.equal(await page.textContent('h1'), 'Sign-up code')
    tomCode = (await page.textContent('#invite-code')).trim()
    assert.match(tomCode, /^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/)
    await checkPage()
    await shot('invite')
    await page.click('#sign-out')
  })

  await step('a person creates the learner account with exact details and the code', async () => {
    await page.goto(base + '/signup')
    assert.equal(await page.textContent('h1'), 'Create your learner account')
    await page.click('#create-account')
    assert.equal((await errors()).length, 7, 'every missing field named')
    await checkPage()
    await shot('signup-errors')
    const fill = async (day, code) => {
      await page.fill('#uln', TOM)
      await page.fill('#given_name', 'Tomás')
      await page.fill('#family_name', 'Bell')
      await page.fill('#dob-day', day)
      await page.fill('#dob-month', '7')
      await page.fill('#dob-year', '2009')
      await page.fill('#code', code)
      await page.fill('#login', 'tom.bell')
      await page.fill('#password', PASSWORD)
      await page.click('#create-account')
    }
    // Details nearly right: the one answer, which says nothing of which.
    await fill('16', tomCode)
    const refused = await errors()
    assert.equal(refused.length, 1)
    assert.match(refused[0], /details or the code do not match/)
    assert.equal(await page.inputValue('#password'), '', 'password not echoed')
    await checkPage()
    await shot('signup-refused')
    await fill('15', tomCode.toLowerCase())
    assert.equal(await page.textContent('h1'), 'Your account has been created')
    await checkPage()
    await page.click('#sign-in-link')
    await page.fill('#username', 'tom.bell')
    await page.fill('#password', PASSWORD)
    await page.click('#sign-in')
    await page.click('#accept')
    assert.equal(new URL(page.url()).pathname, '/me')
    assert.equal(await page.textContent('h1'), 'Tomás Bell')
    await page.click('#sign-out')
    // The code is used up.
    await page.goto(base + '/signup')
    await fill('15', tomCode)
    assert.match((await errors())[0], /details or the code do not match/)
  })

  await step('the learner signs in and sees their own record', async () => {
    await page.goto(base + '/me')
    assert.equal(new URL(page.url()).pathname, '/sign-in')
    await page.fill('#username', 'ruth')
    await page.fill('#password', PASSWORD)
    await page.click('#sign-in')
    await page.click('#accept')
    assert.equal(new URL(page.url()).pathname, '/me')
    assert.equal(await page.textContent('h1'), 'Ruth Okafor')
    const events = await page.textContent('#events')
    assert.match(events, /Mathematics[\s\S]*8/)
    assert.match(events, /Physics[\s\S]*Provisional/)
    assert.match(await page.textContent('#choices'), /you have not made a choice/)
    await checkPage()
    await shot('me')
  })

  await step('organisations may read the record only once the learner says yes', async () => {
    assert.equal(await aoReadsPlr(), 403, 'notice not seen: WSEC0206')
    await page.click('#sharing-link')
    assert.equal(await page.textContent('h1'), 'Who may read your learning record')
    await page.click('#save')
    assert.deepEqual(await errors(), ['Select whether organisations may read your record'])
    await checkPage()
    await shot('sharing-error')
    await page.check('#ability_to_share-1')
    await page.click('#save')
    assert.equal(new URL(page.url()).pathname, '/me')
    assert.match(await page.textContent('.govuk-notification-banner'), /choice has been saved/)
    assert.match(await page.textContent('#choices'), /Yes, when they verify your details/)
    assert.equal(await aoReadsPlr(), 200)
    await page.click('#sharing-link')
    assert.ok(await page.isChecked('#ability_to_share-1'), 'the saved choice is shown')
    await page.check('#ability_to_share-2')
    await page.click('#save')
    assert.match(await page.textContent('#choices'), /No/)
    assert.equal(await aoReadsPlr(), 403)
    await shot('sharing-saved')
  })

  await step('a share link of chosen results, shown once', async () => {
    await page.click('#shares-link')
    assert.equal(await page.textContent('h1'), 'Share your results')
    assert.match(await page.textContent('#shares'), /not made any share links/)
    await checkPage()
    await page.fill('#expires_days', '0')
    await page.click('#create-share')
    assert.deepEqual(await errors(), ['Enter a whole number of days from 1 to 3650'])
    await checkPage()
    await shot('share-error')
    await page.fill('#expires_days', '14')
    // Mathematics and Physics: Physics is provisional, so not shown.
    const boxes = page.locator('input[name=achievement]')
    assert.equal(await boxes.count(), 3)
    for (const subject of ['Mathematics', 'Physics']) {
      const label = page.locator('label.govuk-checkboxes__label', { hasText: subject })
      await page.check('#' + await label.getAttribute('for'))
    }
    await page.click('#create-share')
    assert.equal(await page.textContent('h1'), 'Your share link is ready')
    const href = await page.getAttribute('#share-link', 'href')
    assert.match(href, /^\/shared\/lrst_[A-Za-z0-9_-]+$/)
    shareUrl = base + href
    await checkPage()
    await shot('share-made')
    await page.goto(base + '/me/shares')
    const row = await page.textContent('#shares')
    assert.match(row, /Chosen results[\s\S]*Active/)
    assert.doesNotMatch(await page.content(), /lrst_/, 'the token is never shown again')
  })

  await step('opened signed out, the link shows only verified results and who awarded them', async () => {
    const other = await browser.newContext()
    const visitor = await other.newPage()
    const res = await visitor.goto(shareUrl)
    assert.equal(res.status(), 200)
    assert.equal(await visitor.textContent('h1'), 'Ruth Okafor')
    const events = await visitor.textContent('#events')
    assert.match(events, /Mathematics[\s\S]*8[\s\S]*Exam Board/)
    assert.doesNotMatch(events, /Physics/, 'provisional: not verified')
    assert.doesNotMatch(events, /English/, 'not chosen')
    const text = await visitor.textContent('body')
    assert.doesNotMatch(text, new RegExp(RUTH), 'no ULN')
    assert.doesNotMatch(text, /2008|SW1A/, 'no date of birth or postcode')
    await visitor.screenshot({ path: path.join(shots, 'shared.png'), fullPage: true })
    await other.close()
    await page.goto(base + '/me/shares')
    assert.match(await page.textContent('#shares'), /Active/)
    assert.equal((await page.locator('#shares tbody td').nth(3).textContent()).trim(), '1',
      'the view is counted')
  })

  await step('stop sharing: the link is gone', async () => {
    await page.click('button[id^=revoke-]')
    assert.match(await page.textContent('.govuk-notification-banner'), /no longer works/)
    assert.match(await page.textContent('#shares'), /Revoked/)
    assert.equal(await page.locator('button[id^=revoke-]').count(), 0)
    await checkPage()
    await shot('share-revoked')
    const other = await browser.newContext()
    const visitor = await other.newPage()
    const res = await visitor.goto(shareUrl)
    assert.equal(res.status(), 404)
    assert.equal(await visitor.textContent('h1'), 'This share link does not work')
    assert.doesNotMatch(await visitor.textContent('body'), /Mathematics|Okafor/)
    await other.close()
  })

  await step('a learner cannot revoke by a forged or foreign id, nor without the form token', async () => {
    const csrf = await page.inputValue('form[action="/me/shares"] input[name=csrf]')
    const res = await page.request.post(base + '/me/shares/999/revoke',
      { form: { csrf } })
    assert.equal(res.status(), 404)
    const bad = await page.request.post(base + '/me/shares/1/revoke',
      { form: { csrf: 'forged' } })
    assert.equal(bad.status(), 403)
  })

  await step('the printable record', async () => {
    await page.goto(base + '/me')
    await page.click('#print-link')
    assert.equal(new URL(page.url()).pathname, '/me/print')
    assert.equal(await page.textContent('h1'), 'Personal Learning Record')
    const body = await page.textContent('body')
    assert.match(body, new RegExp('Ruth Okafor, ULN ' + RUTH))
    assert.match(body, /Mathematics[\s\S]*Exam Board/)
    assert.match(body, /English Language/)
    await shot('print')
  })

  await step('the learner pages are for learners only', async () => {
    await page.goto(base + '/me')
    await page.click('#sign-out')
    for (const url of ['/me/shares', '/me/sharing', '/me/print']) {
      await page.goto(base + url)
      assert.equal(new URL(page.url()).pathname, '/sign-in', url)
    }
    await page.fill('#username', 'ao.alex')
    await page.fill('#password', PASSWORD)
    await page.click('#sign-in')
    for (const url of ['/me/shares', '/me/sharing', '/me/print']) {
      const res = await page.goto(base + url)
      assert.equal(res.status(), 403, url)
    }
  })
}

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
  console.log(`1..${n}`)
  diag(`screenshots in ${shots}`)
}
await tearDown()
process.exit(setupOk && failed === 0 ? 0 : 1)
