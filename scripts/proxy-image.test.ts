import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {chooseProxyImage, type ProxyProbes} from './proxy-image.js'

const REAL = 'basecamp/kamal-proxy:v0.9.2'
const STANDIN = 'discode-test/kamal-proxy:standin'

/** Probes that record every call; `local` lists the images Docker has, `pullable` those a pull gets. */
function probes(local: string[], pullable: string[]): ProxyProbes & {calls: string[]} {
  const calls: string[] = []
  return {
    calls,
    async isLocal(image) {
      calls.push(`isLocal ${image}`)
      return local.includes(image)
    },
    async pull(image) {
      calls.push(`pull ${image}`)
      if (!pullable.includes(image))
        throw new Error(
          `docker pull -q ${image} failed (1): Error response from daemon: Get "https://registry-1.docker.io/v2/": no such host\nmore`,
        )
    },
    async buildStandin() {
      calls.push('buildStandin')
      return STANDIN
    },
  }
}

describe('chooseProxyImage', () => {
  it('a local real image is used without a pull attempt', async () => {
    const p = probes([REAL], [REAL])
    const choice = await chooseProxyImage({real: REAL, standinImage: STANDIN, probes: p})
    assert.deepEqual(choice, {image: REAL, source: 'local', standin: false, description: `${REAL} (found on this machine, not pulled)`})
    assert.deepEqual(p.calls, [`isLocal ${REAL}`])
  })

  it('not local: pulled when the pull works, and the stand-in is not built', async () => {
    const p = probes([], [REAL])
    const choice = await chooseProxyImage({real: REAL, standinImage: STANDIN, probes: p})
    assert.equal(choice.source, 'pulled')
    assert.equal(choice.image, REAL)
    assert.deepEqual(p.calls, [`isLocal ${REAL}`, `pull ${REAL}`])
  })

  it("neither local nor pullable: the stand-in, saying why (the pull error's first line, without the docker command)", async () => {
    const p = probes([], [])
    const choice = await chooseProxyImage({real: REAL, standinImage: STANDIN, probes: p})
    assert.equal(choice.image, STANDIN)
    assert.equal(choice.source, 'standin')
    assert.equal(choice.standin, true)
    assert.match(
      choice.description,
      /cannot be pulled \(Error response from daemon: Get "https:\/\/registry-1\.docker\.io\/v2\/": no such host\)$/,
    )
    assert.deepEqual(p.calls, [`isLocal ${REAL}`, `pull ${REAL}`, 'buildStandin'])
  })

  it('the reference is injectable: another version is looked for, not a fixed one', async () => {
    const other = 'basecamp/kamal-proxy:v0.8.7'
    const p = probes([other], [])
    assert.equal((await chooseProxyImage({real: other, standinImage: STANDIN, probes: p})).image, other)
    assert.deepEqual(p.calls, [`isLocal ${other}`])
  })

  it('DISCODE_PROXY_IMAGE always wins: nothing looked up or pulled (the stand-in is built when it is the one named)', async () => {
    const p = probes([REAL], [REAL])
    const mine = await chooseProxyImage({explicit: 'registry.example/kamal-proxy:mine', real: REAL, standinImage: STANDIN, probes: p})
    assert.deepEqual(mine, {
      image: 'registry.example/kamal-proxy:mine',
      source: 'env',
      standin: false,
      description: 'registry.example/kamal-proxy:mine (set by DISCODE_PROXY_IMAGE)',
    })
    assert.deepEqual(p.calls, [])
    const standin = await chooseProxyImage({explicit: STANDIN, real: REAL, standinImage: STANDIN, probes: p})
    assert.equal(standin.standin, true)
    assert.deepEqual(p.calls, ['buildStandin'])
  })
})
