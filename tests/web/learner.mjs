// learner.mjs - a learner's journey in a real browser (docs/web.md,
// docs/plr.md): an operator gives a learner a sign-up code, a person
// creates the account with it (refused on details that are nearly right),
// and signs in; then a learner signs in, sees their PLR, chooses who may
// read it (and an awarding organisation's read follows the choice), makes
// a share link of chosen results, opens it signed out and sees only the
// verified results and who awarded them, stops sharing it and sees it
// gone, and prints the PLR.
//
// The harness of lib.mjs starts lrsd on 127.0.0.1 (a free port) over a
// scratch SQLite register made with `lrs init`, `lrs import` and `lrs
// results upload`, with a learner account (web_mkuser), and drives
// Debian's chromium through playwright-core. Output is TAP, one line a
// step. Environment: LRSD_BIN, LRS_BIN, MKUSER_BIN, WEB_DIR,
// SCREENSHOT_DIR, CHROMIUM (optional).
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { PASSWORD, harness } from './lib.mjs'

const env = process.env
const t = harness('learner')

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

async function setUp () {
  const db = path.join(t.tmp, 'lrs.db')
  fs.writeFileSync(path.join(t.tmp, 'learners.csv'), LEARNERS)
  fs.writeFileSync(path.join(t.tmp, 'results.csv'), RESULTS)
  execFileSync(env.LRS_BIN, ['init', '--db', db], { stdio: 'ignore' })
  execFileSync(env.LRS_BIN, ['import', 'learners', path.join(t.tmp, 'learners.csv'),
    '--db', db], { stdio: 'ignore' })
  execFileSync(env.LRS_BIN, ['results', 'upload', path.join(t.tmp, 'results.csv'),
    '--ao', '10000001', '--ao-name', 'Exam Board', '--db', db], { stdio: 'ignore' })
  execFileSync(env.MKUSER_BIN, [db, 'ruth', PASSWORD, 'learner', RUTH])
  execFileSync(env.MKUSER_BIN, [db, 'ao.alex', PASSWORD, 'ao'])
  execFileSync(env.MKUSER_BIN, [db, 'ops.anna', PASSWORD, 'operator'])
  await t.startLrsd(db)
  await t.launch()
}

// An awarding organisation reads Ruth's PLR through the API, signed in
// in a browser context of its own: the HTTP status it gets.
let aoContext = null
async function aoReadsPlr () {
  if (!aoContext) {
    aoContext = await t.browser.newContext()
    const ao = await aoContext.newPage()
    await ao.goto(t.base + '/sign-in')
    await ao.fill('#username', 'ao.alex')
    await ao.fill('#password', PASSWORD)
    await ao.click('#sign-in')
    await ao.click('#accept')
    await ao.close()
  }
  const res = await aoContext.request.get(
    `${t.base}/api/v1/learners/${RUTH}/plr?given_name=Ruth&family_name=Okafor`)
  return res.status()
}

let shareUrl = ''

async function signIn (login) {
  await t.page.goto(t.base + '/sign-in')
  await t.page.fill('#username', login)
  await t.page.fill('#password', PASSWORD)
  await t.page.click('#sign-in')
}

