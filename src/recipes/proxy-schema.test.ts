import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {RecipeSchema, RenderedRecipeSchema} from './schema.js'

const base = {name: 'shop', image: 'registry.example.com/shop', feed: 'https://releases.example.com/feed.json'}
const problems = (proxy: object, schema = RecipeSchema) => {
  const result = schema.safeParse({...base, proxy})
  return result.success ? [] : result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`)
}

describe('the recipe proxy key', () => {
  it('takes several hosts, a path prefix, timeouts, body limits and forwarding headers', () => {
    const proxy = {
      hosts: ['shop.test', 'www.shop.test'],
      pathPrefix: '/shop',
      stripPathPrefix: false,
      targetTimeout: '2m',
      maxRequestBody: '10MB',
      bufferResponses: true,
      maxResponseBody: 1_000_000,
      forwardHeaders: true,
    }
    assert.deepEqual(problems(proxy), [])
  })

  it('refuses host and hosts together, a bad host in hosts, and a prefix that is not a path', () => {
    assert.match(problems({host: 'a.test', hosts: ['b.test']}).join('\n'), /proxy.hosts: set either proxy.host or proxy.hosts/)
    assert.match(problems({hosts: ['bad host']}).join('\n'), /proxy.hosts.0: "bad host" is not a hostname/)
    assert.match(problems({pathPrefix: 'shop'}).join('\n'), /proxy.pathPrefix: "shop" is not a path prefix/)
    assert.match(problems({pathPrefix: '/'}).join('\n'), /is not a path prefix/)
  })

  it('refuses what kamal-proxy refuses: TLS below a path prefix, a body limit with buffering off', () => {
    assert.match(problems({host: 'a.test', tls: true, pathPrefix: '/shop'}).join('\n'), /proxy.pathPrefix: cannot be combined with tls/)
    assert.match(problems({maxRequestBody: '1MB', bufferRequests: false}).join('\n'), /proxy.maxRequestBody: needs request buffering/)
    assert.match(problems({maxRequestBody: '12 apples'}).join('\n'), /is not a size/)
    assert.match(problems({targetTimeout: 'soon'}).join('\n'), /is not a duration/)
  })

  it('TLS needs host or hosts; a templated host is checked once rendered', () => {
    assert.match(problems({tls: true}).join('\n'), /needs proxy.host or proxy.hosts/)
    assert.deepEqual(problems({tls: true, hosts: ['{{inputs.hostname}}']}), [])
    assert.match(problems({hosts: ['{{inputs.hostname}}']}, RenderedRecipeSchema).join('\n'), /is not a hostname/)
  })
})
