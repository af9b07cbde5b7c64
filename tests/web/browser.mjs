// browser.mjs - the web pages in a real browser (docs/web.md).
//
// Starts lrsd on 127.0.0.1 (a free port) over a scratch SQLite register
// made with `lrs init` and `lrs import`, with an operator and a school
// user (web_mkuser), and walks the journeys of issue 7 in Debian's
// chromium driven by playwright-core: sign in (and a wrong password), the
// agreement gate, find by personal details (missing fields, a match and
// its explanation), a learner's record, a deed poll name change and its
// history, register (missing fields, refused for a candidate, a new
// learner), what a school may see, CSRF, print, sign out; and the S2S
// service: upload a CTF, watch it finish, its outcome, download the
// returned CTF and check its ULNs, the exceptions (printable; filtered by
// status, file and code), resolve one each way, and another school
// refused the first school's files. Every page is checked for labels, one
// h1 and a title, and saved as a screenshot in $SCREENSHOT_DIR.
//
// Output is TAP, one line a journey. Environment: LRSD_BIN, LRS_BIN,
// MKUSER_BIN, WEB_DIR (the source tree's web/), TEST_DATA_DIR,
// SCREENSHOT_DIR, CHROMIUM (optional).
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import * as lib from './lib.mjs'

const env = process.env

// Synthetic learners, never real people. Lily and Lila are twins.
const LEARNERS = `uln,given_name,middle_names,family_name,date_of_birth,gender,postcode
,Amelia,Rose,Hughes,2008-03-27,2,SW1A 1AA
,Oliver,,Khan,2009-11-02,1,M1 1AE
,Lily,,Brown,2010-05-14,2,LS1 4AP
,Lila,,Brown,2010-05-14,2,LS1 4AP
,Zoë,,O'Brien,2007-01-09,2,CF10 1EP
,Zoe,,OBrien-Jones,2007-01-09,2,NP20 1AA
`

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lrs-web-'))
const shots = env.SCREENSHOT_DIR || path.join(tmp, 'screenshots')
fs.mkdirSync(shots, { recursive: true })
for (const f of fs.readdirSync(shots)) {
  if (f.endsWith('.png')) fs.rmSync(path.join(shots, f))
}
const PASSWORD = lib.PASSWORD
const EMMA = '2931986320' // Emma Morgan in the synthetic register

let lrsd = null
let base = ''
let browser = null
let page = null
let n = 0
let failed = 0
let shotCount = 0
const ulnOf = new Map() // "Given Family" -> ULN, of LEARNERS

const diag = lib.diag

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

// The checks every page must pass (lib.mjs).
async function checkPage () {
  await lib.checkPage(page)
}

// Click `selector`, a link or a submit button, and wait for the page it
// leads to to load. A bare click returns once the navigation has
// started: read at once, under load, the page may still be the old one
// or not yet parsed (step 12 read an empty error summary so).
async function clickAndLoad (selector) {
  await Promise.all([page.waitForNavigation(), page.click(selector)])
}

async function errors () {
  return lib.errors(page)
}

async function startLrsd () {
  ({ proc: lrsd, base } = await lib.startLrsd(path.join(tmp, 'lrs.db')))
}

