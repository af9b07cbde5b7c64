// ao.mjs - exam entries, results and reading a PLR in a real browser
// (docs/web.md): a school submits entries and sees at once which ones
// the awarding organisation (AO) would reject and why, sees the changes
// not yet sent and sends them, and sends only an amendment the next time;
// another school sees none of it; the AO uploads results with the outcome
// of every row (stored, replaced, unchanged, rejected with its code and
// reason), a malformed file changes nothing, and the AO sees the entries
// and amendments sent to it; organisations read a learner's achievements
// where allowed (WSEC0208 names that do not verify, WSEC0206 a learner
// who does not share; operators need no consent); every page refused to
// the wrong role (403).
//
// Output is TAP; screenshots in $SCREENSHOT_DIR. Environment as
// browser.mjs (lib.mjs): LRSD_BIN, LRS_BIN, MKUSER_BIN, WEB_DIR.
import assert from 'node:assert/strict'
import { ANN, NOBODY, PASSWORD, ROBERT, TWO_LEARNERS, csvFile as csv, harness }
  from './lib.mjs'

const t = harness('ao')

const RESULTS = `uln,given_name,family_name,subject_code,subject,qualification_type,level,grade,award_date,status
${ANN},Ann-Marie,Smith-Jones,600/1166/X,Mathematics,GCSE,2,7,2026-08-20,F
${ROBERT},Robert,Smith,600/1166/X,Mathematics,GCSE,2,5,2026-08-20,F
1234567890,Sam,Lee,600/1166/X,Mathematics,GCSE,2,4,2026-08-20,F
${NOBODY},Kim,Ward,600/1166/X,Mathematics,GCSE,2,4,2026-08-20,F
${ANN},Ann-Marie,Smith-Jones,601/4433/2,Physics,GCSE,2,,2026-08-20,F
`
const ENTRIES = `candidate_number,uci,uln,given_name,family_name,date_of_birth,gender,qualification_code,qualification_title,series
0001,999900126001A,${ANN},Ann-Marie,Smith-Jones,2008-03-02,2,600/1166/X,GCSE Mathematics,2026-06
0002,999900126002B,${ROBERT},Robert,Brown,2008-05-06,1,600/1166/X,GCSE Mathematics,2026-06
0003,,,Noah,Patel,2008-07-01,1,600/1166/X,GCSE Mathematics,2026-06
,,,Nameless,Row,2008-07-01,1,600/1166/X,GCSE Mathematics,2026-06
`

async function setUp () {
  await t.startLrsd(t.register(TWO_LEARNERS, [['ops.anna', 'operator'],
    ['school.sam', 'school'], ['school.kim', 'school', '9002'],
    ['ao.alex', 'ao']]))
  await t.launch()
}

async function rowOf (table, text) {
  return t.page.locator(`${table} tbody tr`, { hasText: text }).textContent()
}

