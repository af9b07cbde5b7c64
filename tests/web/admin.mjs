// admin.mjs - the operators' pages in a real browser (docs/web.md):
// organisations (list, add, every missing or wrong field named, a UKPRN
// already in use), users (add with a role that suits the organisation,
// the generated password shown once and signing in, reset with the old
// password then refused, disable with sign-in then refused), and the
// pages refused to a school and an awarding organisation (a 403 page).
//
// Output is TAP; screenshots in $SCREENSHOT_DIR. Environment as
// browser.mjs (lib.mjs): LRSD_BIN, LRS_BIN, MKUSER_BIN, WEB_DIR.
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import path from 'node:path'
import { harness } from './lib.mjs'

const env = process.env
const t = harness('admin')
const PASSWORD = 'correct horse battery staple'
const NEW_PASSWORD = 'a brand new passphrase 42'

async function setUp () {
  const db = path.join(t.tmp, 'lrs.db')
  execFileSync(env.LRS_BIN, ['init', '--db', db], { stdio: 'ignore' })
  execFileSync(env.MKUSER_BIN, [db, 'ops.anna', PASSWORD, 'operator'])
  execFileSync(env.MKUSER_BIN, [db, 'school.sam', PASSWORD, 'school'])
  execFileSync(env.MKUSER_BIN, [db, 'ao.alex', PASSWORD, 'ao'])
  await t.startLrsd(db)
  await t.launch()
}