async function setUp () {
  fs.writeFileSync(path.join(tmp, 'learners.csv'), LEARNERS)
  const db = path.join(tmp, 'lrs.db')
  execFileSync(env.LRS_BIN, ['init', '--db', db], { stdio: 'ignore' })
  execFileSync(env.LRS_BIN, ['import', 'learners', path.join(tmp, 'learners.csv'),
    '--db', db], { stdio: 'ignore' })
  // The register that tests/data/batch/school.xml was written against
  // (tests/cli/batch.t): Emma Morgan is 2931986320.
  execFileSync(env.LRS_BIN, ['synth', '--learners', '2000', '--queries', '10',
    '--seed', '3', '--out', path.join(tmp, 'synth')], { stdio: 'ignore' })
  execFileSync(env.LRS_BIN, ['import', 'learners',
    path.join(tmp, 'synth', 'learners.csv'), '--db', db], { stdio: 'ignore' })
  const csv = execFileSync(env.LRS_BIN, ['export', 'learners', '--db', db],
    { encoding: 'utf8' })
  for (const line of csv.split('\n').slice(1)) {
    const f = line.split(',')
    ulnOf.set(f[1] + ' ' + f[3], f[0])
  }
  execFileSync(env.MKUSER_BIN, [db, 'ops.anna', PASSWORD, 'operator'])
  execFileSync(env.MKUSER_BIN, [db, 'school.sam', PASSWORD, 'school'])
  execFileSync(env.MKUSER_BIN, [db, 'school.kim', PASSWORD, 'school', '9002'])
  execFileSync(env.MKUSER_BIN, [db, 'ao.alex', PASSWORD, 'ao'])
  execFileSync(env.MKUSER_BIN, [db, 'emma', PASSWORD, 'learner', EMMA])
  // Emma's results, from her awarding organisation (lrs results upload).
  fs.writeFileSync(path.join(tmp, 'results.csv'),
    'uln,given_name,family_name,subject_code,subject,qualification_type,level,grade,award_date,status\n' +
    EMMA + ',Emma,Morgan,600/1166/X,Mathematics,GCSE,2,7,2026-08-20,F\n' +
    EMMA + ',Emma,Morgan,601/4433/2,Physics,GCSE,2,6,2026-08-20,P\n')
  execFileSync(env.LRS_BIN, ['results', 'upload', path.join(tmp, 'results.csv'),
    '--ao', '10000001', '--ao-name', 'Exam Board', '--db', db], { stdio: 'ignore' })
  await startLrsd()
  browser = await lib.launchChromium()
  const context = await browser.newContext({ viewport: { width: 1024, height: 800 } })
  page = await context.newPage()
}

async function tearDown () {
  if (browser) await browser.close().catch(() => {})
  await lib.stopLrsd(lrsd)
  fs.rmSync(tmp, { recursive: true, force: true })
}

async function fillPerson (p) {
  await page.fill('#given_name', p.given || '')
  if (p.middle !== undefined) await page.fill('#middle_names', p.middle)
  await page.fill('#family_name', p.family || '')
  await page.fill('#dob-day', p.day || '')
  await page.fill('#dob-month', p.month || '')
  await page.fill('#dob-year', p.year || '')
  if (p.gender) await page.check(`#gender-${p.gender}`)
  await page.fill('#postcode', p.postcode || '')
}

const AMELIA = { given: 'Amelia', family: 'Hughes', day: '27', month: '3', year: '2008', gender: '2', postcode: 'sw1a1aa' }
const OLIVER = { given: 'Oliver', middle: '', family: 'Khan', day: '2', month: '11', year: '2009', gender: '1', postcode: 'M1 1AE' }
const NOAH = { given: 'Noah', middle: 'James', family: 'Patel', day: '5', month: '6', year: '2011', gender: '1', postcode: 'B1 1AA' }
let ameliaUln = ''

