// pages.mjs - every page of each role on a narrow screen (docs/web.md,
// "Browser tests"): signed in as an operator, a school user, a school
// administrator, an awarding organisation and a learner, each of their
// pages at 320 px wide answers, passes the checks every page passes
// (lib.mjs checkPage: a title naming the task, one h1, a label for every
// field), does not scroll sideways (wide tables scroll in their own box),
// and has a button in every form. A screenshot of each under
// $SCREENSHOT_DIR.
//
// Output is TAP. Environment as browser.mjs (lib.mjs): LRSD_BIN, LRS_BIN,
// MKUSER_BIN, WEB_DIR.
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { PASSWORD, checkPage, harness } from './lib.mjs'

const env = process.env
const t = harness('pages')
const LEARNERS = `uln,given_name,middle_names,family_name,previous_family_name,date_of_birth,gender,postcode,ability_to_share
1000000043,Ann-Marie,,Smith-Jones,Brown,2008-03-02,2,SW1A 1AA,1
`
await t.run(async () => {
  const db = path.join(t.tmp, 'lrs.db')
  fs.writeFileSync(path.join(t.tmp, 'l.csv'), LEARNERS)
  execFileSync(env.LRS_BIN, ['init', '--db', db], { stdio: 'ignore' })
  execFileSync(env.LRS_BIN, ['import', 'learners', path.join(t.tmp, 'l.csv'), '--db', db], { stdio: 'ignore' })
  for (const [l, r] of [['ops', 'operator'], ['sch', 'school'], ['adm', 'admin'], ['ao', 'ao']]) {
    execFileSync(env.MKUSER_BIN, [db, l, PASSWORD, r])
  }
  execFileSync(env.MKUSER_BIN, [db, 'lea', PASSWORD, 'learner', '1000000043'])
  await t.startLrsd(db)
  await t.launch()
}, async () => {
  const page = t.page
  const pages = {
    ops: ['/welcome', '/learners/find', '/learners/register', '/files', '/files/upload', '/exceptions', '/verify', '/verify/batch', '/plr', '/organisations', '/organisations/add', '/organisations/1', '/learners/1000000043', '/learners/1000000043/amend', '/learners/1000000043/audit', '/learners/1000000043/merge', '/invites', '/password'],
    sch: ['/welcome', '/learners/find', '/learners/register', '/files', '/files/upload', '/exceptions', '/school', '/verify', '/verify/batch', '/entries', '/plr', '/invites'],
    adm: ['/welcome', '/users', '/organisations/1/users/add'],
    ao: ['/welcome', '/verify', '/verify/batch', '/results/upload', '/entries/received', '/plr'],
    lea: ['/welcome', '/me', '/me/sharing', '/me/shares']
  }
  for (const who of Object.keys(pages)) {
    await t.signIn(who, PASSWORD)
    for (const p of pages[who]) {
      await t.step(`${who} ${p}`, async () => {
        await page.setViewportSize({ width: 320, height: 640 })
        const res = await page.goto(t.base + p)
        assert.ok(res.status() < 400, `status ${res.status()}`)
        await checkPage(page)
        const wide = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
        assert.ok(wide <= 0, `overflows by ${wide}px`)
        const forms = await page.$$eval('main form', fs => fs.filter(f => !f.querySelector('button, input[type=submit]')).length)
        assert.equal(forms, 0, 'a form without a button')
        await t.shot(`${who}-${p.replace(/\W+/g, '-')}`)
      })
    }
    await page.setViewportSize({ width: 1024, height: 800 })
    await t.signOut()
  }
})
