/**
 * `discode --version` without oclif: bin/run.js asks this first, and only when it answers false loads
 * oclif (about 150 ms of module loading and plugin discovery on a 2-core machine, most of a start-up).
 * The line is oclif's own `config.userAgent`, `NAME/VERSION PLATFORM-ARCH node-vX.Y.Z`, for the same
 * argv oclif treats as a version request (`--version` first, whatever follows). On WSL, where oclif
 * says `wsl` for the platform, this leaves the answer to oclif.
 */
import {readFileSync} from 'node:fs'
import {arch, platform, release} from 'node:os'
import {join} from 'node:path'

export interface VersionFacts {
  name: string
  version: string
  platform: string
  arch: string
  node: string
}

/** oclif's version check (main.js `versionAddition`): the first word is `--version`. */
export function isVersionRequest(argv: readonly string[]): boolean {
  return argv[0] === '--version'
}

/** oclif's `config.userAgent`, ia32 named x86 as oclif names it. */
export function userAgent(facts: VersionFacts): string {
  const cpu = facts.arch === 'ia32' ? 'x86' : facts.arch
  return `${facts.name}/${facts.version} ${facts.platform}-${cpu} node-${facts.node}`
}

/** Linux under WSL names Microsoft in its kernel release or /proc/version (what is-wsl reads). */
export function mayBeWsl(os: string, kernelRelease: string, procVersion: () => string): boolean {
  if (os !== 'linux') return false
  if (kernelRelease.toLowerCase().includes('microsoft')) return true
  try {
    return procVersion().toLowerCase().includes('microsoft')
  } catch {
    return false
  }
}

/** Prints the version line and returns true, or returns false for oclif to run the command. */
export function answerVersion(
  argv: readonly string[],
  root: string,
  write: (line: string) => unknown = (line) => process.stdout.write(line),
): boolean {
  if (!isVersionRequest(argv)) return false
  if (mayBeWsl(platform(), release(), () => readFileSync('/proc/version', 'utf8'))) return false
  const pjson = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {name: string; version?: string}
  write(`${userAgent({name: pjson.name, version: pjson.version ?? '0.0.0', platform: platform(), arch: arch(), node: process.version})}\n`)
  return true
}
