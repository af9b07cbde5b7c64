// school.mjs - the school side in a real browser (docs/web.md, "The school
// side"; docs/school.md).
//
// Starts lrsd on 127.0.0.1 (a free port) over a scratch SQLite register
// with two school users of different schools and an operator
// (web_mkuser), and walks the journey of issue 9 in Debian's chromium
// driven by playwright-core: the welcome page asks for a roster; a
// malformed roster is refused with lib/school's error naming the line and
// the field, and nothing is stored; upload tests/data/school/roundtrip.csv;
// export the ULN-request CTF (a bad year group named; the log; the CTF
// downloaded and its pupils counted); send it to the S2S service and
// watch the file finish; import the returned CTF from the finished file
// (errors first: nothing chosen, both chosen, a malformed CTF); the import
// log and the updated roster; the census chart on /school/census and on
// /welcome; the privacy notices; and the other school and an operator
// refused. Every page is checked for labels, one h1 and a title, and
// saved as a screenshot in $SCREENSHOT_DIR.
//
// Output is TAP, one line a step, through lib.mjs's harness. Environment:
// LRSD_BIN, LRS_BIN, MKUSER_BIN, WEB_DIR (the source tree's web/),
// TEST_DATA_DIR, SCREENSHOT_DIR, CHROMIUM (optional).
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import path from 'node:path'
import { PASSWORD, harness } from './lib.mjs'

const env = process.env
const t = harness('school')

// The shared harness (lib.mjs): TAP steps, screenshots, the checks every
// page passes, lrsd and chromium. `page` and `base` are set by setUp.
let page = null
let base = ''
const step = t.step
const shot = t.shot
const checkPage = () => t.checkPage()
const errors = () => t.errors()
const here = () => t.path()

async function setUp () {
  const db = path.join(t.tmp, 'lrs.db')
  execFileSync(env.LRS_BIN, ['init', '--db', db], { stdio: 'ignore' })
  execFileSync(env.MKUSER_BIN, [db, 'school.sam', PASSWORD, 'school'])
  execFileSync(env.MKUSER_BIN, [db, 'school.kim', PASSWORD, 'school', '9002'])
  execFileSync(env.MKUSER_BIN, [db, 'ops.anna', PASSWORD, 'operator'])
  await t.startLrsd(db)
  await t.launch()
  page = t.page
  base = t.base
  page.setDefaultTimeout(10000)
}

async function signIn (login) {
  await t.signIn(login, PASSWORD)
  assert.equal(here(), '/welcome')
}

const signOut = () => t.signOut()

// A file of tests/data/school.
const data = name => path.join(env.TEST_DATA_DIR, 'school', name)

// GET `url` with the page's cookie: { status, text }.
async function fetchText (url) {
  const res = await page.request.get(base + url)
  return { status: res.status(), text: await res.text(), headers: res.headers() }
}

// The number of <Pupil> elements of a CTF, and how many carry a ULN.
function pupils (xml) {
  return {
    count: (xml.match(/<Pupil>/g) || []).length,
    ulns: (xml.match(/<UniqueLearnerNumber>\d{10}<\/UniqueLearnerNumber>/g) || []).length
  }
}

