// invites.mjs - sign-up codes in a real browser (docs/web.md, docs/plr.md
// "Learner accounts"): the sign-in page leads a learner with a code to
// /signup; a school may give a code only to its own pupils (in its S2S
// files, pupil roster or exam entries), and is refused for anyone else
// with the same words as for a ULN nobody has; once it enters the learner
// for an exam it may; another school still may not; an operator may for
// anyone.
//
// Output is TAP; screenshots in $SCREENSHOT_DIR. Environment as
// browser.mjs (lib.mjs): LRSD_BIN, LRS_BIN, MKUSER_BIN, WEB_DIR.
import assert from 'node:assert/strict'
import { ANN, NOBODY, PASSWORD, ROBERT, TWO_LEARNERS, csvFile, harness }
  from './lib.mjs'

const t = harness('invites')

const ENTRIES = `candidate_number,uci,uln,given_name,family_name,date_of_birth,gender,qualification_code,qualification_title,series
0001,,${ANN},Ann-Marie,Smith-Jones,2008-03-02,2,600/1166/X,GCSE Mathematics,2026-06
`
const NOT_OURS = /among your school's pupils/

async function setUp () {
  await t.startLrsd(t.register(TWO_LEARNERS, [['ops.anna', 'operator'],
    ['school.sam', 'school'], ['school.kim', 'school', '9002'],
    ['ao.alex', 'ao']]))
  await t.launch()
}

async function issue (uln) {
  await t.page.goto(t.base + '/invites')
  await t.page.fill('#uln', uln)
  await t.page.click('#issue')
}

async function journeys () {
  const page = t.page

  await t.step('the sign-in page leads a learner with a code to create their account', async () => {
    await page.goto(t.base + '/sign-in')
    assert.match(await page.textContent('main'), /gave you a sign-up code/)
    await page.focus('#signup-link')
    await page.keyboard.press('Enter')
    await page.waitForURL(/\/signup$/)
    assert.equal(await page.textContent('h1'), 'Create your learner account')
    await t.checkPage()
    await t.shot('sign-in-to-signup')
  })

  await t.step('a school is refused a code for a learner who is not its pupil', async () => {
    await t.signIn('school.sam', PASSWORD)
    await issue(ANN)
    const errs = await t.errors()
    assert.equal(errs.length, 1)
    assert.match(errs[0], NOT_OURS)
    assert.equal(await page.locator('#invite-code').count(), 0)
    await t.checkPage()
    await t.shot('invite-not-our-pupil')
    // The same words for a ULN nobody has: the refusal tells nothing.
    await issue(NOBODY)
    assert.equal((await t.errors())[0], errs[0].replace(ANN, NOBODY))
  })

  await t.step('once the school enters the learner for an exam, it may', async () => {
    await page.goto(t.base + '/entries')
    await page.selectOption('#ao', { label: 'Test Awarding Body (UKPRN 10000001)' })
    await page.setInputFiles('#entries', csvFile('entries.csv', ENTRIES))
    await page.click('#submit')
    assert.equal(await page.textContent('h1'), 'Exam entries checked')
    await issue(ANN)
    assert.equal(await page.textContent('h1'), 'Sign-up code')
    assert.match((await page.textContent('#invite-code')).trim(),
      /^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/)
    await t.checkPage()
    await t.shot('invite-our-pupil')
    // Still not for someone else's pupil.
    await issue(ROBERT)
    assert.match((await t.errors())[0], NOT_OURS)
    await page.click('#sign-out')
  })

  await t.step('another school may not give a code to the first school\'s pupil', async () => {
    await t.signIn('school.kim', PASSWORD)
    await issue(ANN)
    assert.match((await t.errors())[0], NOT_OURS)
    await page.click('#sign-out')
  })

  await t.step('an operator may give a code to any learner', async () => {
    await t.signIn('ops.anna', PASSWORD)
    await issue(ROBERT)
    assert.equal(await page.textContent('h1'), 'Sign-up code')
    await issue(NOBODY)
    assert.match((await t.errors())[0], /^No learner has ULN/)
    assert.doesNotMatch((await t.errors())[0], NOT_OURS)
    await page.click('#sign-out')
  })
}

await t.run(setUp, journeys)
