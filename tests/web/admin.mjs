// admin.mjs - the operators' pages in a real browser (docs/web.md):
// organisations (list, add, every missing or wrong field named, a UKPRN
// already in use), users (add with a role that suits the organisation,
// the generated password shown once and signing in, reset with the old
// password then refused, disable with sign-in then refused, rename and
// a role change (a forged role refused by the service; the form used
// from the keyboard), enable with sign-in working again), the pages
// refused to a school and an awarding organisation (a 403 page); and a
// school administrator managing their own school's users (add, reset,
// disable) and refused every other organisation's (404, as if none).
//
// Output is TAP; screenshots in $SCREENSHOT_DIR. Environment as
// browser.mjs (lib.mjs): LRSD_BIN, LRS_BIN, MKUSER_BIN, WEB_DIR.
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import path from 'node:path'
import { PASSWORD, harness } from './lib.mjs'

const env = process.env
const t = harness('admin')
const NEW_PASSWORD = 'a brand new passphrase 42'

async function setUp () {
  const db = path.join(t.tmp, 'lrs.db')
  execFileSync(env.LRS_BIN, ['init', '--db', db], { stdio: 'ignore' })
  execFileSync(env.MKUSER_BIN, [db, 'ops.anna', PASSWORD, 'operator'])
  execFileSync(env.MKUSER_BIN, [db, 'school.sam', PASSWORD, 'school'])
  execFileSync(env.MKUSER_BIN, [db, 'ao.alex', PASSWORD, 'ao'])
  execFileSync(env.MKUSER_BIN, [db, 'head.hana', PASSWORD, 'admin'])
  execFileSync(env.MKUSER_BIN, [db, 'school.kim', PASSWORD, 'school', '9002'])
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
    assert.equal(rows.length, 4) // the LRS, two schools, the AO
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

  let schoolPath = ''
  let kimId = ''
  await t.step('change a user\'s name and roles: a forged role refused, then from the keyboard', async () => {
    await t.signIn('ops.anna', PASSWORD)
    await page.goto(t.base + '/organisations')
    await page.click('#orgs a:has-text("Test Academy 9002")')
    kimId = (await page.getAttribute('#users a[id^="reset-"]', 'id')).slice(6)
    await page.goto(t.base + '/organisations')
    await page.click('#orgs a:has-text("Test Academy 9001")')
    schoolPath = t.path()
    const sam = page.locator('#users tbody tr', { hasText: 'school.sam' })
    await sam.locator('a:has-text("Change")').click()
    assert.equal(await page.textContent('h1'), 'Change school.sam')
    assert.deepEqual(await page.locator('#role label').allTextContents(),
      ['School user', 'School administrator'])
    assert.ok(await page.isChecked('#role-school'))
    await t.checkPage()
    await t.shot('user-edit')
    // A forged form asks for a role a school cannot have.
    await page.$eval('#role-admin', el => { el.value = 'operator' })
    await page.check('#role-admin')
    await page.click('#save')
    assert.match((await t.errors())[0], /cannot have the role operator/)
    await t.checkPage()
    await t.shot('user-edit-forged')
    // Keyboard only: type the name, Space on a checkbox, Enter to send.
    await page.goto(t.base + t.path())
    await page.focus('#display_name')
    await page.keyboard.type('Sam Smith')
    await page.focus('#role-admin')
    await page.keyboard.press('Space')
    await page.focus('#display_name')
    await page.keyboard.press('Enter')
    await page.waitForURL(/changed=1/)
    assert.match(await page.textContent('.govuk-notification-banner'), /user was changed/)
    assert.match(await sam.textContent(), /school\.sam\s*Sam Smith\s*School user, School administrator/)
    await t.checkPage()
    await t.shot('user-changed')
  })

  await t.step('enable a disabled user: confirmed first, sign-in works again', async () => {
    await page.goto(t.base + orgPath)
    await page.click('#users a:has-text("Enable")')
    assert.match(await page.textContent('h1'), /Enable pat@northern\?/)
    await t.checkPage()
    await page.click('#confirm')
    assert.match(await page.textContent('.govuk-notification-banner'), /user was enabled/)
    assert.match(await page.locator('#users tbody tr').textContent(), /Active/)
    await t.shot('user-enabled')
    await page.click('#sign-out')
    await t.signIn('pat@northern', NEW_PASSWORD)
    assert.equal(t.path(), '/welcome')
    await page.click('#sign-out')
  })

  await t.step('a school administrator manages their own school\'s users', async () => {
    await t.signIn('head.hana', PASSWORD)
    await page.click('#navigation >> text=Users')
    assert.equal(t.path(), schoolPath)
    assert.match(await page.title(), /^Your organisation's users/)
    assert.equal(await page.locator('a:has-text("All organisations")').count(), 0)
    await page.click('#add-user')
    await page.fill('#login', 'new.nia')
    await page.check('#role-school')
    await page.click('#save')
    assert.equal(await page.textContent('h1'), 'User added')
    await page.click('#back-to-org')
    const nia = page.locator('#users tbody tr', { hasText: 'new.nia' })
    await nia.locator('a:has-text("Reset password")').click()
    await page.click('#confirm')
    assert.equal(await page.textContent('h1'), 'Password reset')
    await page.click('#back-to-org')
    await nia.locator('a:has-text("Disable")').click()
    await page.click('#confirm')
    assert.match(await nia.textContent(), /Disabled/)
    await t.checkPage()
    await t.shot('school-admin-users')
    // A narrow screen: the users' table scrolls in its own box.
    await page.setViewportSize({ width: 320, height: 640 })
    assert.equal(await page.evaluate(() =>
      document.documentElement.scrollWidth > window.innerWidth), false)
    await t.shot('school-admin-users-narrow')
    await page.setViewportSize({ width: 1024, height: 800 })
  })

  await t.step('a school administrator is refused every other organisation (404) and the operators\' list (403)', async () => {
    for (const p of [orgPath, '/organisations/0', `/users/${kimId}/password`,
      `/users/${kimId}/disable`, `/users/${kimId}/edit`]) {
      const res = await page.goto(t.base + p)
      assert.equal(res.status(), 404, p)
    }
    await t.checkPage()
    await t.shot('school-admin-other-404')
    for (const p of ['/organisations', '/organisations/add']) {
      const res = await page.goto(t.base + p)
      assert.equal(res.status(), 403, p)
    }
    // A forged POST against another school's user changes nothing.
    await page.goto(t.base + schoolPath)
    const csrf = await page.getAttribute('form[action="/sign-out"] input[name=csrf]', 'value')
    const res = await page.request.post(t.base + `/users/${kimId}/disable`,
      { form: { csrf } })
    assert.equal(res.status(), 404)
    await page.click('#sign-out')
    await t.signIn('school.kim', PASSWORD)
    assert.equal(t.path(), '/welcome')
    await page.click('#sign-out')
  })
}

await t.run(setUp, journeys)
