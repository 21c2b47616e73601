/**
 * A second local registry, on 127.0.0.1 with htpasswd auth (Debian's docker-registry, as for the
 * plain one), holding copies of the test images. The docker CLI logs in with its own throwaway
 * DOCKER_CONFIG, so the machine's docker credentials are never touched and discode's pulls must
 * bring their own credentials.
 */
import {type ChildProcess, execFile, spawn} from 'node:child_process'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import bcrypt from 'bcryptjs'

import {freePort} from './discode.js'
import {docker, removeLocalImage} from './images.js'

export interface PrivateRegistry {
  address: string
  username: string
  password: string
  /** Pushes a local image under `<address>/<path>` with the registry's credentials; returns the ref. */
  push(localRef: string, path: string): Promise<string>
  stop(): Promise<void>
}

export async function startPrivateRegistry(): Promise<PrivateRegistry> {
  const dir = mkdtempSync(join(tmpdir(), 'discode-private-registry-'))
  const port = await freePort()
  const address = `127.0.0.1:${port}`
  const username = 'customer-42'
  const password = `pw-${Math.random().toString(36).slice(2)}`
  writeFileSync(join(dir, 'htpasswd'), `${username}:${bcrypt.hashSync(password, 10)}\n`)
  writeFileSync(
    join(dir, 'config.yml'),
    [
      'version: 0.1',
      'log: {level: warn}',
      `storage: {filesystem: {rootdirectory: ${join(dir, 'data')}}, delete: {enabled: true}}`,
      `http: {addr: "${address}"}`,
      `auth: {htpasswd: {realm: discode-test, path: ${join(dir, 'htpasswd')}}}`,
      '',
    ].join('\n'),
  )
  const child: ChildProcess = spawn('/usr/bin/docker-registry', ['serve', join(dir, 'config.yml')], {stdio: 'ignore'})
  await waitForHttp(`http://${address}/v2/`)
  const dockerConfig = join(dir, 'docker-config')
  const cli = (args: string[]) =>
    new Promise<void>((ok, fail) =>
      execFile('docker', args, {env: {...process.env, DOCKER_CONFIG: dockerConfig}}, (error, _out, stderr) =>
        error ? fail(new Error(`docker ${args[0]}: ${stderr}`)) : ok(),
      ),
    )

  return {
    address,
    username,
    password,
    async push(localRef, path) {
      const ref = `${address}/${path}`
      await docker(['tag', localRef, ref])
      await new Promise<void>((ok, fail) => {
        const login = execFile(
          'docker',
          ['login', address, '--username', username, '--password-stdin'],
          {env: {...process.env, DOCKER_CONFIG: dockerConfig}},
          (error, _o, stderr) => (error ? fail(new Error(`docker login: ${stderr}`)) : ok()),
        )
        login.stdin?.end(password)
      })
      await cli(['push', ref])
      // Gone from the host, so discode's pull is a real, authenticated pull.
      await removeLocalImage(ref)
      return ref
    },
    async stop() {
      child.kill('SIGTERM')
      rmSync(dir, {recursive: true, force: true})
    },
  }
}

async function waitForHttp(url: string): Promise<void> {
  const deadline = Date.now() + 15_000
  for (;;) {
    try {
      const response = await fetch(url)
      if (response.status === 401 || response.ok) return
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer`)
    await new Promise((r) => setTimeout(r, 100))
  }
}
