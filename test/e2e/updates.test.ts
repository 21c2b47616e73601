/**
 * Keeping customers current, end to end on real parts (dockerd, the registry on 127.0.0.1, the
 * kamal-proxy stand-in, feeds over HTTP, a webhook receiver and an SMTP server on 127.0.0.1):
 * an upgrade path through a required release with a new input, taken hop by hop under load and
 * resumed after a SIGKILL between the hops; scheduled auto-updates with a policy, a window, an
 * injected clock, notifications, and a failed release that is not retried in a loop.
 */
import assert from 'node:assert/strict'
import {spawn} from 'node:child_process'
import {cp} from 'node:fs/promises'
import {existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {createServer, type Server} from 'node:http'
import type {AddressInfo} from 'node:net'
import {tmpdir} from 'node:os'
import {dirname, join, resolve} from 'node:path'
import {after, before, describe, it} from 'node:test'
import {fileURLToPath} from 'node:url'

import {SMTPServer} from 'smtp-server'

import {allAppContainers, discode, discodeJson, ROOT, writeRecipe} from '../support/discode.js'
import {type FeedServer, httpGet, startFeedServer, startRequestLoop} from '../support/http.js'
import {withAppLock} from '../../src/lock/lock.js'
import {buildAndPushFixtureImages, REGISTRY} from '../support/images.js'
import {useWorld} from '../support/world.js'

const REPOSITORY = `${REGISTRY}/discode-test/updates-app`
const FIXTURES = resolve(dirname(fileURLToPath(import.meta.url)), '../fixtures/apps')
const GOOD = ['1.0.0', '1.0.1', '1.1.0', '1.5.0', '2.0.0', '2.3.0']
/** Serves "version=1.0.2" but its /up is 404 forever: a release whose deploy fails its health check. */
const BROKEN = '1.0.2'

function release(version: string, extra: Record<string, unknown> = {}) {
  return {version, image: `${REPOSITORY}:${version}`, channel: 'stable', ...extra}
}

/** Saturday 2026-12-05 02:30 in Berlin (UTC+1) / Monday 2026-12-07 03:30 in Berlin. */
const INSIDE = '2026-12-05T01:30:00Z'
const OUTSIDE = '2026-12-07T02:30:00Z'
const WEBHOOK_TOKEN = 'T0KEN-s3cr3t-path'
const SMTP_PASSWORD = 'smtp-pa55word'

describe('update plans, required releases, auto-updates and notifications', () => {
  const servers: {close(): unknown}[] = []
  const {world, cleanup} = useWorld('upd', {
    feed: false,
    images: () =>
      buildAndPushFixtureImages('updates', (context) => cp(FIXTURES, context, {recursive: true}), [
        ...GOOD.map((version) => ({tag: `${REPOSITORY}:${version}`, target: 'app', args: [`APP_VERSION=${version}`]})),
        {tag: `${REPOSITORY}:${BROKEN}`, target: 'unhealthy', args: [`APP_VERSION=${BROKEN}`]},
      ]),
  })
  cleanup(async () => {
    for (const server of servers) await server.close()
  })

  describe('an upgrade path 1.0 -> 1.5 -> 2.0 (required, asks a new input) -> 2.3', () => {
    const APP = 'upd-path'
    const HOST = 'path.test'
    let feed: FeedServer
    let recipeDir: string
    const body = async () => (await httpGet(`${world.url}/`, {host: HOST})).body
    const record = () => JSON.parse(readFileSync(join(world.home, 'apps', APP, 'app.json'), 'utf8'))
    let loop: ReturnType<typeof startRequestLoop>

    before(async () => {
      feed = await startFeedServer({releases: [release('1.0.0')]})
      servers.push(feed)
      recipeDir = writeRecipe(join(world.home, 'recipes', 'path'), feed.url, {image: REPOSITORY})
      const installed = await discode(world, ['install', APP, '--recipe', recipeDir, '--set', `hostname=${HOST}`])
      assert.equal(installed.code, 0, installed.stderr)
      // The vendor ships 2.0 with a recipe that asks for a mail server, and a migration hook; 2.3's hook is slow,
      // so a kill lands between the hops, while 2.0 serves.
      writeRecipe(recipeDir, feed.url, {
        image: REPOSITORY,
        inputs: [
          {name: 'hostname', description: 'Host name', required: true, pattern: '^[a-z0-9.-]+$'},
          {name: 'mail_host', description: 'Mail server', required: true, since: '2.0.0'},
        ],
        env: {APP_HOST: '{{inputs.hostname}}', SECRET_KEY_BASE: '{{secrets.secret_key_base}}', MAIL_HOST: '{{inputs.mail_host}}'},
        hooks: {
          preSwitch: [
            {
              name: 'migrate',
              run: ['/bin/sh', '-c', 'echo "$APP_VERSION $MAIL_HOST" >> /www/data/migrations.log; [ "$APP_VERSION" != 2.3.0 ] || sleep 3'],
            },
          ],
          postSwitch: [],
        },
      })
      feed.setFeed({
        releases: [
          release('1.0.0'),
          release('1.5.0', {notes: 'Faster search'}),
          release('2.0.0', {required: true, notes: 'New mail system: needs a mail server'}),
          release('2.3.0', {notes: 'Fixes for the mail system'}),
        ],
      })
      loop = startRequestLoop(`${world.url}/`, {host: HOST, concurrency: 4})
    })

    after(async () => {
      await loop?.stop()
    })

    it('update --check shows the two hops, their notes, the new input and what blocks the plan', async () => {
      const {code, json} = await discodeJson(world, ['update', APP, '--check'])
      assert.equal(code, 0)
      assert.equal(json.current, '1.0.0')
      assert.equal(json.available.version, '2.3.0')
      const {plan} = json
      assert.deepEqual(
        plan.hops.map((hop: {version: string; notes: string}) => [hop.version, hop.notes]),
        [
          ['2.0.0', 'New mail system: needs a mail server'],
          ['2.3.0', 'Fixes for the mail system'],
        ],
      )
      assert.equal(plan.hops[0].required, true)
      assert.deepEqual(plan.hops[0].newInputs, [
        {name: 'mail_host', description: 'Mail server', required: true, secret: false, source: 'missing'},
      ])
      assert.deepEqual(plan.hops[1].newInputs, [])
      assert.deepEqual(plan.hops[0].hooks, {preSwitch: ['migrate'], postSwitch: []})
      assert.equal(plan.hops[0].snapshot, true)
      assert.ok(plan.hops[0].imageBytes > 0, `the size is read from the registry's manifest: ${plan.hops[0].imageBytes}`)
      assert.equal(plan.blockers[0].code, 'MISSING_INPUT')

      const text = await discode(world, ['update', APP, '--check'])
      assert.equal(text.code, 0)
      assert.match(text.stdout, /upd-path: 1\.0\.0 → 2\.3\.0 available in 2 steps/)
      assert.match(text.stdout, /1\. 2\.0\.0 \(required\)\n\s+Notes: New mail system: needs a mail server/)
      assert.match(text.stdout, /New input: mail_host \(Mail server\): required, no default/)
      assert.match(text.stdout, /2\. 2\.3\.0\n\s+Notes: Fixes for the mail system/)
      assert.match(text.stdout, /Hint: Give them with --set mail_host=/)

      const given = await discodeJson(world, ['update', APP, '--check', '--set', 'mail_host=mail.test'])
      assert.deepEqual(given.json.plan.blockers, [])
      assert.equal(given.json.plan.hops[0].newInputs[0].source, 'given')
    })

    it('update refuses the blocked plan before anything runs', async () => {
      const containers = await allAppContainers(APP)
      const result = await discode(world, ['update', APP])
      assert.equal(result.code, 1)
      assert.match(result.stderr, /Error: Cannot update upd-path to 2\.3\.0: 2\.0\.0 asks for the new required input\(s\) mail_host/)
      assert.match(result.stderr, /Hint: Give them with --set mail_host=/)
      assert.equal(await body(), 'version=1.0.0\n')
      assert.deepEqual(await allAppContainers(APP), containers, 'nothing was started')
    })

    it('update takes the hops in order; killed between them, 2.0 serves, and the next update continues to 2.3', async () => {
      const killed = await new Promise<{output: string; killed: boolean}>((done) => {
        const child = spawn(process.execPath, [join(ROOT, 'bin/run.js'), 'update', APP, '--set', 'mail_host=mail.test'], {env: world.env})
        let output = ''
        child.stdout.on('data', (d) => (output += d))
        child.stderr.on('data', (d) => (output += d))
        let sent = false
        const poll = setInterval(() => {
          if (!sent && record().current?.version === '2.0.0') {
            sent = true
            child.kill('SIGKILL')
          }
        }, 10)
        child.on('exit', () => {
          clearInterval(poll)
          done({output, killed: sent})
        })
      })
      assert.ok(killed.killed, `the update ended before 2.0 served: ${killed.output}`)
      assert.match(killed.output, /Step 1 of 2: upd-path → 2\.0\.0/)
      assert.equal(await body(), 'version=2.0.0\n', '2.0 serves after the kill')
      assert.equal(record().inputs.mail_host, 'mail.test', "2.0's new input was recorded with it")

      const check = await discodeJson(world, ['update', APP, '--check'])
      assert.deepEqual(
        check.json.plan.hops.map((hop: {version: string}) => hop.version),
        ['2.3.0'],
      )
      const {code, json, stderr} = await discodeJson(world, ['update', APP])
      assert.equal(code, 0, stderr)
      assert.equal(json.to.version, '2.3.0')
      assert.equal(json.from.version, '2.0.0')
      assert.equal(await body(), 'version=2.3.0\n')
      // The plan applied is the one --check showed: hops, releases, inputs, accessories, snapshot (sizes are --check's only).
      const unsized = (plan: {hops: object[]}) => ({...plan, hops: plan.hops.map((hop) => ({...hop, imageBytes: null}))})
      assert.deepEqual(unsized(json.plan), unsized(check.json.plan))
      assert.equal(json.plan.hops[0].snapshotTrigger, 'pre-update')

      const result = await loop.stop()
      assert.ok(result.total > 20, `the loop sent only ${result.total} requests`)
      assert.equal(result.failures, 0, `failed requests: ${result.failureSamples.join(' | ')}`)
      assert.ok(result.bodies.get('version=2.0.0\n')! > 0, 'the loop saw 2.0 serving between the hops')
      assert.equal(result.bodies.get('version=1.5.0\n'), undefined, '1.5 was skipped')
      // The migrations ran in order (2.3's hook ran again after the kill), each with the new input.
      const migrations = (await httpGet(`${world.url}/data/migrations.log`, {host: HOST})).body.trim().split('\n')
      assert.equal(migrations[0], '2.0.0 mail.test')
      assert.ok(
        migrations.slice(1).every((line) => line === '2.3.0 mail.test'),
        migrations.join(' | '),
      )
    })
    it('a failing hop stops there and says which release serves', async () => {
      feed.setFeed({
        releases: [
          release('2.3.0'),
          // 2.4.0 runs the 2.3.0 image; 2.5.0 never becomes healthy.
          release('2.4.0', {required: true, image: `${REPOSITORY}:2.3.0`}),
          release('2.5.0', {image: `${REPOSITORY}:${BROKEN}`}),
        ],
      })
      const result = await discode(world, ['update', APP])
      assert.equal(result.code, 1)
      assert.match(
        result.stderr,
        /Error: Update of upd-path to 2\.5\.0 \(hop 2 of 2\) failed: 2\.5\.0 was not deployed: .*; 2\.4\.0 is serving/,
      )
      assert.equal(record().current.version, '2.4.0')
      assert.equal(await body(), 'version=2.3.0\n', '2.4.0 (the 2.3.0 image) serves')
    })
  })

  describe('auto-update run with a patch policy, a weekend window and notifications', () => {
    const APP = 'upd-auto'
    const HOST = 'auto.test'
    let feed: FeedServer
    const hooks: {path: string; body: {text: string; content: string; discode: Notice}}[] = []
    const mails: string[] = []
    const body = async () => (await httpGet(`${world.url}/`, {host: HOST})).body
    const run = (now: string) => discodeJson(world, ['auto-update', 'run', '--now', now])
    const events = (from: number) => hooks.slice(from).map((hook) => `${hook.body.discode.event} ${hook.body.discode.version}`)

    before(async () => {
      feed = await startFeedServer({releases: [release('1.0.0')]})
      servers.push(feed)
      const recipeDir = writeRecipe(join(world.home, 'recipes', 'auto'), feed.url, {image: REPOSITORY})
      const installed = await discode(world, ['install', APP, '--recipe', recipeDir, '--set', `hostname=${HOST}`])
      assert.equal(installed.code, 0, installed.stderr)

      const receiver: Server = createServer((request, response) => {
        let text = ''
        request.on('data', (chunk) => (text += chunk))
        request.on('end', () => {
          hooks.push({path: request.url ?? '', body: JSON.parse(text)})
          response.writeHead(200).end()
        })
      })
      await new Promise<void>((ok) => receiver.listen(0, '127.0.0.1', ok))
      servers.push({close: () => new Promise((ok) => receiver.close(ok))})
      const sink = new SMTPServer({
        disabledCommands: ['STARTTLS'],
        allowInsecureAuth: true,
        onAuth: (auth, _session, callback) =>
          auth.username === 'ops' && auth.password === SMTP_PASSWORD
            ? callback(null, {user: 'ops'})
            : callback(new Error('bad credentials')),
        onData: (stream, _session, callback) => {
          let raw = ''
          stream.on('data', (chunk) => (raw += chunk))
          stream.on('end', () => {
            mails.push(raw)
            callback()
          })
        },
      })
      await new Promise<void>((ok) => sink.listen(0, '127.0.0.1', ok))
      servers.push({close: () => new Promise((ok) => sink.close(() => ok(undefined)))})

      const webhookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks/${WEBHOOK_TOKEN}`
      const webhook = await discode(world, ['auto-update', 'notify', '--webhook-file', '-'], {input: `${webhookUrl}\n`})
      assert.equal(webhook.code, 0, webhook.stderr)
      const passwordFile = join(world.home, 'smtp-password')
      writeFileSync(passwordFile, SMTP_PASSWORD, {mode: 0o600})
      const port = String((sink.server.address() as AddressInfo).port)
      const smtp = await discode(world, [
        'auto-update',
        'notify',
        ...['--smtp-host', '127.0.0.1', '--smtp-port', port, '--smtp-user', 'ops', '--smtp-password-file', passwordFile],
        '--smtp-plaintext-loopback',
        ...['--mail-from', 'discode@upd.test', '--mail-to', 'admin@upd.test'],
      ])
      assert.equal(smtp.code, 0, smtp.stderr)
      for (const output of [webhook.stdout, smtp.stdout]) {
        assert.equal(output.includes(WEBHOOK_TOKEN) || output.includes(SMTP_PASSWORD), false, 'no secret is printed')
      }
      assert.equal(statSync(join(world.home, 'notify-secrets.json')).mode & 0o777, 0o600)

      const policy = await discode(world, [
        'auto-update',
        APP,
        '--policy',
        'patch',
        '--window',
        'Sat,Sun 02:00-05:00',
        '--timezone',
        'Europe/Berlin',
      ])
      assert.equal(policy.code, 0, policy.stderr)
      feed.setFeed({releases: [release('1.0.0'), release('1.0.1', {notes: 'Patch'}), release('1.1.0', {notes: 'Minor'})]})
    })

    it('status shows the policy and the channels, never a secret', async () => {
      const {code, json} = await discodeJson(world, ['auto-update', 'status', '--now', OUTSIDE])
      assert.equal(code, 0)
      const app = json.apps.find((a: {app: string}) => a.app === APP)
      assert.deepEqual([app.policy, app.window, app.timezone, app.windowOpen], ['patch', 'Sat,Sun 02:00-05:00', 'Europe/Berlin', false])
      assert.match(json.notifications.webhook.host, /^127\.0\.0\.1:\d+$/)
      assert.deepEqual(json.notifications.smtp.to, ['admin@upd.test'])
      const text = JSON.stringify(json) + (await discode(world, ['auto-update', 'status'])).stdout
      assert.equal(text.includes(WEBHOOK_TOKEN) || text.includes(SMTP_PASSWORD), false)
    })

    it('outside the window: nothing is installed; the waiting releases are announced once', async () => {
      const {code, json} = await run(OUTSIDE)
      assert.equal(code, 0)
      assert.equal(json.apps.find((a: {app: string}) => a.app === APP).outcome, 'waiting')
      assert.equal(await body(), 'version=1.0.0\n')
      assert.deepEqual(events(0), ['update-available 1.0.1', 'update-available 1.1.0'])
      assert.ok(hooks.every((hook) => hook.path === `/hooks/${WEBHOOK_TOKEN}`))
      assert.match(hooks[0].body.text, /1\.0\.0 is running; 1\.0\.1 is available: it will be installed in the next maintenance window/)
      assert.match(hooks[1].body.content, /1\.1\.0 is available: the app's policy does not install it automatically/)
      assert.equal(mails.length, 2)
      assert.match(mails[0], /^Subject: \[discode\] upd-auto: update 1\.0\.1 available/m)
      assert.match(mails[0], /^To: admin@upd\.test/m)
      // A second run outside the window announces nothing new.
      assert.equal((await run(OUTSIDE)).code, 0)
      assert.equal(hooks.length, 2)
    })

    it('inside the window: the newest patch only; the minor is left for later', async () => {
      const {code, json, stderr} = await run(INSIDE)
      assert.equal(code, 0, stderr)
      const report = json.apps.find((a: {app: string}) => a.app === APP)
      assert.equal(report.outcome, 'updated')
      assert.equal(await body(), 'version=1.0.1\n')
      assert.deepEqual(events(2), ['update-done 1.0.1'])
      assert.match(hooks[2].body.text, /upd-auto now serves 1\.0\.1/)
      assert.equal(mails.length, 3)
      assert.match(mails[2], /^Subject: \[discode\] upd-auto: updated to 1\.0\.1/m)
    })

    it('a failed auto-update notifies with the reason, keeps the old release serving, and is not retried in a loop', async () => {
      feed.setFeed({releases: [release('1.0.0'), release('1.0.1'), release(BROKEN), release('1.1.0')]})
      const failed = await run(INSIDE)
      assert.equal(failed.code, 1)
      const report = failed.json.apps.find((a: {app: string}) => a.app === APP)
      assert.equal(report.outcome, 'failed')
      assert.equal(report.serving, '1.0.1')
      assert.equal(await body(), 'version=1.0.1\n')
      assert.deepEqual(events(3), [`update-failed ${BROKEN}`])
      const notice = hooks[3].body.discode
      assert.match(notice.reason ?? '', /1\.0\.2 was not deployed: kamal-proxy: target failed to become healthy/)
      assert.equal(notice.current, '1.0.1')
      assert.ok(Array.isArray(notice.logTail) && notice.logTail.length > 0, 'the log tail is sent')
      assert.match(mails[3], /^Subject: \[discode\] upd-auto: update to 1\.0\.2 failed/m)
      assert.match(decodeQuotedPrintable(mails[3]), /Reason: 1\.0\.2 was not deployed/)
      assert.match(decodeQuotedPrintable(mails[3]), /1\.0\.1 keeps serving/)

      const containers = await allAppContainers(APP)
      const again = await run(INSIDE)
      assert.equal(again.code, 0, again.stderr)
      assert.deepEqual(again.json.apps.find((a: {app: string}) => a.app === APP).decisions[0], {
        action: 'none',
        why: 'failed-before',
        version: BROKEN,
      })
      assert.equal(hooks.length, 4, 'no notification for a release that is not tried again')
      assert.deepEqual(await allAppContainers(APP), containers, 'nothing was started')

      const cleared = await discodeJson(world, ['auto-update', APP, '--clear'])
      assert.equal(cleared.code, 0)
      assert.equal(cleared.json.failed, undefined)
    })

    it('an app another discode is working on (its lock) is left for the next run, not marked failed', async () => {
      // The app's real lock, held by this process as another discode command would hold it.
      const busy = await withAppLock(world.home, APP, {command: 'update'}, () => run(INSIDE))
      assert.equal(busy.code, 0, busy.stderr)
      const report = busy.json.apps.find((a: {app: string}) => a.app === APP)
      assert.equal(report.outcome, 'busy')
      assert.match(report.reason, /upd-auto is busy: discode update \(pid \d+/)
      assert.equal(hooks.length, 4, 'no notification')
      assert.equal(await body(), 'version=1.0.1\n')
      const status = await discodeJson(world, ['auto-update', 'status'])
      const app = status.json.apps.find((a: {app: string}) => a.app === APP)
      assert.equal(app.failed, undefined, 'a busy app is not a failed release')
      assert.equal(app.lastRun.outcome, 'busy')
    })

    it('install writes the systemd units (or a cron entry) under a root directory, and remove takes them away', async () => {
      const root = mkdtempSync(join(tmpdir(), 'discode-root-'))
      try {
        const env = {...world.env, DISCODE_SYSTEM_ROOT: root}
        const systemd = await discodeJson({...world, env}, ['auto-update', 'install', '--scheduler', 'systemd'])
        assert.equal(systemd.code, 0, systemd.stderr)
        const service = readFileSync(join(root, 'etc/systemd/system/discode-auto-update.service'), 'utf8')
        assert.match(service, new RegExp(`^ExecStart=".*node.*" "${ROOT}/bin/run\\.js" "auto-update" "run"$`, 'm'))
        assert.match(service, new RegExp(`^Environment="DISCODE_HOME=${world.home}"$`, 'm'))
        assert.ok(existsSync(join(root, 'etc/systemd/system/discode-auto-update.timer')))
        assert.deepEqual(systemd.json.ran, [], 'systemctl is not run under a test root')
        const cron = await discode({...world, env}, ['auto-update', 'install', '--scheduler', 'cron'])
        assert.match(cron.stdout, /Wrote .*etc\/cron\.d\/discode-auto-update:\n.*\n\s+DISCODE_HOME=/)
        const removed = await discodeJson({...world, env}, ['auto-update', 'remove'])
        assert.equal(removed.json.removed.length, 3)
        assert.equal(existsSync(join(root, 'etc/cron.d/discode-auto-update')), false)
      } finally {
        rmSync(root, {recursive: true, force: true})
      }
    })

    it('a hook that fails with the secret in its command and output: neither the journal nor a notification holds it', async () => {
      const secret = JSON.parse(readFileSync(join(world.home, 'apps', APP, 'secrets.json'), 'utf8')).generated.secret_key_base
      assert.ok(secret.length >= 32)
      writeRecipe(join(world.home, 'recipes', 'auto'), feed.url, {
        image: REPOSITORY,
        hooks: {
          preSwitch: [
            {
              name: 'migrate',
              run: ['/bin/sh', '-c', 'echo "connecting with {{secrets.secret_key_base}}"; echo "key=$SECRET_KEY_BASE" >&2; exit 3'],
            },
          ],
          postSwitch: [],
        },
      })
      feed.setFeed({releases: [release('1.0.0'), release('1.0.1'), release('1.0.3', {image: `${REPOSITORY}:1.1.0`})]})
      const before = hooks.length
      const failed = await run(INSIDE)
      assert.equal(failed.code, 1)
      assert.deepEqual(events(before), ['update-failed 1.0.3'])
      const notice = hooks.at(-1)!.body
      assert.match(notice.discode.reason ?? '', /preSwitch hook "migrate" failed \(exit 3\)/)
      const sent = JSON.stringify(notice) + decodeQuotedPrintable(mails.at(-1) ?? '')
      assert.ok(sent.includes('[REDACTED]'))
      assert.equal(sent.includes(secret), false, 'the webhook and the mail hold no secret')
      const journal = readFileSync(join(world.home, 'apps', APP, 'journal.jsonl'), 'utf8')
      assert.match(journal, /"failed: .*\[REDACTED\]/)
      assert.equal(journal.includes(secret), false, 'the journal holds no secret')
      assert.equal(await body(), 'version=1.0.1\n')
    })
  })
})

interface Notice {
  event: string
  version?: string
  current?: string
  reason?: string
  logTail?: string[]
}

/** Mail bodies may be quoted-printable (soft line breaks, =XX). */
function decodeQuotedPrintable(text: string): string {
  return text.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)))
}
