// verify.mjs - batch verification in a real browser (docs/web.md): an
// awarding organisation uploads a CSV of learners and sees every row's
// WSVRC code and VRF flags in words, downloads the same results as CSV,
// prints them, reads them on a narrow screen; a file with no rows, a malformed file and no file are
// refused naming the file; the rows are audited as verifications; a
// learner is refused the page.
//
// Output is TAP; screenshots in $SCREENSHOT_DIR. Environment as
// browser.mjs (lib.mjs): LRSD_BIN, LRS_BIN, MKUSER_BIN, WEB_DIR.
import assert from 'node:assert/strict'
import fs from 'node:fs'
import { ANN, NOBODY, PASSWORD, ROBERT, TWO_LEARNERS, csvFile as csv, harness }
  from './lib.mjs'

const t = harness('verify')

// One row for each answer: verified, names that do not agree (VRF5),
// a wrong date of birth (VRF7), an unknown ULN, an invalid ULN, a
// missing family name.
const BATCH = `uln,given_name,family_name,date_of_birth,gender
${ANN},Ann-Marie,Smith-Jones,2008-03-02,2
${ROBERT},Robert,Smith,,
${ROBERT},Robert,O'Neill,2001-11-20,
${NOBODY},Kim,Ward,,
1234567890,Sam,Lee,,
${ANN},Ann-Marie,,,
`

async function setUp () {
  await t.startLrsd(t.register(TWO_LEARNERS, [['ops.anna', 'operator'],
    ['ao.alex', 'ao']]))
  await t.launch()
}