async function journeys () {
  await step('a visitor without a session is sent to sign in', async () => {
    await page.goto(base + '/welcome')
    assert.equal(new URL(page.url()).pathname, '/sign-in')
    await checkPage()
    await shot('sign-in')
  })

  await step('a wrong password is refused without saying which half', async () => {
    await page.fill('#username', 'ops.anna')
    await page.fill('#password', 'wrong horse battery staple')
    await clickAndLoad('#sign-in')
    assert.deepEqual(await errors(), ['Enter a correct username and password'])
    await page.fill('#username', 'nobody')
    await page.fill('#password', PASSWORD)
    await clickAndLoad('#sign-in')
    assert.deepEqual(await errors(), ['Enter a correct username and password'],
      'an unknown login gets the same answer')
    assert.equal(await page.inputValue('#password'), '', 'password not echoed')
    await checkPage()
    await shot('sign-in-wrong-password')
  })

  await step('sign in leads to the user agreement, which gates every page', async () => {
    await page.fill('#username', 'ops.anna')
    await page.fill('#password', PASSWORD)
    await clickAndLoad('#sign-in')
    assert.equal(new URL(page.url()).pathname, '/agreement')
    await checkPage()
    await shot('agreement')
    await page.goto(base + '/learners/find')
    assert.equal(new URL(page.url()).pathname, '/agreement')
    await clickAndLoad('#accept')
    assert.equal(new URL(page.url()).pathname, '/welcome')
    assert.match(await page.textContent('#register-stats'), /Active learners\s*2006/)
    assert.ok(await page.locator('#attention').isVisible())
    await checkPage()
    await shot('welcome')
  })

  await step('find by personal details: every missing field is named', async () => {
    await clickAndLoad('#card-find')
    await page.fill('#given_name', 'Amelia')
    await clickAndLoad('#find-details')
    assert.deepEqual(await errors(), [
      "Enter the learner's family name",
      "Enter the learner's date of birth",
      "Select the learner's gender",
      "Enter the learner's postcode"])
    assert.equal(await page.inputValue('#given_name'), 'Amelia', 'value kept')
    assert.equal(await page.locator('.govuk-error-message').count(), 4)
    await checkPage()
    await shot('find-missing-fields')
    await page.fill('#dob-day', '31')
    await page.fill('#dob-month', '2')
    await page.fill('#dob-year', '2008')
    await clickAndLoad('#find-details')
    assert.ok((await errors()).some(e => e.startsWith('Date of birth')))
  })

  await step('find by personal details (keyboard): the match is explained', async () => {
    await page.goto(base + '/learners/find')
    await fillPerson(AMELIA)
    await page.focus('#postcode')
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')])
    assert.equal(await page.textContent('h1'), 'We found the learner')
    const table = page.locator('table', { hasText: 'Why this learner was found' })
    assert.match(await table.textContent(), /Family name\s*Hughes\s*Hughes\s*the same/)
    assert.match(await page.textContent('main'), /strong evidence/)
    await checkPage()
    await shot('find-found')
  })

  await step("view a learner's record", async () => {
    await clickAndLoad('text=View Amelia Hughes\'s record')
    assert.equal(await page.textContent('h1'), 'Amelia Hughes')
    ameliaUln = new URL(page.url()).pathname.split('/')[2]
    assert.match(ameliaUln, /^\d{10}$/)
    assert.match(await page.textContent('#name-history'), /never been changed/)
    await checkPage()
    await shot('learner')
  })

  await step('amend: a name change needs a reason', async () => {
    await clickAndLoad('#amend')
    await page.fill('#family_name', 'Smith')
    await clickAndLoad('#save')
    assert.deepEqual(await errors(), ['Enter the reason for the change'])
    assert.equal(await page.inputValue('#family_name'), 'Smith', 'value kept')
    await checkPage()
    await shot('amend-missing-reason')
  })

  await step('amend a name by deed poll: the old name is in the history', async () => {
    await page.fill('#reason', 'Deed poll dated 1 May 2024')
    await clickAndLoad('#save')
    assert.equal(await page.textContent('h1'), 'Amelia Smith')
    assert.match(await page.textContent('.govuk-notification-banner'), /name was changed/)
    const history = await page.textContent('#name-history')
    assert.match(history, /Amelia Rose Hughes/)
    assert.match(history, /Deed poll dated 1 May 2024/)
    assert.match(await page.textContent('.govuk-summary-list'), /Previous family name\s*Hughes/)
    await checkPage()
    await shot('amended')
  })

  await step('the learner is still found by the old family name', async () => {
    await page.goto(base + '/learners/find')
    await fillPerson(AMELIA)
    await clickAndLoad('#find-details')
    assert.equal(await page.textContent('h1'), 'We found the learner')
    assert.match(await page.textContent('main'), /the same as a former family name/)
    await shot('find-former-name')
  })

  await step('find by ULN', async () => {
    await page.goto(base + '/learners/find')
    await page.fill('#uln', '12345')
    await clickAndLoad('#find-uln')
    assert.ok((await errors())[0].startsWith('Enter a real ULN'))
    await page.fill('#uln', ameliaUln)
    await clickAndLoad('#find-uln')
    assert.equal(await page.textContent('h1'), 'Amelia Smith')
  })

  await step("a learner's audit trail says who read and changed them", async () => {
    await clickAndLoad('#audit-trail')
    const trail = await page.textContent('#audit')
    assert.match(trail, /update\s*ops\.anna/)
    assert.match(trail, /read\s*ops\.anna/)
    await checkPage()
    await shot('audit-trail')
  })

  await step('register: every missing field is named', async () => {
    await clickAndLoad('a.govuk-service-navigation__link[href="/learners/register"]')
    await clickAndLoad('#register')
    assert.equal((await errors()).length, 5)
    await checkPage()
    await shot('register-missing-fields')
  })

  await step('register is refused when a candidate exists, shown side by side', async () => {
    await page.goto(base + '/learners/register')
    await fillPerson({ ...OLIVER, given: 'Olly' })
    await clickAndLoad('#register')
    assert.match(await page.textContent('h1'), /may already have a ULN/)
    const table = await page.textContent('#candidates')
    assert.match(table, /You entered/)
    assert.match(table, /Olly/)
    assert.match(table, /Oliver\s*\(differs\)/)
    await checkPage()
    await shot('register-refused')
  })

  await step('merge a duplicate: checked side by side, then linked', async () => {
    // Zoë O'Brien was imported twice (LEARNERS): the second record goes.
    const dupUln = ulnOf.get('Zoe OBrien-Jones')
    const masterUln = ulnOf.get("Zoë O'Brien")
    await page.goto(base + '/learners/' + dupUln)
    await clickAndLoad('#merge-link')
    await page.fill('#master_uln', dupUln)
    await clickAndLoad('#check-merge')
    assert.deepEqual(await errors(), ["Enter another learner's ULN", 'Enter why'])
    await page.fill('#master_uln', masterUln)
    await page.fill('#reason', 'registered twice: same birth certificate')
    await clickAndLoad('#check-merge')
    assert.match(await page.textContent('#merge-compare'), /OBrien-Jones[\s\S]*O'Brien\s*\(differs\)/)
    await checkPage()
    await shot('merge-check')
    await clickAndLoad('#merge')
    assert.equal(new URL(page.url()).pathname, '/learners/' + masterUln)
    assert.match(await page.textContent('.govuk-notification-banner'), /merged/)
    await page.goto(base + '/learners/' + dupUln)
    assert.equal(new URL(page.url()).pathname, '/learners/' + dupUln)
    assert.match(await page.textContent('main'), /This record was merged/)
    assert.equal(await page.textContent('h1'), "Zoë O'Brien")
  })

  await step('register a new learner: a ULN is issued, then found', async () => {
    await page.goto(base + '/learners/register')
    await fillPerson(NOAH)
    await clickAndLoad('#register')
    assert.match(await page.textContent('#registered'), /Their ULN is\s*\d{10}/)
    assert.equal(await page.textContent('h1'), 'Learner registered')
    await checkPage()
    await shot('registered')
    await page.goto(base + '/learners/find')
    await fillPerson({ ...NOAH, middle: undefined })
    await clickAndLoad('#find-details')
    assert.equal(await page.textContent('h1'), 'We found the learner')
  })

  await step('twins are possible matches for a person to decide, not one match', async () => {
    await page.goto(base + '/learners/find')
    await fillPerson({ given: 'Lily', family: 'Brown', day: '14', month: '5', year: '2010', gender: '2', postcode: 'LS1 4AP' })
    await clickAndLoad('#find-details')
    // Lila is as close as Lily: a person decides, the engine does not.
    assert.equal(await page.textContent('h1'), '2 possible matches')
    const main = await page.textContent('main')
    assert.match(main, /Given name\s*Lily\s*Lila\s*one letter different/)
    assert.match(main, /a person must decide/)
    await checkPage()
    await shot('find-twins')
  })

  await step('a form without its CSRF token changes nothing', async () => {
    const res = await page.request.post(base + '/learners/register', {
      form: { given_name: 'Eve', family_name: 'Forger', 'dob-day': '1', 'dob-month': '1', 'dob-year': '2010', gender: '2', postcode: 'B1 1AA' },
      maxRedirects: 0
    })
    assert.equal(res.status(), 403)
  })

  await step("a learner's record prints without the page furniture", async () => {
    await page.goto(base + '/learners/' + ameliaUln)
    await page.emulateMedia({ media: 'print' })
    assert.equal(await page.locator('.govuk-header').isVisible(), false)
    assert.equal(await page.locator('#name-history').isVisible(), true)
    await shot('learner-print')
    await page.emulateMedia({ media: 'screen' })
  })

  await step('sign out, and the session is gone', async () => {
    const cookies = await page.context().cookies()
    await clickAndLoad('#sign-out')
    assert.equal(await page.textContent('h1'), 'You have signed out')
    await checkPage()
    await shot('signed-out')
    await page.goto(base + '/welcome')
    assert.equal(new URL(page.url()).pathname, '/sign-in')
    // A copy of the old cookie is dead too: the session row is revoked.
    await page.context().addCookies(cookies)
    await page.goto(base + '/welcome')
    assert.equal(new URL(page.url()).pathname, '/sign-in')
  })

  await step('a school sees a learner only on an exact match', async () => {
    await page.fill('#username', 'school.sam')
    await page.fill('#password', PASSWORD)
    await clickAndLoad('#sign-in')
    await clickAndLoad('#accept')
    await page.goto(base + '/learners/find')
    await fillPerson({ given: 'Lily', family: 'Brown', day: '14', month: '5', year: '2010', gender: '2', postcode: 'LS1 4AP' })
    await clickAndLoad('#find-details')
    assert.equal(await page.textContent('h1'), '2 possible matches')
    assert.equal(await page.locator('.govuk-summary-list').count(), 0, 'no details shown')
    await shot('school-possible-matches')
    const res = await page.goto(base + '/learners/' + ameliaUln)
    assert.equal(res.status(), 403, 'a record by ULN alone is for the LRS')
  })

  await step('verify a learner: agreement in words, no register data shown', async () => {
    await clickAndLoad('a.govuk-service-navigation__link[href="/verify"]')
    await clickAndLoad('#verify')
    assert.deepEqual(await errors(), ["Enter the learner's ULN",
      "Enter the learner's given name", "Enter the learner's family name"])
    await checkPage()
    await page.fill('#uln', '2931986320')
    await page.fill('#given_name', 'Emma')
    await page.fill('#family_name', 'Morgan')
    await page.fill('#dob-day', '28')
    await page.fill('#dob-month', '9')
    await page.fill('#dob-year', '2010')
    await page.check('#gender-2')
    await clickAndLoad('#verify')
    assert.equal(await page.textContent('#result'), 'The learner is verified')
    assert.match(await page.textContent('main'), /WSVRC001/)
    await checkPage()
    await shot('verified')
    await page.goto(base + '/verify')
    await page.fill('#uln', '2931986320')
    await page.fill('#given_name', 'Emma')
    await page.fill('#family_name', 'Morgan')
    await page.fill('#dob-day', '1')
    await page.fill('#dob-month', '1')
    await page.fill('#dob-year', '2001')
    await clickAndLoad('#verify')
    assert.equal(await page.textContent('#result'), 'The learner is not verified')
    assert.match(await page.textContent('#levels'), /Date of birth\s*does not agree/)
    assert.doesNotMatch(await page.textContent('main'), /2010/, 'the register is not shown')
    await shot('not-verified')
  })

  await batchJourneys()
}

async function returnedCtf () {
  const href = await page.getAttribute('#download-ctf', 'href')
  const res = await page.request.get(base + href)
  assert.equal(res.status(), 200)
  return res.text()
}

function count (text, what) {
  return text.split(what).length - 1
}

let fileUrl = ''

async function batchJourneys () {
  await step('S2S: upload a CTF and watch it finish', async () => {
    await page.goto(base + '/welcome')
    await clickAndLoad('a.govuk-service-navigation__link[href="/files"]')
    assert.match(await page.textContent('#files'), /not uploaded any files/)
    await clickAndLoad('#upload')
    await clickAndLoad('#send')
    assert.deepEqual(await errors(), ['Select a CTF file'])
    await checkPage()
    await page.setInputFiles('#ctf', path.join(env.TEST_DATA_DIR, 'batch', 'school.xml'))
    await clickAndLoad('#send')
    assert.equal(new URL(page.url()).pathname, '/files')
    await checkPage()
    await shot('files-uploaded')
    for (let i = 0; i < 60; i++) {
      if (/Done/.test(await page.textContent('#files'))) break
      await page.waitForTimeout(500)
      await page.reload()
    }
    assert.match(await page.textContent('#files'), /school\.xml[\s\S]*Done[\s\S]*8 of 8 pupils/)
    await page.click('#files summary')
    const outcome = await page.textContent('#files .govuk-details__text')
    assert.match(outcome, /new\s*1/)
    assert.match(outcome, /existing\s*2/)
    assert.match(outcome, /possible match\s*1/)
    assert.match(outcome, /5 open, 0 resolved/)
    await shot('files-done')
  })

  await step('S2S: the returned CTF holds the ULNs', async () => {
    await clickAndLoad('#files a[href^="/files/"]')
    fileUrl = new URL(page.url()).pathname
    await checkPage()
    await shot('file')
    const ctf = await returnedCtf()
    assert.equal(count(ctf, '<Pupil>'), 8)
    assert.equal(count(ctf, '<UniqueLearnerNumber>' + EMMA + '<'), 2)
    assert.equal(count(ctf, '<UniqueLearnerNumber>'), 3)
    const csv = await page.request.get(base + fileUrl + '/report.csv')
    assert.match(await csv.text(), /^row,upn,surname/)
  })

  await step('S2S: the exceptions, printable', async () => {
    await clickAndLoad('a.govuk-service-navigation__link[href="/exceptions"]')
    assert.equal(await page.locator('#exceptions tbody tr').count(), 5)
    await checkPage()
    await shot('exceptions')
    await page.emulateMedia({ media: 'print' })
    assert.equal(await page.locator('.govuk-header').isVisible(), false)
    assert.equal(await page.locator('#filter').isVisible(), false)
    await shot('exceptions-print')
    await page.emulateMedia({ media: 'screen' })
  })

  await step('S2S: a resolution needs a choice and a reason', async () => {
    await clickAndLoad('#exceptions tr:has-text("WSRC0003") a[href^="/exceptions/"]')
    await clickAndLoad('#resolve')
    assert.deepEqual(await errors(), ['Select who this pupil is', 'Enter why'])
    await checkPage()
  })

  await step('S2S: resolve a possible match as the learner found', async () => {
    const table = await page.textContent('#compare')
    assert.match(table, /Morgen/)
    assert.match(table, /Morgan\s*\(differs: /)
    await shot('exception-compare')
    await page.check('#choice-' + EMMA)
    await page.fill('#reason', 'same pupil: the MIS has a typo')
    await clickAndLoad('#resolve')
    assert.match(await page.textContent('.govuk-notification-banner'), /resolved/)
    assert.match(await page.textContent('#resolution'), new RegExp(EMMA))
    await checkPage()
    await shot('exception-resolved')
    await page.goto(base + fileUrl)
    assert.equal(count(await returnedCtf(), '<UniqueLearnerNumber>' + EMMA + '<'), 3)
  })

  await step('S2S: resolve another by registering a new learner', async () => {
    await page.goto(base + '/exceptions')
    await clickAndLoad('#exceptions tr:has-text("RC013") a[href^="/exceptions/"]')
    await page.check('#choice-new')
    await page.fill('#reason', 'date of birth checked with the parents')
    await clickAndLoad('#resolve')
    assert.match(await page.textContent('#resolution'), /Registered as a new learner/)
    await page.goto(base + '/exceptions?status=open')
    assert.equal(await page.locator('#exceptions tbody tr').count(), 3)
    await page.goto(base + '/welcome')
    assert.match(await page.textContent('#attention'), /3 open exceptions/)
    assert.match(await page.textContent('#recent-outcomes'),
      /last 1 file[\s\S]*existing\s*2 of 8[\s\S]*possible match\s*1 of 8/)
    await shot('welcome-attention')
  })

  await step('S2S: filter the exceptions by status, file and code', async () => {
    // A second file from the same school: two pupils of the first (no
    // postcode, RC010; no UPN, RC006).
    const xml = fs.readFileSync(path.join(env.TEST_DATA_DIR, 'batch', 'school.xml'), 'utf8')
    const pupils = xml.match(/<Pupil>[\s\S]*?<\/Pupil>/g).filter(p => /Fairbairn|Diallo/.test(p))
    assert.equal(pupils.length, 2)
    fs.writeFileSync(path.join(tmp, 'second.xml'), xml.replace(
      /<CTFpupilData>[\s\S]*<\/CTFpupilData>/,
      '<CTFpupilData>\n' + pupils.join('\n') + '\n</CTFpupilData>'))
    await page.goto(base + '/files/upload')
    await page.setInputFiles('#ctf', path.join(tmp, 'second.xml'))
    await clickAndLoad('#send')
    const second = await page.getAttribute('#files a[href^="/files/"]', 'href')
    assert.notEqual(second, fileUrl)
    const secondId = second.split('/')[2]
    const firstId = fileUrl.split('/')[2]
    for (let i = 0; i < 60; i++) {
      if (/Done/.test(await (await page.request.get(base + second)).text())) break
      await page.waitForTimeout(500)
    }
    const rows = () => page.locator('#exceptions tbody tr').count()
    const show = () => clickAndLoad('#filter')

    await page.goto(base + '/exceptions')
    assert.equal(await rows(), 5, 'open: 3 of the first file, 2 of the second')
    assert.equal(await page.textContent('#shown'), '5 open exceptions.')
    assert.equal(await page.textContent('label[for="file"]'), 'File')
    assert.equal(await page.textContent('label[for="code"]'), 'Outcome code')
    assert.equal(await page.locator('#file option').count(), 3, 'all files and the two')
    assert.match(await page.textContent('#code'), /RC010: null values: the postcode is missing/)
    assert.equal(await page.locator('#clear').count(), 0, 'nothing to clear yet')

    await page.selectOption('#file', secondId)
    await page.selectOption('#code', 'RC010')
    await show()
    assert.equal(await rows(), 1)
    assert.equal(await page.textContent('#shown'),
      `1 open exception with code RC010 in file ${secondId} (second.xml).`)
    assert.match(await page.textContent('#exceptions'), new RegExp(`File ${secondId}[\\s\\S]*RC010`))
    assert.equal(await page.inputValue('#file'), secondId, 'the choices are kept')
    assert.equal(await page.inputValue('#code'), 'RC010')
    await checkPage()
    await shot('exceptions-filtered')

    await page.check('#status-all')
    await page.selectOption('#file', '')
    await show()
    assert.equal(await rows(), 2, 'RC010 in both files')
    assert.equal(await page.textContent('#shown'), '2 exceptions with code RC010.')

    await page.check('#status-resolved')
    await page.selectOption('#file', firstId)
    await page.selectOption('#code', '')
    await show()
    assert.equal(await rows(), 2, 'the two resolved above')
    assert.match(await page.textContent('#exceptions'), /RC013[\s\S]*WSRC0003/)

    await page.check('#status-open')
    await page.selectOption('#code', 'RC013')
    await show()
    assert.equal(await rows(), 0)
    assert.equal(await page.textContent('#shown'),
      `There are no open exceptions with code RC013 in file ${firstId} (school.xml).`)
    await page.emulateMedia({ media: 'print' })
    assert.equal(await page.locator('#filters').isVisible(), false, 'the filters are not printed')
    assert.equal(await page.locator('#shown').isVisible(), true, 'what is shown is')
    await page.emulateMedia({ media: 'screen' })

    await clickAndLoad('#clear')
    assert.equal(await rows(), 5)
    assert.equal(await page.isChecked('#status-open'), true)
    assert.equal(await page.inputValue('#file'), '')
    assert.equal(await page.inputValue('#code'), '')

    const res = await page.goto(base + '/exceptions?status=bogus&file=abc&code=RC999')
    assert.equal(res.status(), 400)
    assert.deepEqual(await errors(), ['Select open, resolved or all exceptions',
      'Select a file from the list', 'Select an outcome code from the list'])
    assert.equal(await page.locator('#exceptions').count(), 0, 'no list with errors')
    await checkPage()
    await shot('exceptions-errors')
    await page.goto(base + '/exceptions?file=999999')
    assert.deepEqual(await errors(), ['There is no file 999999: select one from the list'])
  })

  await step('S2S: another school cannot see the file or its exceptions', async () => {
    await clickAndLoad('#sign-out')
    await clickAndLoad('#sign-in-again')
    await page.fill('#username', 'school.kim')
    await page.fill('#password', PASSWORD)
    await clickAndLoad('#sign-in')
    await clickAndLoad('#accept')
    for (const url of [fileUrl, fileUrl + '/returned.xml', '/exceptions/1']) {
      const res = await page.goto(base + url)
      assert.equal(res.status(), 404, url)
    }
    await page.goto(base + '/files')
    assert.match(await page.textContent('#files'), /not uploaded any files/)
    await page.goto(base + '/exceptions')
    assert.equal(await page.textContent('#shown'), 'There are no open exceptions.')
    assert.equal(await page.locator('#file option').count(), 1, 'none of the other school\'s files')
    // The first school's file is answered as a file nobody has.
    const id = fileUrl.split('/')[2]
    const theirs = await page.goto(base + '/exceptions?file=' + id + '&status=all')
    assert.equal(theirs.status(), 400)
    assert.deepEqual(await errors(), [`There is no file ${id}: select one from the list`])
    assert.equal(await page.locator('#exceptions').count(), 0)
    await page.goto(base + '/exceptions?file=999999&status=all')
    assert.deepEqual(await errors(), ['There is no file 999999: select one from the list'])
  })

  await step("a learner sees their own record and results", async () => {
    await clickAndLoad('#sign-out')
    await clickAndLoad('#sign-in-again')
    await page.fill('#username', 'emma')
    await page.fill('#password', PASSWORD)
    await clickAndLoad('#sign-in')
    await clickAndLoad('#accept')
    assert.equal(new URL(page.url()).pathname, '/me')
    assert.equal(await page.textContent('h1'), 'Emma Morgan')
    const events = await page.textContent('#events')
    assert.match(events, /Mathematics[\s\S]*GCSE[\s\S]*7/)
    assert.match(events, /Physics[\s\S]*6\s*Provisional/)
    await checkPage()
    await shot('learner-me')
    for (const url of ['/learners/find', '/files', '/learners/' + EMMA]) {
      const res = await page.goto(base + url)
      assert.equal(res.status(), 403, url)
    }
    await page.goto(base + '/me')
    await clickAndLoad('#sign-out')
    await clickAndLoad('#sign-in-again')
    await page.fill('#username', 'school.kim')
    await page.fill('#password', PASSWORD)
    await clickAndLoad('#sign-in')
  })

  await step('change a password: the old one stops working', async () => {
    const NEW = 'a new and longer passphrase'
    await clickAndLoad('#password-link')
    await page.fill('#current_password', 'not it at all')
    await page.fill('#new_password', 'short')
    await clickAndLoad('#change-password')
    assert.equal((await errors()).length, 2)
    assert.equal(await page.inputValue('#new_password'), '', 'never echoed')
    await checkPage()
    await shot('password-errors')
    await page.fill('#current_password', PASSWORD)
    await page.fill('#new_password', NEW)
    await page.fill('#confirm_password', NEW)
    await clickAndLoad('#change-password')
    assert.equal(await page.textContent('h1'), 'Your password has been changed')
    await clickAndLoad('#sign-in-again')
    await page.fill('#username', 'school.kim')
    await page.fill('#password', PASSWORD)
    await clickAndLoad('#sign-in')
    assert.deepEqual(await errors(), ['Enter a correct username and password'])
    await page.fill('#username', 'school.kim')
    await page.fill('#password', NEW)
    await clickAndLoad('#sign-in')
    assert.equal(new URL(page.url()).pathname, '/welcome')
    await clickAndLoad('#sign-out')
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
