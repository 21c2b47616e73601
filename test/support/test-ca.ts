/**
 * A certificate authority made for one test run with the `openssl` CLI (node:crypto cannot issue
 * certificates): its root, and leaf certificates for given host names, all in a temporary directory.
 */
import {execFileSync} from 'node:child_process'
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

export interface IssuedPair {
  certFile: string
  keyFile: string
  cert: string
  key: string
}

export interface TestCa {
  dir: string
  /** The root certificate, PEM: what clients trust. */
  root: string
  issue(name: string, hosts: string[], options?: {days?: number}): IssuedPair
  /** A key of its own, unrelated to any certificate. */
  strayKey(name: string): IssuedPair['keyFile']
  remove(): void
}

const openssl = (dir: string, args: string[]) => execFileSync('openssl', args, {cwd: dir, stdio: ['ignore', 'pipe', 'pipe']})

export function createTestCa(): TestCa {
  const dir = mkdtempSync(join(tmpdir(), 'discode-test-ca-'))
  openssl(dir, [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem',
    '-days',
    '2',
    '-subj',
    '/CN=discode test CA',
  ])
  return {
    dir,
    root: readFileSync(join(dir, 'ca.pem'), 'utf8'),
    issue(name, hosts, options = {}) {
      const keyFile = join(dir, `${name}.key`)
      const certFile = join(dir, `${name}.pem`)
      openssl(dir, [
        'req',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-keyout',
        keyFile,
        '-out',
        `${name}.csr`,
        '-subj',
        `/CN=${hosts[0]}`,
      ])
      writeFileSync(join(dir, `${name}.ext`), `subjectAltName=${hosts.map((host) => `DNS:${host}`).join(',')}\n`)
      const days = String(options.days ?? 30)
      openssl(dir, [
        'x509',
        '-req',
        '-in',
        `${name}.csr`,
        '-CA',
        'ca.pem',
        '-CAkey',
        'ca.key',
        '-CAcreateserial',
        '-out',
        certFile,
        '-days',
        days,
        '-extfile',
        `${name}.ext`,
      ])
      return {certFile, keyFile, cert: readFileSync(certFile, 'utf8'), key: readFileSync(keyFile, 'utf8')}
    },
    strayKey(name) {
      const keyFile = join(dir, `${name}.key`)
      openssl(dir, ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', keyFile])
      return keyFile
    },
    remove() {
      rmSync(dir, {recursive: true, force: true})
    },
  }
}