async function journeys () {
  const page = t.page

  await t.step('batch verification: reached from Verify; a file is required', async () => {
    await t.signIn('ao.alex', PASSWORD)
    await page.click('#navigation >> text=Verify')
    await page.click('#batch-link')
    assert.equal(t.path(), '/verify/batch')
    assert.match(await page.title(), /^Verify learners from a file/)
    await page.click('#verify')
    assert.deepEqual(await t.errors(), ['Select a learners file (CSV)'])
    await t.checkPage()
    await t.shot('batch-no-file')
  })

  await t.step('a malformed file and an unknown column are refused, naming why', async () => {
    await page.setInputFiles('#learners', csv('bad.csv', 'uln,nickname\n' + ANN + ',Annie\n'))
    await page.click('#verify')
    const errs = await t.errors()
    assert.equal(errs.length, 1)
    assert.match(errs[0], /^The file cannot be read: .*nickname/)
    assert.equal(await page.locator('#learners-error').count(), 1)
    await t.checkPage()
    await t.shot('batch-malformed')
    await page.setInputFiles('#learners', csv('empty.csv', ''))
    await page.click('#verify')
    assert.deepEqual(await t.errors(), ['Select a learners file (CSV)'])
  })

  await t.step('every row with its WSVRC code and VRF flags in words', async () => {
    await page.setInputFiles('#learners', csv('candidates.csv', BATCH))
    await page.click('#verify')
    assert.equal(await page.textContent('h1'), 'Verification results')
    assert.match(await page.title(), /^Verification results/)
    assert.match(await page.textContent('.govuk-notification-banner'),
      /Some learners are not verified/)
    const summary = await page.textContent('#summary')
    assert.match(summary, /Rows\s*6/)
    assert.match(summary, /Verified\s*1/)
    assert.match(summary, /WSVRC005: [^0-9]*2/)
    assert.match(summary, /WSVRC006: [^0-9]*1/)
    assert.match(summary, /Not checked[^0-9]*2/)
    const line = async n => page.locator(`#rows tbody tr:nth-child(${n - 1})`).textContent()
    assert.match(await line(2), new RegExp(`^2${ANN}Ann-Marie Smith-JonesVerified\\s*WSVRC001\\s*Every value given agrees`))
    assert.match(await line(3), new RegExp(`^3${ROBERT}Robert SmithNot verified\\s*WSVRC005\\s*.*VRF5: the family name does not agree`))
    assert.match(await line(4), /Not verified\s*WSVRC005\s*VRF7: the date of birth does not agree/)
    assert.match(await line(5), new RegExp(`^5${NOBODY}Kim WardNot verified\\s*WSVRC006\\s*No learner has this ULN`))
    assert.match(await line(6), /^6\s*Not checked\s*WSEC0136\s*uln: /)
    assert.match(await line(7), /^7\s*Not checked\s*WSEC0001\s*family_name: /)
    // The register's own values are never shown.
    assert.doesNotMatch(await page.textContent('main'), /2008-05-06|M1 1AE/)
    await t.checkPage()
    await t.shot('batch-results')
  })

  await t.step('the results download as CSV, one line a row', async () => {
    const [dl] = await Promise.all([page.waitForEvent('download'), page.click('#download')])
    assert.equal(dl.suggestedFilename(), 'verification.csv')
    const text = fs.readFileSync(await dl.path(), 'utf8')
    const lines = text.trim().split(/\r?\n/)
    assert.equal(lines[0], 'line,uln,code,accepted,flags,given_name,family_name,date_of_birth,gender,master_uln,field,message')
    assert.equal(lines.length, 7)
    assert.equal(lines[1], `2,${ANN},WSVRC001,yes,,exact,exact,exact,exact,,,`)
    assert.equal(lines[2], `3,${ROBERT},WSVRC005,no,VRF4 VRF5,exact,different,not given,not given,,,`)
    assert.match(lines[3], new RegExp(`^4,${ROBERT},WSVRC005,no,VRF7,exact,exact,different,`))
    assert.match(lines[4], new RegExp(`^5,${NOBODY},WSVRC006,no,,`))
    assert.match(lines[5], /^6,,WSEC0136,no,,,,,,,uln,/)
    assert.match(lines[6], /^7,,WSEC0001,no,,,,,,,family_name,/)
  })

  await t.step('on a narrow screen the page does not scroll sideways', async () => {
    await page.setViewportSize({ width: 320, height: 640 })
    const wide = await page.evaluate(() =>
      document.documentElement.scrollWidth > window.innerWidth)
    assert.equal(wide, false, 'the table scrolls in its own box')
    await t.shot('batch-narrow')
    await page.setViewportSize({ width: 1024, height: 800 })
  })

  await t.step('the results print without navigation or buttons', async () => {
    await page.emulateMedia({ media: 'print' })
    assert.equal(await page.locator('.govuk-service-navigation').isVisible(), false)
    assert.equal(await page.locator('#download').isVisible(), false)
    assert.ok(await page.locator('#rows').isVisible())
    await t.shot('batch-print')
    await page.emulateMedia({ media: 'screen' })
  })

  await t.step('a file where every learner verifies says so', async () => {
    await page.goto(t.base + '/verify/batch')
    await page.setInputFiles('#learners', csv('good.csv',
      BATCH.split('\n').slice(0, 2).join('\n') + '\n'))
    await page.click('#verify')
    assert.match(await page.textContent('.govuk-notification-banner'),
      /Every learner is verified/)
    await page.click('#sign-out')
  })

  await t.step('the verifications are in the learner\'s audit trail', async () => {
    await t.signIn('ops.anna', PASSWORD)
    await page.goto(t.base + `/learners/${ROBERT}/audit`)
    const trail = await page.textContent('main')
    assert.match(trail, /verify/i)
    await t.checkPage()
    await page.click('#sign-out')
  })

  await t.step('a form without its CSRF token is refused', async () => {
    await t.signIn('ao.alex', PASSWORD)
    const res = await page.request.post(t.base + '/verify/batch', {
      multipart: { learners: csv('x.csv', BATCH) }
    })
    assert.equal(res.status(), 403)
    await page.click('#sign-out')
  })
}

await t.run(setUp, journeys)