async function journeys () {
  const page = t.page
  let orgPath = ''
  let first = ''
  let second = ''

  await t.step('an operator sees every organisation', async () => {
    await t.signIn('ops.anna', PASSWORD)
    assert.equal(t.path(), '/welcome')
    await page.click('#navigation >> text=Organisations')
    assert.equal(t.path(), '/organisations')
    const rows = await page.locator('#orgs tbody tr').allTextContents()
    assert.equal(rows.length, 3) // the LRS, the school, the AO
    assert.ok(rows.some(r => /Test Academy 9001\s*School\s*LA 999, establishment 9001/.test(r)))
    assert.ok(rows.some(r => /Test Awarding Body\s*Awarding organisation\s*UKPRN 10000001/.test(r)))
    await t.checkPage()
    await t.shot('organisations')
  })

  await t.step('add an organisation: missing fields are named', async () => {
    await page.click('#add-org')
    await page.click('#save')
    assert.deepEqual(await t.errors(), [
      'Choose the type of organisation', "Enter the organisation's name"])
    assert.equal(await page.locator('.govuk-error-message').count(), 2)
    await t.checkPage()
    await t.shot('org-add-missing')
  })

  await t.step('add an organisation: the rules of each kind are the service\'s', async () => {
    await page.check('#type-school')
    await page.fill('#name', 'Brook Primary')
    await page.fill('#la', '802')
    await page.click('#save')
    assert.equal((await t.errors()).length, 1)
    assert.match((await t.errors())[0], /LA number and the establishment number together/)
    assert.equal(await page.inputValue('#name'), 'Brook Primary', 'value kept')
    assert.ok(await page.isChecked('#type-school'), 'choice kept')
    await page.check('#type-ao')
    await page.fill('#la', '')
    await page.fill('#name', 'Second Board')
    await page.fill('#ukprn', '10000001')
    await page.click('#save')
    assert.match((await t.errors())[0], /identifier exists/)
    await t.checkPage()
    await t.shot('org-add-ukprn-taken')
  })

  await t.step('add an awarding organisation', async () => {
    await page.fill('#name', 'Northern Exams')
    await page.fill('#ukprn', '10077777')
    await page.click('#save')
    orgPath = t.path()
    assert.match(orgPath, /^\/organisations\/\d+$/)
    assert.match(await page.textContent('.govuk-notification-banner'), /organisation was added/)
    assert.equal(await page.textContent('h1'), 'Northern Exams')
    assert.match(await page.textContent('#org'), /UKPRN 10077777/)
    assert.match(await page.textContent('#no-users'), /no users yet/)
    await t.checkPage()
    await t.shot('org-added')
  })

  await t.step('add a user: missing login and role; only the roles that suit', async () => {
    await page.click('#add-user')
    const roles = await page.locator('#role label').allTextContents()
    assert.deepEqual(roles, ['Awarding organisation user'])
    await page.click('#save')
    assert.deepEqual(await t.errors(), ["Enter the user's login", 'Choose at least one role'])
    await t.checkPage()
    await t.shot('user-add-missing')
  })

  await t.step('a role the organisation cannot have is refused by the service', async () => {
    // The browser offers only the AO role; a forged form asks for more.
    await page.fill('#login', 'forged@northern')
    await page.$eval('#role-ao', el => { el.value = 'operator' })
    await page.check('#role-ao')
    await page.click('#save')
    assert.match((await t.errors())[0], /cannot have the role operator/)
    await page.goto(t.base + orgPath)
    assert.match(await page.textContent('#no-users'), /no users yet/, 'nothing added')
  })

  await t.step('add a user: the password is shown once and signs in', async () => {
    await page.click('#add-user')
    await page.fill('#login', 'pat@northern')
    await page.fill('#display_name', 'Pat Jones')
    await page.check('#role-ao')
    await page.click('#save')
    assert.equal(await page.textContent('h1'), 'User added')
    first = (await page.textContent('#password')).trim()
    assert.match(first, /^[A-Za-z0-9_-]{20}$/)
    assert.match(await page.textContent('main'), /shown only once/)
    await t.checkPage()
    await t.shot('user-added-password')
    await page.click('#back-to-org')
    const row = await page.locator('#users tbody tr').textContent()
    assert.match(row, /pat@northern\s*Pat Jones\s*Awarding organisation user\s*Must change password/)
    assert.equal((await page.content()).includes(first), false, 'not shown again')
    await t.checkPage()
    await t.shot('org-users')
    await page.click('#sign-out')
    await t.signIn('pat@northern', first)
    assert.equal(t.path(), '/password', 'a generated password must be changed')
    await page.click('#sign-out')
  })

  await t.step('reset a password: confirmed first, the old one then refused', async () => {
    await t.signIn('ops.anna', PASSWORD)
    await page.goto(t.base + orgPath)
    await page.click('#users a:has-text("Reset password")')
    assert.match(await page.textContent('h1'), /Reset the password of pat@northern\?/)
    await t.checkPage()
    await t.shot('user-reset-confirm')
    await page.click('#confirm')
    assert.equal(await page.textContent('h1'), 'Password reset')
    second = (await page.textContent('#password')).trim()
    assert.notEqual(second, first)
    await t.checkPage()
    await t.shot('user-reset-done')
    await page.click('#sign-out')
    await t.signIn('pat@northern', first)
    assert.deepEqual(await t.errors(), ['Enter a correct username and password'])
    await t.signIn('pat@northern', second)
    assert.equal(t.path(), '/password')
    await page.fill('#current_password', second)
    await page.fill('#new_password', NEW_PASSWORD)
    await page.fill('#confirm_password', NEW_PASSWORD)
    await page.click('#change-password')
    assert.equal(await page.textContent('h1'), 'Your password has been changed')
  })

  await t.step('disable a user: confirmed first, sign-in then refused', async () => {
    await t.signIn('ops.anna', PASSWORD)
    await page.goto(t.base + orgPath)
    await page.click('#users a:has-text("Disable")')
    assert.match(await page.textContent('h1'), /Disable pat@northern\?/)
    await t.checkPage()
    await t.shot('user-disable-confirm')
    await page.click('#confirm')
    assert.match(await page.textContent('.govuk-notification-banner'), /user was disabled/)
    assert.match(await page.locator('#users tbody tr').textContent(), /Disabled/)
    assert.equal(await page.locator('#users a:has-text("Disable")').count(), 0)
    await t.checkPage()
    await t.shot('user-disabled')
    await page.click('#sign-out')
    await t.signIn('pat@northern', NEW_PASSWORD)
    assert.deepEqual(await t.errors(), ['Enter a correct username and password'])
  })

  await t.step('an operator cannot reset or disable themself here', async () => {
    await t.signIn('ops.anna', PASSWORD)
    await page.goto(t.base + '/organisations/0')
    assert.equal(await page.locator('#users a:has-text("Disable")').count(), 0)
    const own = await page.locator('#users tbody tr', { hasText: 'ops.anna' })
    assert.equal(await own.locator('a').count(), 0)
    await page.click('#sign-out')
  })

  await t.step('a school and an AO are refused the operators\' pages (403)', async () => {
    for (const login of ['school.sam', 'ao.alex']) {
      await t.signIn(login, PASSWORD)
      assert.equal(await page.locator('#navigation >> text=Organisations').count(), 0)
      for (const p of ['/organisations', '/organisations/add', orgPath,
        orgPath + '/users/add', '/users/1/password', '/users/1/disable']) {
        const res = await page.goto(t.base + p)
        assert.equal(res.status(), 403, p)
        assert.equal(await page.textContent('h1'), 'You cannot use this page')
      }
      await t.checkPage()
      await t.shot(`forbidden-${login.split('.')[0]}`)
      await page.click('#sign-out')
    }
  })

  await t.step('a missing organisation or user is a 404 page', async () => {
    await t.signIn('ops.anna', PASSWORD)
    for (const p of ['/organisations/999', '/organisations/x', '/users/999/password']) {
      const res = await page.goto(t.base + p)
      assert.equal(res.status(), 404, p)
    }
    await t.checkPage()
    await page.click('#sign-out')
  })
}

await t.run(setUp, journeys)
