import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {pullError} from './images.js'

function httpError(statusCode: number, message: string) {
  return Object.assign(new Error(`(HTTP code ${statusCode}) server error - ${message} `), {statusCode, json: {message}})
}

describe('pullError', () => {
  it('says the registry refused the pull, with a hint about credentials, when Docker reports unauthorized', () => {
    const error = pullError(
      '127.0.0.1:5000/acme/app:1.0.0',
      httpError(500, 'Head "http://127.0.0.1:5000/v2/acme/app/manifests/1.0.0": no basic auth credentials'),
    )
    assert.equal(error.code, 'REGISTRY_UNAUTHORIZED')
    assert.equal(error.message, 'The registry 127.0.0.1:5000 refused to let discode pull 127.0.0.1:5000/acme/app:1.0.0 (unauthorized)')
    assert.match(error.hint ?? '', /--registry-user/)
  })

  it("points at the vendor's feed when the image or tag does not exist", () => {
    const error = pullError(
      '127.0.0.1:5000/acme/app:9.9.9',
      httpError(404, 'manifest for 127.0.0.1:5000/acme/app:9.9.9 not found: manifest unknown'),
    )
    assert.equal(error.code, 'PULL_FAILED')
    assert.match(error.message, /^Could not pull 127\.0\.0\.1:5000\/acme\/app:9\.9\.9: manifest for/)
    assert.match(error.hint ?? '', /feed names an image the registry does not have/)
  })

  it('asks to check the registry is reachable otherwise, and passes an unreachable Docker through', () => {
    const error = pullError('ghcr.io/acme/app:1', httpError(500, 'Get "https://ghcr.io/v2/": dial tcp: i/o timeout'))
    assert.equal(error.code, 'PULL_FAILED')
    assert.equal(error.hint, 'Check that ghcr.io/acme/app:1 exists and that ghcr.io is reachable from this server')
    assert.equal(pullError('app', Object.assign(new Error('connect'), {code: 'ECONNREFUSED'})).code, 'DOCKER_UNAVAILABLE')
  })
})
