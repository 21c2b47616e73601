import assert from 'node:assert/strict'
import {existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, it} from 'node:test'

import {
  activationCommands,
  cronEntry,
  detectScheduler,
  passedEnv,
  removeScheduleFiles,
  scheduleFiles,
  systemdUnits,
  writeScheduleFiles,
} from './schedule.js'

const SPEC = {node: '/usr/bin/node', script: '/opt/discode/bin/run.js', env: {DISCODE_HOME: '/var/lib/discode 100%'}}

describe('systemd units', () => {
  const {service, timer} = systemdUnits(SPEC)
  it('the service runs "auto-update run" once, with the environment quoted for systemd', () => {
    assert.match(service, /^Type=oneshot$/m)
    assert.match(service, /^ExecStart="\/usr\/bin\/node" "\/opt\/discode\/bin\/run\.js" "auto-update" "run"$/m)
    assert.match(service, /^Environment="DISCODE_HOME=\/var\/lib\/discode 100%%"$/m, 'a % is doubled')
    assert.match(service, /^After=network-online\.target docker\.service$/m)
  })
  it('the timer fires every 15 minutes, catches up after downtime, and is enabled by timers.target', () => {
    assert.match(timer, /^OnCalendar=\*:0\/15$/m)
    assert.match(timer, /^Persistent=true$/m)
    assert.match(timer, /^\[Install\]\nWantedBy=timers\.target$/m)
  })
})

describe('cron entry', () => {
  it('runs every 15 minutes as root with the environment, % escaped', () => {
    const entry = cronEntry({...SPEC, script: "/opt/it's/run.js"})
    assert.match(entry, /^DISCODE_HOME=\/var\/lib\/discode 100%$/m)
    assert.match(entry, /^\*\/15 \* \* \* \* root '\/usr\/bin\/node' '\/opt\/it'\\''s\/run\.js' 'auto-update' 'run' >\/dev\/null 2>&1$/m)
    assert.match(cronEntry({...SPEC, script: '/opt/100%/run.js'}), /'\/opt\/100\\%\/run\.js'/)
  })
})

describe('installing into a root directory', () => {
  it('detects systemd, writes and removes the files', () => {
    const root = mkdtempSync(join(tmpdir(), 'discode-schedule-'))
    try {
      assert.equal(detectScheduler(root), 'cron')
      mkdirSync(join(root, 'run/systemd/system'), {recursive: true})
      assert.equal(detectScheduler(root), 'systemd')
      const files = scheduleFiles(root, 'systemd', SPEC)
      writeScheduleFiles(files)
      const timer = join(root, 'etc/systemd/system/discode-auto-update.timer')
      assert.equal(readFileSync(timer, 'utf8'), systemdUnits(SPEC).timer)
      assert.equal(statSync(timer).mode & 0o777, 0o644)
      writeScheduleFiles(scheduleFiles(root, 'cron', SPEC))
      assert.deepEqual(removeScheduleFiles(root).length, 3)
      assert.equal(existsSync(timer), false)
      assert.deepEqual(removeScheduleFiles(root), [])
    } finally {
      rmSync(root, {recursive: true, force: true})
    }
  })
  it('systemd needs daemon-reload and enable; cron nothing', () => {
    assert.deepEqual(activationCommands('systemd', 'install')[1], ['systemctl', 'enable', '--now', 'discode-auto-update.timer'])
    assert.deepEqual(activationCommands('cron', 'install'), [])
  })
  it('passes only the known, set variables (never a registry password)', () => {
    assert.deepEqual(passedEnv({DISCODE_HOME: '/h', DISCODE_REGISTRY_PASSWORD: 'x', PATH: '/bin', DISCODE_NETWORK: ''}), {
      DISCODE_HOME: '/h',
    })
  })
})
