import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import type {ContainerInspect} from '../docker/docker.js'
import {proxyFacts} from './container.js'
import type {ProxyRoute} from './list.js'
import {discodeRoutes, ownershipNote, proxyOwnership, routeOwner, targetHost} from './ownership.js'

const route = (service: string, targets: string[]): ProxyRoute => ({service, hosts: [], targets, state: 'running', tls: false})

describe('proxy ownership', () => {
  it("is discode's only with the discode.proxy label, whatever its name or networks", () => {
    assert.deepEqual(proxyOwnership({labels: {'discode.proxy': 'true'}, networks: ['kamal']}), {owned: true, owner: 'discode'})
    assert.equal(proxyOwnership({labels: {'discode.proxy': 'false'}, networks: ['discode']}).owned, false)
    assert.equal(proxyOwnership({labels: null, networks: []}).owned, false)
  })

  it('names who created a shared proxy as far as Docker tells', () => {
    assert.match(proxyOwnership({labels: {}, networks: ['kamal']}).owner, /^Kamal/)
    assert.equal(
      proxyOwnership({labels: {'com.docker.compose.project': 'web'}, networks: ['web_default']}).owner,
      'Docker Compose project "web"',
    )
    assert.equal(proxyOwnership({labels: {}, networks: ['x-kamal']}).owner, 'another tool (no discode.proxy label; networks: x-kamal)')
    assert.equal(
      ownershipNote(proxyOwnership({labels: {}, networks: ['kamal']})),
      'shared (created by someone else: Kamal (it is on the "kamal" network))',
    )
    assert.equal(ownershipNote({owned: true, owner: 'discode'}), 'owned by discode')
  })
})

describe('route ownership', () => {
  it("is discode's when a live target is the app's own container", () => {
    assert.equal(routeOwner(route('shop', ['shop-0123456789ab:80']), [{'discode.app': 'shop'}]), 'discode')
  })

  it("is another tool's when its live targets are not the app's containers", () => {
    assert.equal(routeOwner(route('blog-web', ['a7535f905149:80']), [{service: 'blog', role: 'web'}]), 'other')
    // A container of another discode app does not make the route this app's.
    assert.equal(routeOwner(route('shop', ['blog-0123456789ab:80']), [{'discode.app': 'blog'}]), 'other')
  })

  it('is unknown when no target container is left', () => {
    assert.equal(routeOwner(route('shop', ['gone:80']), [undefined]), 'unknown')
    assert.equal(routeOwner(route('shop', []), []), 'unknown')
  })

  it("discode's routes are those of its installed apps", () => {
    const routes = [route('shop', ['shop-1:80']), route('blog-web-production', ['a7535f905149:80'])]
    assert.deepEqual(
      discodeRoutes(routes, ['shop', 'wiki']).map((r) => r.service),
      ['shop'],
    )
  })

  it('reads the container out of a target', () => {
    assert.equal(targetHost('shop-0123456789ab:3000'), 'shop-0123456789ab')
    assert.equal(targetHost('web'), 'web')
    assert.equal(targetHost('[fd00::2]:80'), 'fd00::2')
  })
})

describe('proxy facts', () => {
  const inspect = (labels: Record<string, string>, networks: string[], mounts: {Name: string; Destination: string}[] = []) =>
    ({
      Config: {Labels: labels},
      NetworkSettings: {Networks: Object.fromEntries(networks.map((n) => [n, {}]))},
      Mounts: mounts.map((m) => ({...m, Type: 'volume'})),
    }) as unknown as ContainerInspect

  it("says whether the proxy is on discode's network and which volume holds its state", () => {
    const kamal = proxyFacts(
      inspect({}, ['kamal'], [{Name: 'kamal-proxy-config', Destination: '/home/kamal-proxy/.config/kamal-proxy'}]),
      'discode',
    )
    assert.deepEqual(kamal, {
      ownership: {owned: false, owner: 'Kamal (it is on the "kamal" network)'},
      networks: ['kamal'],
      onNetwork: false,
      stateVolume: 'kamal-proxy-config',
    })
    const attached = proxyFacts(inspect({'discode.proxy': 'true'}, ['discode', 'kamal']), 'discode')
    assert.equal(attached.onNetwork, true)
    assert.equal(attached.ownership.owned, true)
    assert.equal(attached.stateVolume, undefined)
  })
})