async function journeys () {
  const page = t.page
  const base = t.base
  let tomCode = ''
  await t.step('an operator gives a learner a sign-up code, shown once', async () => {
    await signIn('ops.anna')
    await page.click('#accept')
    await page.goto(base + '/invites')
    assert.equal(await page.textContent('h1'), 'Give a learner a sign-up code')
    await page.fill('#uln', '1748529631')
    await page.click('#issue')
    assert.deepEqual(await t.errors(), ['Enter a ULN of 10 digits with a correct check digit'])
    await t.checkPage()
    await page.fill('#uln', TOM)
    await page.click('#issue')
    assert.equal(await page.textContent('h1'), 'Sign-up code')
    tomCode = (await page.textContent('#invite-code')).trim()
    assert.match(tomCode, /^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/)
    await t.checkPage()
    await t.shot('invite')
    await page.click('#sign-out')
  })

  await t.step('a person creates the learner account with exact details and the code', async () => {
    await page.goto(base + '/signup')
    assert.equal(await page.textContent('h1'), 'Create your learner account')
    await page.click('#create-account')
    assert.equal((await t.errors()).length, 7, 'every missing field named')
    await t.checkPage()
    await t.shot('signup-errors')
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
    const refused = await t.errors()
    assert.equal(refused.length, 1)
    assert.match(refused[0], /details or the code do not match/)
    assert.equal(await page.inputValue('#password'), '', 'password not echoed')
    await t.checkPage()
    await t.shot('signup-refused')
    await fill('15', tomCode.toLowerCase())
    assert.equal(await page.textContent('h1'), 'Your account has been created')
    await t.checkPage()
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
    assert.match((await t.errors())[0], /details or the code do not match/)
  })

  await t.step('the learner signs in and sees their own record', async () => {
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
    await t.checkPage()
    await t.shot('me')
  })

  await t.step('organisations may read the record only once the learner says yes', async () => {
    assert.equal(await aoReadsPlr(), 403, 'notice not seen: WSEC0206')
    await page.click('#sharing-link')
    assert.equal(await page.textContent('h1'), 'Who may read your learning record')
    await page.click('#save')
    assert.deepEqual(await t.errors(), ['Select whether organisations may read your record'])
    await t.checkPage()
    await t.shot('sharing-error')
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
    await t.shot('sharing-saved')
  })

  await t.step('a share link of chosen results, shown once', async () => {
    await page.click('#shares-link')
    assert.equal(await page.textContent('h1'), 'Share your results')
    assert.match(await page.textContent('#shares'), /not made any share links/)
    await t.checkPage()
    await page.fill('#expires_days', '0')
    await page.click('#create-share')
    assert.deepEqual(await t.errors(), ['Enter a whole number of days from 1 to 3650'])
    await t.checkPage()
    await t.shot('share-error')
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
    await t.checkPage()
    await t.shot('share-made')
    await page.goto(base + '/me/shares')
    const row = await page.textContent('#shares')
    assert.match(row, /Chosen results[\s\S]*Active/)
    assert.doesNotMatch(await page.content(), /lrst_/, 'the token is never shown again')
  })

  await t.step('opened signed out, the link shows only verified results and who awarded them', async () => {
    const other = await t.browser.newContext()
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
    await visitor.screenshot({ path: path.join(t.shots, 'shared.png'), fullPage: true })
    await other.close()
    await page.goto(base + '/me/shares')
    assert.match(await page.textContent('#shares'), /Active/)
    assert.equal((await page.locator('#shares tbody td').nth(3).textContent()).trim(), '1',
      'the view is counted')
  })

  await t.step('stop sharing: the link is gone', async () => {
    await page.click('button[id^=revoke-]')
    assert.match(await page.textContent('.govuk-notification-banner'), /no longer works/)
    assert.match(await page.textContent('#shares'), /Revoked/)
    assert.equal(await page.locator('button[id^=revoke-]').count(), 0)
    await t.checkPage()
    await t.shot('share-revoked')
    const other = await t.browser.newContext()
    const visitor = await other.newPage()
    const res = await visitor.goto(shareUrl)
    assert.equal(res.status(), 404)
    assert.equal(await visitor.textContent('h1'), 'This share link does not work')
    assert.doesNotMatch(await visitor.textContent('body'), /Mathematics|Okafor/)
    await other.close()
  })

  await t.step('a learner cannot revoke by a forged or foreign id, nor without the form token', async () => {
    const csrf = await page.inputValue('form[action="/me/shares"] input[name=csrf]')
    const res = await page.request.post(base + '/me/shares/999/revoke',
      { form: { csrf } })
    assert.equal(res.status(), 404)
    const bad = await page.request.post(base + '/me/shares/1/revoke',
      { form: { csrf: 'forged' } })
    assert.equal(bad.status(), 403)
  })

  await t.step('the printable record', async () => {
    await page.goto(base + '/me')
    await page.click('#print-link')
    assert.equal(new URL(page.url()).pathname, '/me/print')
    assert.equal(await page.textContent('h1'), 'Personal Learning Record')
    const body = await page.textContent('body')
    assert.match(body, new RegExp('Ruth Okafor, ULN ' + RUTH))
    assert.match(body, /Mathematics[\s\S]*Exam Board/)
    assert.match(body, /English Language/)
    await t.shot('print')
  })

  await t.step('the learner pages are for learners only', async () => {
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

await t.run(setUp, journeys)