async function journeys () {
  let fileUrl = ''
  let jobId = ''

  await step('the welcome page asks a school for its roster', async () => {
    await signIn('school.sam')
    assert.match(await page.textContent('#coverage'), /upload your pupil roster/)
    await page.click('#navigation >> text=Pupil roster')
    assert.equal(here(), '/school')
    assert.match(await page.textContent('#roster-none'), /not uploaded a pupil roster/)
    await checkPage()
    await shot('school-no-roster')
  })

  await step('a roster page without a roster sends the school to upload one', async () => {
    for (const url of ['/school/export', '/school/census', '/school/import', '/school/notices']) {
      const r = await fetchText(url)
      assert.equal(r.status, 404, url)
      assert.match(r.text, /Upload your pupil roster first/)
    }
  })

  await step('upload with no file: the field is named', async () => {
    await page.goto(base + '/school')
    await page.click('#upload-roster')
    assert.deepEqual(await errors(), ['Select a pupil roster CSV file'])
    assert.match(await page.textContent('#roster-error'), /Select a pupil roster CSV file/)
    await checkPage()
  })

  await step('a malformed roster: the CLI\'s error naming line and field, nothing stored', async () => {
    await page.setInputFiles('#roster', data('bad_date.csv'))
    await page.click('#upload-roster')
    assert.deepEqual(await errors(), [
      "bad_date.csv line 4, column 9 (date_of_birth): '31/02/2011' is not a valid date: day 31 does not exist in February 2011"])
    assert.equal(await page.locator('#roster-none').count(), 1)
    await checkPage()
    await shot('school-roster-error')
    await page.setInputFiles('#roster', data('dup_upn.csv'))
    await page.click('#upload-roster')
    assert.deepEqual(await errors(), [
      "dup_upn.csv line 5, column 1 (upn): duplicate UPN 'G801200026001' (also on line 2)"])
    const r = await fetchText('/school/roster.csv')
    assert.equal(r.status, 404)
  })

  await step('upload the roster', async () => {
    await page.setInputFiles('#roster', data('roundtrip.csv'))
    await page.click('#upload-roster')
    assert.equal(here(), '/school')
    assert.match(await page.textContent('.govuk-notification-banner'), /Your pupil roster is stored/)
    const details = await page.textContent('#roster-details')
    assert.match(details, /roundtrip\.csv/)
    assert.match(details, /Pupils\s*8/)
    await checkPage()
    await shot('school-roster')
    const r = await fetchText('/school/roster.csv')
    assert.equal(r.status, 200)
    assert.match(r.headers['content-disposition'], /attachment/)
    assert.equal(r.text.split('\n')[0],
      'upn,former_upn,uln,surname,forename,middle_names,preferred_surname,former_surname,date_of_birth,sex,nc_year,enrolment_status,paon,street,locality,town,address_line1,address_line2,postcode')
    assert.equal(r.text.trim().split('\n').length, 9)
  })

  await step('export: a bad year group is named, the choice kept', async () => {
    await page.click('#task-export')
    assert.equal(here(), '/school/export')
    await checkPage()
    await page.check('#select-years')
    await page.fill('#years', '10, 15')
    await page.click('#export')
    assert.deepEqual(await errors(), [
      'Enter year groups from 1 to 14, separated by commas, for example 10, 11'])
    assert.equal(await page.inputValue('#years'), '10, 15')
    assert.ok(await page.isChecked('#select-years'))
    await checkPage()
    await shot('school-export-error')
  })

  await step('export: a census date that is not a date is named', async () => {
    await page.check('#select-census')
    await page.fill('#census-day', '30')
    await page.fill('#census-month', '2')
    await page.fill('#census-year', '2026')
    await page.click('#export')
    const errs = await errors()
    assert.equal(errs.length, 1)
    assert.match(errs[0], /^Census date must be a real date/)
    await checkPage()
  })

  await step('export the ULN request: the summary, the log and the CTF', async () => {
    await page.fill('#census-day', '15')
    await page.fill('#census-month', '1')
    await page.fill('#census-year', '2026')
    await page.click('#export')
    assert.match(await page.textContent('#export-summary'),
      /5 pupils chosen: 5 exported, 0 not exported \(blocked\), 1 warning\. Census day 15 January 2026\./)
    const log = await page.textContent('#export-log')
    assert.match(log, /Hollis, Thomas\s*warning \(W002\)\s*Student address exported but street is missing/)
    await checkPage()
    await shot('school-export')
    const ctf = await fetchText(await page.getAttribute('#download-request', 'href'))
    assert.equal(ctf.status, 200)
    assert.match(ctf.headers['content-disposition'], /uln-request\.xml/)
    assert.equal(pupils(ctf.text).count, 5)
    assert.match(ctf.text, /<DataDescriptor>ULN request<\/DataDescriptor>/)
    assert.match(ctf.text, /<SourceSchool>\s*<LEA>999<\/LEA>\s*<Estab>9001<\/Estab>/)
    const csv = await fetchText(await page.getAttribute('#download-export-log', 'href'))
    assert.equal(csv.text.split('\n')[0],
      'roster_line,ctf_pupil,upn,surname,forename,outcome,code,severity,field,old_value,new_value,message')
    assert.match(csv.text, /W002,warning/)
    const html = await fetchText(await page.getAttribute('#export-log-print', 'href'))
    assert.match(html.text, /CTF export log/)
    assert.match(html.headers['content-security-policy'], /sandbox/)
  })

  await step('send the request to the S2S service and watch it finish', async () => {
    await page.click('#send')
    assert.match(here(), /^\/files\/\d+$/)
    fileUrl = here()
    jobId = fileUrl.split('/')[2]
    for (let i = 0; i < 60; i++) {
      if (/Done/.test(await page.textContent('#status'))) break
      await page.waitForTimeout(500)
      await page.reload()
    }
    assert.match(await page.textContent('#status'), /Done/)
    assert.match(await page.textContent('h1'), /uln-request-2026-01-15\.xml/)
    await checkPage()
    await shot('school-sent')
    const ret = await fetchText(fileUrl + '/returned.xml')
    assert.deepEqual(pupils(ret.text), { count: 5, ulns: 5 })
  })

  await step('sending the same request again is the same file', async () => {
    await page.goto(base + '/school/export?select=census&years=&census-day=15&census-month=1&census-year=2026')
    await page.click('#send')
    assert.equal(here(), fileUrl)
  })

  await step('import: nothing chosen, or both, is named', async () => {
    await page.goto(base + '/school/import')
    await checkPage()
    await shot('school-import')
    await page.click('#import')
    assert.deepEqual(await errors(), ['Select a returned CTF file, or choose one of your files'])
    await page.setInputFiles('#ctf', data('returned.xml'))
    await page.check(`#job-${jobId}`)
    await page.click('#import')
    assert.deepEqual(await errors(), ['Upload a file or choose one of your files, not both'])
    await checkPage()
  })

  await step('import: a malformed CTF changes nothing', async () => {
    await page.goto(base + '/school/import')
    await page.setInputFiles('#ctf', {
      name: 'broken.xml',
      mimeType: 'application/xml',
      buffer: Buffer.from('<CTfile><Header></Header><CTFpupilData><Pupil><UPN>x</Pupil></CTFpupilData></CTfile>\n')
    })
    await page.click('#import')
    const errs = await errors()
    assert.equal(errs.length, 1)
    assert.match(errs[0], /^The returned CTF was not imported: .*line 1/)
    await checkPage()
    await shot('school-import-error')
    const r = await fetchText('/school/roster.csv')
    assert.equal((r.text.match(/,\d{10},/g) || []).length, 1) // held before
  })

  await step('import the returned CTF from the finished file', async () => {
    await page.goto(base + '/school/import')
    await page.check(`#job-${jobId}`)
    await page.click('#import')
    assert.equal(here(), '/school/import/result')
    assert.match(await page.textContent('.govuk-panel'), /5 ULNs added/)
    assert.match(await page.textContent('#import-summary'),
      /5 pupils in the file: 5 matched, 5 ULNs added, 0 UPNs updated, 0 unchanged, 0 not found, 0 conflicts\. 5 roster cells changed/)
    const log = await page.textContent('#import-log')
    assert.equal((log.match(/change \(I001\)/g) || []).length, 5)
    assert.match(log, /uln: '' changed to '\d{10}'/)
    await checkPage()
    await shot('school-imported')
    const roster = await fetchText('/school/roster.csv')
    assert.equal((roster.text.match(/,\d{10},/g) || []).length, 6) // 5 new + 1 held before
    const csv = await fetchText('/school/import/log.csv')
    assert.equal((csv.text.match(/,I001,change,uln,,\d{10},/g) || []).length, 5)
    const html = await fetchText('/school/import/log.html')
    assert.match(html.text, /CTF import log/)
  })

  await step('census readiness: every pupil aged 14 and over holds a ULN', async () => {
    await page.goto(base + '/school/census?census-day=15&census-month=1&census-year=2026')
    assert.match(await page.textContent('#census-summary'),
      /On 15 January 2026: 7 pupils on roll, 6 aged 14 and over, 6 of them with a valid ULN; 0 pupils need attention\./)
    const chart = await page.textContent('#census-chart')
    assert.match(chart, /Year 10\s*3 of 3 with a ULN \(100%\); 0 without/)
    assert.match(chart, /All year groups\s*6 of 6 with a ULN \(100%\); 0 without/)
    assert.match(await page.textContent('#census-pupils'), /No pupil needs attention/)
    await checkPage()
    await shot('school-census')
    const sum = await fetchText(await page.getAttribute('#census-summary-csv', 'href'))
    assert.match(sum.text, /^nc_year,pupils_14_plus,with_uln,missing_uln,invalid_uln,percent_with_uln\n/)
    assert.match(sum.text, /\nall,6,6,0,0,100\.0\n/)
    const rep = await fetchText(await page.getAttribute('#census-report', 'href'))
    assert.match(rep.text, /<svg/)
  })

  await step('census readiness: a bad date is named', async () => {
    await page.goto(base + '/school/census?census-day=31&census-month=13&census-year=2026')
    const errs = await errors()
    assert.equal(errs.length, 1)
    assert.match(errs[0], /^Census date must be a real date/)
    await checkPage()
  })

  await step('the welcome page charts the school\'s ULN coverage', async () => {
    await page.goto(base + '/welcome')
    const chart = await page.textContent('#coverage')
    assert.match(chart, /ULN coverage: pupils aged 14 and over on census day/)
    assert.match(chart, /All year groups\s*\d+ of \d+ with a ULN \(\d+%\); \d+ without/)
    // No information by colour alone: each bar is hidden from assistive
    // technology and its numbers are in the cell beside it.
    assert.equal(await page.locator('#coverage meter[aria-hidden="true"]').count(),
      await page.locator('#coverage tbody tr').count())
    await checkPage()
    await shot('welcome-coverage')
  })

  await step('privacy notices for the pupils who have just received a ULN', async () => {
    await page.goto(base + '/school/notices')
    const rows = await page.locator('#notices tbody tr').allTextContents()
    assert.equal(rows.length, 5)
    assert.ok(rows.some(r => /Okafor, Chidi\s*G801200026001\s*\d{10}/.test(r)))
    await checkPage()
    await shot('school-notices')
    const href = await page.locator('#notices tbody a').first().getAttribute('href')
    const notice = await fetchText(href)
    assert.equal(notice.status, 200)
    assert.match(notice.text, /Personal Learning Record/)
    assert.match(notice.headers['content-security-policy'], /sandbox/)
    await page.click('#notices-all')
    assert.equal(await page.locator('#notices tbody tr').count(), 6)
    assert.equal((await fetchText('/school/notices/notice-Z999.html')).status, 404)
  })

  await step('another school: its own roster only, the first school\'s file is 404', async () => {
    await signOut()
    await signIn('school.kim')
    assert.equal((await fetchText('/school/roster.csv')).status, 404)
    await page.goto(base + '/school')
    assert.equal(await page.locator('#roster-none').count(), 1)
    await page.setInputFiles('#roster', data('roster.csv'))
    await page.click('#upload-roster')
    assert.match(await page.textContent('#roster-details'), /roster\.csv/)
    // The other school's file, picked for import, does not exist for kim.
    const csrf = await page.getAttribute('input[name=csrf]', 'value')
    const res = await page.request.post(base + '/school/import', {
      multipart: { csrf, job: jobId }
    })
    assert.equal(res.status(), 404)
    assert.match(await res.text(), /There is no such file/)
    const roster = await fetchText('/school/roster.csv')
    assert.match(roster.text, /Diallo/) // only in kim's roster.csv
    assert.equal(roster.text.trim().split('\n').length, 15)
    assert.equal((await fetchText(fileUrl)).status, 404)
  })

  await step('an operator has no school pages', async () => {
    await signOut()
    await signIn('ops.anna')
    assert.equal(await page.locator('#navigation >> text=Pupil roster').count(), 0)
    const r = await fetchText('/school')
    assert.equal(r.status, 403)
    await signOut()
  })
}

await t.run(setUp, journeys)