async function journeys () {
  const page = t.page

  await t.step('an AO uploads results: a file is required', async () => {
    await t.signIn('ao.alex', PASSWORD)
    await page.click('#navigation >> text=Upload results')
    assert.equal(t.path(), '/results/upload')
    await page.click('#send')
    assert.deepEqual(await t.errors(), ['Select a results file (CSV)'])
    await t.checkPage()
    await t.shot('results-no-file')
  })

  await t.step('results: every row\'s outcome, rejections with code and reason', async () => {
    await page.setInputFiles('#results', csv('summer.csv', RESULTS))
    await page.click('#send')
    assert.equal(await page.textContent('h1'), 'Results uploaded')
    assert.match(await page.textContent('.govuk-notification-banner'), /Some rows were rejected/)
    const summary = await page.textContent('#summary')
    assert.match(summary, /Rows\s*5/)
    assert.match(summary, /Stored\s*1/)
    assert.match(summary, /Rejected\s*4/)
    const line = async n => page.locator(`#rows tbody tr:nth-child(${n - 1})`).textContent()
    assert.match(await line(2), new RegExp(`^2${ANN}600/1166/XStored\\s*WSVRC001`))
    assert.match(await line(3),
      new RegExp(`^3${ROBERT}600/1166/XRejected\\s*WSVRC005\\s*The learner's names do not match the register\\..*VRF5: the family name does not agree`))
    assert.match(await line(4), /^4\s*Rejected\s*WSEC0136\s*The ULN is not valid/)
    assert.match(await line(5), new RegExp(`^5${NOBODY}600/1166/XRejected\\s*WSVRC006\\s*No learner has this ULN`))
    assert.match(await line(6), /^6\s*Rejected\s*WSEC0001\s*A value is missing or not valid\..*grade/)
    await t.checkPage()
    await t.shot('results-outcomes')
  })

  await t.step('results: printable (no navigation or buttons on paper)', async () => {
    await page.emulateMedia({ media: 'print' })
    assert.equal(await page.locator('.govuk-service-navigation').isVisible(), false)
    assert.ok(await page.locator('#rows').isVisible())
    await t.shot('results-print')
    await page.emulateMedia({ media: 'screen' })
  })

  await t.step('results again: unchanged rows are not stored twice; a new grade replaces', async () => {
    await page.goto(t.base + '/results/upload')
    await page.setInputFiles('#results', csv('again.csv', RESULTS.split('\n').slice(0, 2).join('\n') + '\n'))
    await page.click('#send')
    assert.match(await rowOf('#rows', ANN), /Unchanged: already stored/)
    await page.goto(t.base + '/results/upload')
    await page.setInputFiles('#results', csv('remark.csv',
      RESULTS.split('\n')[0] + '\n' + RESULTS.split('\n')[1].replace(',7,', ',8,') + '\n'))
    await page.click('#send')
    assert.match(await rowOf('#rows', ANN), /Replaced: grade corrected/)
    assert.match(await page.textContent('.govuk-notification-banner'), /Every row was accepted/)
    await t.checkPage()
    await t.shot('results-corrected')
  })

  await t.step('results: a malformed file is refused and stores nothing', async () => {
    await page.goto(t.base + '/results/upload')
    await page.setInputFiles('#results', csv('bad.csv', 'uln,given_name\n' + ANN + ',Ann\n'))
    await page.click('#send')
    assert.equal((await t.errors()).length, 1)
    assert.match((await t.errors())[0], /cannot be read, nothing was stored/)
    await t.checkPage()
    await t.shot('results-malformed')
  })

  await t.step('the AO has been sent no entries yet', async () => {
    await page.click('#navigation >> text=Entries received')
    assert.match(await page.textContent('#no-entries'), /No school has sent you entries yet/)
    await t.checkPage()
  })

  await t.step('an AO is refused the schools\' and operators\' pages (403)', async () => {
    for (const p of ['/entries', '/entries/pending?ao=1', '/organisations']) {
      const res = await page.goto(t.base + p)
      assert.equal(res.status(), 403, p)
    }
    await t.shot('ao-forbidden-entries')
    await page.click('#sign-out')
  })

  let aoId = ''
  await t.step('a school submits entries: the AO and the file are required', async () => {
    await t.signIn('school.sam', PASSWORD)
    await page.click('#navigation >> text=Exam entries')
    await page.click('#submit')
    assert.deepEqual(await t.errors(), ['Choose the awarding organisation',
      'Select an entries file (CSV)'])
    await t.checkPage()
    await t.shot('entries-missing')
  })

  await t.step('entries: verified at once, the ones the AO would reject said why', async () => {
    await page.selectOption('#ao', { label: 'Test Awarding Body (UKPRN 10000001)' })
    aoId = await page.inputValue('#ao')
    await page.setInputFiles('#entries', csv('entries.csv', ENTRIES))
    await page.click('#submit')
    assert.equal(await page.textContent('h1'), 'Exam entries checked')
    assert.match(await page.textContent('.govuk-notification-banner'), /need your attention/)
    const summary = await page.textContent('#summary')
    assert.match(summary, /New\s*3/)
    assert.match(summary, /AO would reject\s*1/)
    assert.match(summary, /Not saved\s*1/)
    assert.match(await rowOf('#rows', 'Ann-Marie'), /New\s*Verified successful match \(WSVRC001\)/)
    assert.match(await rowOf('#rows', 'Robert'),
      /AO would reject learner does not match \(WSVRC005\): .*VRF5: the family name does not agree/)
    assert.match(await rowOf('#rows', 'Noah'), /No ULN/)
    assert.match(await page.locator('#rows tbody tr:nth-child(4)').textContent(),
      /^5.*Not saved:\s*candidate_number/)
    await t.checkPage()
    await t.shot('entries-checked')
  })

  await t.step('entries: the changes not yet sent, then send to the AO', async () => {
    await page.click('#to-pending')
    assert.equal(t.path(), '/entries/pending')
    assert.equal(await page.locator('#pending tbody tr').count(), 3)
    await t.checkPage()
    await t.shot('entries-pending')
    await page.click('#send')
    assert.match(await page.textContent('.govuk-notification-banner'), /entries were sent/)
    assert.match(await page.textContent('#nothing-pending'), /Nothing has changed/)
    await t.checkPage()
    await t.shot('entries-sent')
  })

  await t.step('entries: an amendment is all that is sent next time', async () => {
    await page.goto(t.base + '/entries')
    await page.selectOption('#ao', aoId)
    await page.setInputFiles('#entries', csv('fixed.csv',
      ENTRIES.split('\n').slice(0, 4).join('\n').replace('Robert,Brown', "Robert,O'Neill") + '\n'))
    await page.click('#submit')
    assert.match(await rowOf('#rows', 'Robert'), /Amended\s*Verified/)
    assert.match(await rowOf('#rows', 'Ann-Marie'), /Unchanged/)
    await page.click('#to-pending')
    assert.equal(await page.locator('#pending tbody tr').count(), 1)
    assert.match(await page.textContent('#pending tbody'), /Robert O'Neill/)
    await page.click('#send')
    assert.match(await page.textContent('#nothing-pending'), /Nothing has changed/)
    await page.click('#sign-out')
  })

  await t.step('another school sees none of the first school\'s entries', async () => {
    await t.signIn('school.kim', PASSWORD)
    await page.goto(t.base + '/entries/pending?ao=' + aoId)
    assert.equal(await page.locator('#pending tbody tr').count(), 0)
    assert.match(await page.textContent('#nothing-pending'), /Nothing has changed/)
    for (const p of ['/results/upload', '/entries/received', '/organisations']) {
      const res = await page.goto(t.base + p)
      assert.equal(res.status(), 403, p)
      assert.equal(await page.textContent('h1'), 'You cannot use this page')
    }
    await t.checkPage()
    await t.shot('school-forbidden-ao-page')
    const res = await page.goto(t.base + '/entries/pending?ao=999')
    assert.equal(res.status(), 400)
    await page.click('#sign-out')
  })

  await t.step('the AO sees the entries and the amendment sent to it', async () => {
    await t.signIn('ao.alex', PASSWORD)
    await page.goto(t.base + '/entries/received')
    assert.equal(await page.locator('#entries tbody tr').count(), 3)
    assert.match(await rowOf('#entries', 'Robert'), /Test Academy 9001\s*9999001.*Verified.*Amended/)
    assert.match(await rowOf('#entries', 'Noah'), /No ULN/)
    await t.checkPage()
    await t.shot('entries-received')
    await page.click('#sign-out')
  })

  await t.step('a school reads a PLR: missing fields, then the achievements', async () => {
    await t.signIn('school.sam', PASSWORD)
    await page.click('#navigation >> text=Achievements')
    await page.click('#view')
    assert.deepEqual(await t.errors(), ["Enter the learner's ULN",
      "Enter the learner's given name", "Enter the learner's family name"])
    await t.checkPage()
    await t.shot('plr-missing')
    await page.fill('#uln', ANN)
    await page.fill('#given_name', 'ann marie')
    await page.fill('#family_name', 'SMITH-JONES')
    await page.click('#view')
    assert.equal(await page.textContent('h1'), 'Ann-Marie Smith-Jones')
    assert.match(await page.textContent('#events'), /Mathematics\s*\(600\/1166\/X\)\s*GCSE\s*2\s*8/)
    assert.match(await page.textContent('#events'), /Test Awarding Body/)
    await t.checkPage()
    await t.shot('plr-granted')
  })

  await t.step('PLR: names that do not verify (WSEC0208), no consent (WSEC0206)', async () => {
    await page.goto(t.base + '/plr')
    await page.fill('#uln', ANN)
    await page.fill('#given_name', 'Joan')
    await page.fill('#family_name', 'Smith-Jones')
    let res = await Promise.all([page.waitForNavigation(), page.click('#view')])
    assert.equal(res[0].status(), 404)
    assert.match(await page.textContent('main'), /could not be verified.*WSEC0208/s)
    await t.checkPage()
    await t.shot('plr-not-verified')
    await page.goto(t.base + '/plr')
    await page.fill('#uln', ROBERT)
    await page.fill('#given_name', 'Robert')
    await page.fill('#family_name', "O'Neill")
    res = await Promise.all([page.waitForNavigation(), page.click('#view')])
    assert.equal(res[0].status(), 403)
    assert.match(await page.textContent('main'), /does not share.*WSEC0206/s)
    assert.equal(await page.locator('#events').count(), 0)
    await t.checkPage()
    await t.shot('plr-not-shared')
    await page.click('#sign-out')
  })

  await t.step('an operator reads a PLR without the learner\'s consent', async () => {
    await t.signIn('ops.anna', PASSWORD)
    await page.goto(t.base + '/plr')
    await page.fill('#uln', ROBERT)
    await page.fill('#given_name', 'Robert')
    await page.fill('#family_name', "O'Neill")
    await page.click('#view')
    assert.equal(await page.textContent('h1'), "Robert O'Neill")
    assert.match(await page.textContent('#events'), /No achievements/)
    await t.checkPage()
    await page.click('#sign-out')
  })
}

await t.run(setUp, journeys)
