import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {adoptsUnlabelled, derivedNames, ownershipProblem, reservedNameProblem, reservedNames} from './ownership.js'

const recipe = (volumes: string[], accessories: Record<string, string[]> = {}) => ({
  volumes: volumes.map((name) => ({name})),
  accessories: Object.fromEntries(Object.entries(accessories).map(([name, v]) => [name, {volumes: v.map((n) => ({name: n}))}])),
})

describe('Docker names and their owners', () => {
  it('apps shop (volume blog-data) and shop-blog (volume data) derive the same name', () => {
    assert.deepEqual(derivedNames('shop', recipe(['blog-data'])).volumes, derivedNames('shop-blog', recipe(['data'])).volumes)
    assert.deepEqual(derivedNames('shop', recipe([], {db: ['data']})), {
      volumes: ['shop-db-data'],
      containers: ['shop-db', 'shop-db-previous'],
    })
  })

  it('a name labelled as another app, or not labelled, is refused; the app may use its own', () => {
    const theirs = ownershipProblem('volume', 'shop-blog-data', {labels: {'discode.app': 'shop-blog'}}, 'shop', true)
    assert.equal(theirs?.code, 'NAME_TAKEN')
    assert.match(theirs!.message, /volume shop-blog-data needed by shop belongs to the app shop-blog/)
    assert.equal(ownershipProblem('volume', 'shop-data', {labels: {'discode.app': 'shop'}}, 'shop', false), undefined)
    assert.equal(ownershipProblem('volume', 'shop-data', undefined, 'shop', false), undefined, 'absent: created with its labels')
    assert.equal(ownershipProblem('container', 'shop-db', {labels: {}}, 'shop', false)?.code, 'NAME_TAKEN')
    assert.equal(ownershipProblem('container', 'shop-db', {labels: null}, 'shop', false)?.code, 'NAME_TAKEN')
  })

  it('an unlabelled object is adopted only by an app already installed here', () => {
    assert.equal(adoptsUnlabelled(undefined), false)
    assert.equal(adoptsUnlabelled({current: undefined}), false, 'a first install (its record has no release yet)')
    assert.equal(adoptsUnlabelled({current: {version: '1.0.0'}}), true)
    assert.equal(ownershipProblem('volume', 'shop-data', {labels: {}}, 'shop', true), undefined)
    // Another app's label is never adopted, installed or not.
    assert.equal(ownershipProblem('volume', 'shop-data', {labels: {'discode.app': 'other'}}, 'shop', true)?.code, 'NAME_TAKEN')
  })

  it("the proxy's container, state volume and network are reserved, whether or not they exist", () => {
    const reserved = reservedNames({proxyContainer: 'kamal-proxy', network: 'discode'})
    assert.deepEqual(reserved, ['kamal-proxy', 'kamal-proxy-config', 'discode'])
    const volume = reservedNameProblem('kamal', recipe(['proxy-config']), reserved)
    assert.equal(volume?.code, 'NAME_RESERVED')
    assert.match(volume!.message, /"kamal-proxy-config", which is reserved for the proxy/)
    assert.equal(reservedNameProblem('kamal', recipe([], {proxy: []}), reserved)?.code, 'NAME_RESERVED', 'an accessory named as the proxy')
    assert.equal(reservedNameProblem('kamal', recipe([], {db: ['x']}), reserved), undefined)
    assert.equal(reservedNameProblem('kamal', recipe(['proxy-data']), reserved), undefined)
    assert.equal(reservedNameProblem('kamal-proxy', recipe([]), reserved)?.code, 'NAME_RESERVED', 'the app name itself')
  })
})
