/**
 * Scheduling `discode auto-update run` with the host's own tools: a systemd timer and service, or a
 * cron entry where there is no systemd. Nothing in discode sleeps for hours: the host wakes it every
 * 15 minutes and the run decides (window, policy). The unit texts are pure functions; install/remove
 * write under a root directory (`/` on a real host, a temporary directory in tests).
 */
import {existsSync, mkdirSync, rmSync, writeFileSync} from 'node:fs'
import {dirname, join} from 'node:path'

export const UNIT_NAME = 'discode-auto-update'
/** How often the host runs discode; each run checks every app's window. */
export const ON_CALENDAR = '*:0/15'
export const CRON_SCHEDULE = '*/15 * * * *'

/** Environment handed to the scheduled run: where the state is, which Docker objects are discode's. Never secrets. */
export const PASSED_ENV = [
  'DISCODE_HOME',
  'DISCODE_NETWORK',
  'DISCODE_PROXY_IMAGE',
  'DISCODE_PROXY_CONTAINER',
  'DISCODE_PROXY_HTTP_PORT',
  'DISCODE_PROXY_HTTPS_PORT',
  'DISCODE_PROXY_BIND',
  'DOCKER_HOST',
] as const

export type Scheduler = 'systemd' | 'cron'

export interface ScheduleSpec {
  /** The node binary and discode's bin/run.js: what the scheduler runs. */
  node: string
  script: string
  env: Record<string, string>
}

export interface ScheduleFile {
  path: string
  content: string
}

/** The environment to pass: the PASSED_ENV variables that are set. */
export function passedEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(PASSED_ENV.flatMap((name) => (env[name] ? [[name, env[name]!]] : [])))
}

/** A systemd word: quoted, with `\`, `"` escaped and `%` doubled (systemd's specifier sign). */
function systemdQuote(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/%/g, '%%')}"`
}

export function systemdUnits(spec: ScheduleSpec): {service: string; timer: string} {
  const environment = Object.entries(spec.env).map(([name, value]) => `Environment=${systemdQuote(`${name}=${value}`)}\n`)
  const service = `# Written by "discode auto-update install"; removed by "discode auto-update remove".
[Unit]
Description=discode: scheduled app updates within their maintenance windows
Wants=network-online.target docker.service
After=network-online.target docker.service

[Service]
Type=oneshot
${environment.join('')}ExecStart=${[spec.node, spec.script, 'auto-update', 'run'].map(systemdQuote).join(' ')}
Nice=10
`
  const timer = `# Written by "discode auto-update install"; removed by "discode auto-update remove".
[Unit]
Description=discode: run scheduled app updates every 15 minutes

[Timer]
OnCalendar=${ON_CALENDAR}
Persistent=true
RandomizedDelaySec=60

[Install]
WantedBy=timers.target
`
  return {service, timer}
}

/** A shell word for cron's /bin/sh, with `%` escaped (cron turns it into a newline). */
function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`.replace(/%/g, '\\%')
}

export function cronEntry(spec: ScheduleSpec): string {
  const environment = Object.entries(spec.env).map(([name, value]) => `${name}=${value}\n`)
  const command = [spec.node, spec.script, 'auto-update', 'run'].map(shellQuote).join(' ')
  return `# Written by "discode auto-update install"; removed by "discode auto-update remove".
${environment.join('')}${CRON_SCHEDULE} root ${command} >/dev/null 2>&1
`
}

/** systemd when it runs the host (`/run/systemd/system` exists under the root), otherwise cron. */
export function detectScheduler(root: string): Scheduler {
  return existsSync(join(root, 'run/systemd/system')) ? 'systemd' : 'cron'
}

export function scheduleFiles(root: string, scheduler: Scheduler, spec: ScheduleSpec): ScheduleFile[] {
  if (scheduler === 'cron') return [{path: join(root, 'etc/cron.d', UNIT_NAME), content: cronEntry(spec)}]
  const {service, timer} = systemdUnits(spec)
  return [
    {path: join(root, 'etc/systemd/system', `${UNIT_NAME}.service`), content: service},
    {path: join(root, 'etc/systemd/system', `${UNIT_NAME}.timer`), content: timer},
  ]
}

/** Commands that make the host pick the files up (none for cron: it reads /etc/cron.d by itself). */
export function activationCommands(scheduler: Scheduler, action: 'install' | 'remove'): string[][] {
  if (scheduler === 'cron') return []
  return action === 'install'
    ? [
        ['systemctl', 'daemon-reload'],
        ['systemctl', 'enable', '--now', `${UNIT_NAME}.timer`],
      ]
    : [
        ['systemctl', 'disable', '--now', `${UNIT_NAME}.timer`],
        ['systemctl', 'daemon-reload'],
      ]
}

export function writeScheduleFiles(files: ScheduleFile[]): void {
  for (const file of files) {
    mkdirSync(dirname(file.path), {recursive: true})
    // cron ignores files in /etc/cron.d that are group- or world-writable.
    writeFileSync(file.path, file.content, {mode: 0o644})
  }
}

/** Removes whichever of discode's schedule files exist; returns their paths. */
export function removeScheduleFiles(root: string): string[] {
  const candidates = [
    join(root, 'etc/systemd/system', `${UNIT_NAME}.service`),
    join(root, 'etc/systemd/system', `${UNIT_NAME}.timer`),
    join(root, 'etc/cron.d', UNIT_NAME),
  ]
  const present = candidates.filter((path) => existsSync(path))
  for (const path of present) rmSync(path, {force: true})
  return present
}
