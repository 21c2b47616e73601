/**
 * scripts/packages.sh, which scripts/services.sh runs first: the decision (install, or say what to
 * install and how) for root and non-root, Debian, Ubuntu and other systems, and the real check and
 * message on this machine. The real install path (apt-get as root) is not run here: it would change
 * the machine under the other tests. By hand, as root: `bash -c 'source scripts/packages.sh; ensure_packages
 * librsvg2-bin'` installs it and prints "packages: installed librsvg2-bin"; a second call prints nothing.
 */
import assert from 'node:assert/strict'
import {execFile} from 'node:child_process'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {after, describe, it} from 'node:test'

import {ROOT} from '../support/discode.js'

const SCRIPT = join(ROOT, 'scripts', 'packages.sh')
const dir = mkdtempSync(join(tmpdir(), 'discode-packages-'))
const osRelease = (name: string, text: string) => {
  const file = join(dir, name)
  writeFileSync(file, text)
  return file
}
const DEBIAN = osRelease('debian', 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\nVERSION_ID="12"\n')
const UBUNTU = osRelease('ubuntu', 'NAME="Ubuntu"\nID=ubuntu\nID_LIKE=debian\n')
const MINT = osRelease('mint', 'NAME="Linux Mint"\nID=linuxmint\nID_LIKE="ubuntu debian"\n')
const FEDORA = osRelease('fedora', 'NAME="Fedora Linux"\nID=fedora\n')

/** Runs `source packages.sh; FUNCTION ARGS...` in bash, optionally as an unprivileged user. */
function bash(call: string[], options: {unprivileged?: boolean} = {}): Promise<{code: number; stdout: string; stderr: string}> {
  const script = `source "$0"; "$@"`
  const [file, args] =
    options.unprivileged && process.getuid?.() === 0
      ? ['setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', 'bash', '-c', script, SCRIPT, ...call]]
      : ['bash', ['-c', script, SCRIPT, ...call]]
  return new Promise((ok) =>
    execFile(file, args, (error, stdout, stderr) =>
      ok({code: error ? Number(error.code ?? 1) : 0, stdout: stdout.trim(), stderr: stderr.trim()}),
    ),
  )
}

const plan = async (...args: string[]) => (await bash(['package_plan', ...args])).stdout

describe('system packages (scripts/packages.sh)', () => {
  after(() => rmSync(dir, {recursive: true, force: true}))

  it('nothing missing: nothing to do, whoever and wherever', async () => {
    assert.equal(await plan('1000', FEDORA, 'no'), 'none')
    assert.equal(await plan('0', DEBIAN, 'yes'), 'none')
  })

  it('root on Debian, Ubuntu or a derivative: installs exactly the missing packages', async () => {
    for (const file of [DEBIAN, UBUNTU, MINT]) assert.equal(await plan('0', file, 'yes', 'docker.io', 'gcc'), 'install docker.io gcc')
  })

  it('not root on Debian: names the packages and the sudo command', async () => {
    assert.equal(
      await plan('1000', UBUNTU, 'yes', 'docker-registry', 'curl'),
      "tell missing packages: docker-registry curl. Hint: run 'sudo apt-get install -y docker-registry curl' (or run this command as root, which installs them)",
    )
  })

  it('not Debian (or no apt-get, or no os-release): names the packages and what to install instead, never apt-get', async () => {
    for (const [file, apt] of [
      [FEDORA, 'yes'],
      [DEBIAN, 'no'],
      [join(dir, 'no-such-file'), 'yes'],
    ]) {
      const text = await plan('0', file, apt, 'docker.io', 'busybox-static')
      assert.match(
        text,
        /^tell missing packages: docker\.io busybox-static \(Debian names; this is not Debian or Ubuntu\)\. Hint: install their equivalents/,
      )
      assert.doesNotMatch(text, /apt-get/)
    }
  })

  it("on this machine: the suite's packages are present, an unknown one is missing", async () => {
    const present = await bash(['missing_packages', 'docker.io', 'docker-registry', 'busybox-static', 'gcc', 'libc6-dev', 'curl'])
    assert.equal(present.stdout, '', 'services.sh ran before the suite, so nothing is missing')
    const absent = await bash(['missing_packages', 'gcc', 'discode-no-such-package'])
    assert.equal(absent.stdout, 'discode-no-such-package')
  })

  it('as an unprivileged user, a missing package fails with one message and the command (nothing installed)', async () => {
    const result = await bash(['ensure_packages', 'gcc', 'discode-no-such-package'], {unprivileged: true})
    assert.equal(result.code, 1)
    assert.equal(result.stdout, '')
    assert.equal(
      result.stderr,
      "packages: missing packages: discode-no-such-package. Hint: run 'sudo apt-get install -y discode-no-such-package' (or run this command as root, which installs them)",
    )
  })
})
